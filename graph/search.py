"""Find entities by name or synonym the way a reader types them.

Matching ignores case, accents and punctuation ("Post-traumatic" = "post traumatic"),
ranks exact names above prefixes above shared words above near spellings, and says which
name matched.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import Final, NamedTuple, TypeAlias

import networkx as nx

from graph.spelling import NearSpellings

# Node attributes that hold names, and how much a match on each is worth.
NAME_FIELDS: Final = (
    "name",
    "label",
    "inn",
    "chemical_name",
    "code_names",
    "brand_names",
    "synonyms",
    "abbreviations",
    "registry_id",
    "acronym",
    "code",
    "publisher",  # a source is found by who published it as well as by its title
)

EXACT: Final = 100.0
PREFIX: Final = 90.0
ALL_WORDS: Final = 80.0
FUZZY_CUTOFF: Final = 80.0
_PREFIX_SCAN: Final = 2000
_WORD_SCAN: Final = 2000
# Kinds whose label is a title or a sentence rather than a name.
_SENTENCE_LABELS: Final = frozenset({"source", "claim", "action", "event", "effect", "conflict"})
# Readers search for things more often than for documents about them: on equal scores,
# a substance outranks a source whose title starts with its name.
_KIND_PRIORITY: Final = {"substance": 5, "condition": 5, "organisation": 4, "target": 3, "trial": 2}
_NON_WORD: Final = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed.

    >>> normalise("Post-Traumatic  Stress (PTSD)")
    'post traumatic stress ptsd'
    >>> normalise("psilocybine")
    'psilocybine'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain.casefold()).strip()


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    kind: str
    label: str
    matched: str  # the name or synonym that matched, as written in the data
    field: str  # which attribute it is
    score: float  # 0-100


class _Entry(NamedTuple):
    norm: str
    node: str
    text: str
    field: str


# Positions in the entry list, as machine integers: a million-node index holds tens of
# millions of them, and a list of ints would hold each as a 28-byte object.
Positions: TypeAlias = "array[int]"


class NameIndex:
    """Names of every node, indexed for exact, prefix, word and fuzzy lookup."""

    def __init__(
        self, entries: list[_Entry], kinds: dict[str, str], labels: dict[str, str]
    ) -> None:
        self._entries = entries
        self._kinds = kinds
        self._labels = labels
        self._order = _positions(sorted(range(len(entries)), key=lambda i: entries[i].norm))
        self._sorted_keys = [entries[i].norm for i in self._order]
        # Each word's entries, shortest name first: among names that hold every word of the
        # query, the shortest rank highest, so a common word's first few are enough.
        words: dict[str, list[int]] = {}
        for index, entry in enumerate(entries):
            for word in set(entry.norm.split()):
                words.setdefault(word, []).append(index)
        self._words = {
            word: _positions(sorted(indices, key=lambda i: len(entries[i].norm)))
            for word, indices in words.items()
        }
        # Near spellings are looked for among names only: a misspelt word is not "close" to
        # a source's title or a claim's sentence, and comparing with those would cost most of
        # the time.
        self._near = NearSpellings(
            (index, entry.norm, kinds[entry.node])
            for index, entry in enumerate(entries)
            if not (entry.field == "label" and kinds[entry.node] in _SENTENCE_LABELS)
        )

    def __getstate__(self) -> dict[str, object]:
        # Entries as plain tuples: they unpickle without a call into Python each.
        return {**self.__dict__, "_entries": [tuple(e) for e in self._entries]}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._entries = list(map(tuple.__new__, repeat(_Entry), self._entries))

    @classmethod
    def build(cls, graph: nx.MultiDiGraph) -> NameIndex:
        entries: list[_Entry] = []
        kinds: dict[str, str] = {}
        labels: dict[str, str] = {}
        for node, attrs in graph.nodes(data=True):
            kinds[node] = attrs["kind"]
            labels[node] = attrs["label"]
            seen: set[str] = set()
            for field, text in _names(attrs):
                norm = normalise(text)
                if norm and norm not in seen:
                    seen.add(norm)
                    entries.append(_Entry(norm, node, text, field))
        return cls(entries, kinds, labels)

    def search(self, text: str, kinds: Collection[str] = (), limit: int = 10) -> list[SearchHit]:
        """The best `limit` matches for `text`, best first; one hit per node."""
        query = normalise(text)
        if not query or limit <= 0:
            return []
        best: dict[str, tuple[float, _Entry]] = {}

        def offer(index: int, score: float) -> None:
            entry = self._entries[index]
            if kinds and self._kinds[entry.node] not in kinds:
                return
            current = best.get(entry.node)
            if current is None or score > current[0]:
                best[entry.node] = (score, entry)

        for index in self._prefixed(query):
            norm = self._entries[index].norm
            # A shorter name that the query covers more of ranks higher among prefixes.
            offer(
                index, EXACT if norm == query else PREFIX + 3.0 * min(1.0, len(query) / len(norm))
            )
        words = list(dict.fromkeys(query.split()))
        for index in self._with_all_words(words, limit=max(200, 20 * limit)):
            offer(index, ALL_WORDS + 3.0 * min(1.0, len(query) / len(self._entries[index].norm)))
        if len(best) < limit:
            for index, score in self._near.find(query, kinds, limit * 4, FUZZY_CUTOFF):
                offer(index, min(score, ALL_WORDS - 0.01) * 0.99)
        ranked = sorted(best.items(), key=lambda item: self._rank(item[0], item[1][0]))
        return [
            SearchHit(
                node,
                self._kinds[node],
                self._labels[node],
                entry.text,
                entry.field,
                round(score, 2),
            )
            for node, (score, entry) in ranked[:limit]
        ]

    def exact(self, text: str, kind: str, field: str) -> list[str]:
        """The nodes of `kind` whose `field` is `text`, but for case, accents and
        punctuation, by id: a lookup, however many names there are."""
        query = normalise(text)
        position = bisect.bisect_left(self._sorted_keys, query)
        found = set()
        while position < len(self._sorted_keys) and self._sorted_keys[position] == query:
            entry = self._entries[self._order[position]]
            position += 1
            if entry.field == field and self._kinds[entry.node] == kind:
                found.add(entry.node)
        return sorted(found)

    def _rank(self, node: str, score: float) -> tuple[int, float, str, str]:
        # The tier (exact, prefix, every word, near spelling) comes first; the kind only
        # reorders matches within a tier.
        tier = next(i for i, floor in enumerate((EXACT, PREFIX, ALL_WORDS, 0.0)) if score >= floor)
        bonus = _KIND_PRIORITY.get(self._kinds[node], 0)
        return (tier, -(score + bonus), self._labels[node], node)

    def _prefixed(self, query: str) -> Iterator[int]:
        start = bisect.bisect_left(self._sorted_keys, query)
        # Bounded: a one-letter query must not walk a million names.
        end = start + _PREFIX_SCAN
        for norm, index in zip(self._sorted_keys[start:end], self._order[start:end], strict=True):
            if not norm.startswith(query):
                break
            yield index

    def _with_all_words(self, words: list[str], limit: int) -> list[int]:
        """Up to `limit` entries holding every word, shortest first. Bounded, so that a word
        in every title ("trial") does not make each search walk them all."""
        postings = [self._words.get(word, _positions(())) for word in words]
        if not postings or not all(postings):
            return []
        shortest = min(postings, key=len)
        wanted = set(words)
        found: list[int] = []
        # The rarest word's entries, checked for the others; only the shortest two thousand,
        # so that a rare pair of common words does not walk a common word's every name.
        for index in shortest[:_WORD_SCAN]:
            if wanted <= set(self._entries[index].norm.split()):
                found.append(index)
                if len(found) >= limit:
                    break
        return found


def _positions(values: Iterable[int]) -> Positions:
    return array("I", values)


def _names(attrs: Mapping[str, object]) -> Iterator[tuple[str, str]]:
    for field in NAME_FIELDS:
        value = attrs.get(field)
        if isinstance(value, str):
            yield field, value
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, str):
                    yield field, item
    history = attrs.get("names")  # organisations' former names
    for entry in history if isinstance(history, tuple) else ():
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if isinstance(name, str):
            yield "names", name
