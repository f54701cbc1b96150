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
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

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


# Positions in the entry columns, as machine integers: a million-node index holds tens of
# millions of them, and a list of ints would hold each as a 28-byte object.
Positions: TypeAlias = "array[int]"
# The fields a name can come from, numbered: each entry keeps its field as one byte.
_FIELDS: Final = (*NAME_FIELDS, "names")


class NameIndex:
    """Names of every node, indexed for exact, prefix, word and fuzzy lookup.

    The entries (a normalised name, its node, the name as written, its field) are kept as
    columns rather than one tuple each, equal normalised names and words as one string,
    and the kind and label of a node are read from the graph: a million-record graph has
    1.7 million entries, and a tuple and a string copy for each took a sixth of its memory.
    """

    def __init__(
        self,
        columns: tuple[list[str], list[str], list[str], bytes],
        nodes: Mapping[str, Mapping[str, object]],
    ) -> None:
        """`columns`: each entry's normalised name, node, name as written and field number
        (in `_FIELDS`); `nodes`: the graph's node attributes, by id."""
        self._norms, self._nodes, self._texts, self._fields = columns
        self._graph_nodes = nodes
        norms = self._norms
        self._order = _positions(sorted(range(len(norms)), key=norms.__getitem__))
        # Each word's entries, shortest name first: among names that hold every word of the
        # query, the shortest rank highest, so a common word's first few are enough. Flat:
        # the entries of word w are _word_entries[_word_starts[k]:_word_starts[k + 1]] for
        # k = _word_at[w], as most words are in one name only.
        words: dict[str, list[int]] = {}
        same = {norm: norm for norm in norms}  # a word that is a whole name is that string
        for index, norm in enumerate(norms):
            for word in set(norm.split()):
                words.setdefault(same.setdefault(word, word), []).append(index)
        self._word_at = {word: k for k, word in enumerate(words)}
        self._word_starts = _positions([0])
        self._word_entries = _positions(())
        for indices in words.values():
            self._word_entries.extend(sorted(indices, key=lambda i: len(norms[i])))
            self._word_starts.append(len(self._word_entries))
        # Near spellings are looked for among names only: a misspelt word is not "close" to
        # a source's title or a claim's sentence, and comparing with those would cost most of
        # the time.
        label = _FIELDS.index("label")
        self._near = NearSpellings(
            (index, norm, kind)
            for index, (norm, field, kind) in enumerate(
                zip(norms, self._fields, map(self._kind, self._nodes), strict=True)
            )
            if not (field == label and kind in _SENTENCE_LABELS)
        )

    def __getstate__(self) -> dict[str, object]:
        # The graph is saved on its own; `attach` gives the index back its nodes.
        return {k: v for k, v in self.__dict__.items() if k != "_graph_nodes"}

    def attach(self, nodes: Mapping[str, Mapping[str, object]]) -> None:
        """Read kinds and labels from `nodes` (an unpickled index has none)."""
        self._graph_nodes = nodes

    @classmethod
    def build(cls, graph: nx.MultiDiGraph) -> NameIndex:
        norms: list[str] = []
        nodes: list[str] = []
        texts: list[str] = []
        fields = bytearray()
        same: dict[str, str] = {}  # one string for equal normalised names and words
        for node, attrs in graph.nodes(data=True):
            seen: set[str] = set()
            for field, text in _names(attrs):
                norm = normalise(text)
                if norm and norm not in seen:
                    seen.add(norm)
                    norm = same.setdefault(norm, norm)
                    norms.append(norm)
                    nodes.append(node)
                    texts.append(text)
                    fields.append(_FIELDS.index(field))
        return cls((norms, nodes, texts, bytes(fields)), graph._node)

    def search(self, text: str, kinds: Collection[str] = (), limit: int = 10) -> list[SearchHit]:
        """The best `limit` matches for `text`, best first; one hit per node."""
        query = normalise(text)
        if not query or limit <= 0:
            return []
        best: dict[str, tuple[float, int]] = {}

        def offer(index: int, score: float) -> None:
            node = self._nodes[index]
            if kinds and self._kind(node) not in kinds:
                return
            current = best.get(node)
            if current is None or score > current[0]:
                best[node] = (score, index)

        for index in self._prefixed(query):
            norm = self._norms[index]
            # A shorter name that the query covers more of ranks higher among prefixes.
            offer(
                index, EXACT if norm == query else PREFIX + 3.0 * min(1.0, len(query) / len(norm))
            )
        words = list(dict.fromkeys(query.split()))
        for index in self._with_all_words(words, limit=max(200, 20 * limit)):
            offer(index, ALL_WORDS + 3.0 * min(1.0, len(query) / len(self._norms[index])))
        if len(best) < limit:
            for index, score in self._near.find(query, kinds, limit * 4, FUZZY_CUTOFF):
                offer(index, min(score, ALL_WORDS - 0.01) * 0.99)
        ranked = sorted(best.items(), key=lambda item: self._rank(item[0], item[1][0]))
        return [
            SearchHit(
                node,
                self._kind(node),
                self._label(node),
                self._texts[index],
                _FIELDS[self._fields[index]],
                round(score, 2),
            )
            for node, (score, index) in ranked[:limit]
        ]

    def exact(self, text: str, kind: str, field: str) -> list[str]:
        """The nodes of `kind` whose `field` is `text`, but for case, accents and
        punctuation, by id: a lookup, however many names there are."""
        query = normalise(text)
        if field not in _FIELDS:
            return []
        number = _FIELDS.index(field)
        order, norms = self._order, self._norms
        position = bisect.bisect_left(order, query, key=norms.__getitem__)
        found = set()
        while position < len(order) and norms[order[position]] == query:
            index = order[position]
            position += 1
            if self._fields[index] == number and self._kind(self._nodes[index]) == kind:
                found.add(self._nodes[index])
        return sorted(found)

    def _kind(self, node: str) -> str:
        return str(self._graph_nodes[node]["kind"])

    def _label(self, node: str) -> str:
        return str(self._graph_nodes[node]["label"])

    def _rank(self, node: str, score: float) -> tuple[int, float, str, str]:
        # The tier (exact, prefix, every word, near spelling) comes first; the kind only
        # reorders matches within a tier.
        tier = next(i for i, floor in enumerate((EXACT, PREFIX, ALL_WORDS, 0.0)) if score >= floor)
        bonus = _KIND_PRIORITY.get(self._kind(node), 0)
        return (tier, -(score + bonus), self._label(node), node)

    def _prefixed(self, query: str) -> Iterator[int]:
        norms = self._norms
        start = bisect.bisect_left(self._order, query, key=norms.__getitem__)
        # Bounded: a one-letter query must not walk a million names.
        for index in self._order[start : start + _PREFIX_SCAN]:
            if not norms[index].startswith(query):
                break
            yield index

    def _entries_with(self, word: str) -> Sequence[int]:
        k = self._word_at.get(word)
        if k is None:
            return ()
        # A view, not a copy: a common word is in a good part of all names.
        return memoryview(self._word_entries)[self._word_starts[k] : self._word_starts[k + 1]]

    def _with_all_words(self, words: list[str], limit: int) -> list[int]:
        """Up to `limit` entries holding every word, shortest first. Bounded, so that a word
        in every title ("trial") does not make each search walk them all."""
        postings = [self._entries_with(word) for word in words]
        if not postings or not all(postings):
            return []
        shortest = min(postings, key=len)
        wanted = set(words)
        found: list[int] = []
        # The rarest word's entries, checked for the others; only the shortest two thousand,
        # so that a rare pair of common words does not walk a common word's every name.
        for index in shortest[:_WORD_SCAN]:
            if wanted <= set(self._norms[index].split()):
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
