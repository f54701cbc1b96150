"""Match registry names to records the data already holds, exactly and explainably.

Names are compared after `graph.search.normalise` (case, accents and punctuation
ignored). Matching is exact on a name, synonym, code name or abbreviation; for
substances a name may also appear as whole words inside a longer intervention name
("MDMA-assisted therapy", "ESKETAMINE HYDROCHLORIDE"). Nothing is fuzzy: a near miss
creates a record a curator can merge, while a wrong match would silently put a trial
on the wrong drug. A key shared by two records is ambiguous and matches neither.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from graph.search import normalise

_SUBSTANCE_EXACT: Final = (
    "name",
    "inn",
    "chemical_name",
    "code_names",
    "brand_names",
    "synonyms",
)
# Synonyms include street names ("E", "X", "Adam"), which must never match by containment.
_SUBSTANCE_CONTAINED: Final = ("name", "inn", "code_names", "brand_names")
_MIN_CONTAINED: Final = 3  # characters: shorter names match only exactly
_MIN_EXACT_SYNONYM: Final = 3

_LEGAL_SUFFIXES: Final = (
    ("s", "r", "l"),
    ("s", "p", "a"),
    ("s", "a"),
    ("b", "v"),
    ("n", "v"),
    ("inc",),
    ("incorporated",),
    ("llc",),
    ("ltd",),
    ("limited",),
    ("corp",),
    ("corporation",),
    ("co",),
    ("company",),
    ("gmbh",),
    ("ag",),
    ("sa",),
    ("spa",),
    ("srl",),
    ("bv",),
    ("nv",),
    ("plc",),
    ("lp",),
    ("pty",),
)
_ABBREVIATED: Final = re.compile(r"^(?P<base>.*\S)\s*\((?P<abbr>[A-Z0-9][A-Z0-9-]*[A-Z0-9])\)$")
_PLACEBO: Final = re.compile(
    r"\b(placebo|sham|saline|vehicle|standard of care|usual care|no intervention|"
    r"wait ?list|control)\b"
)
NOT_SUBSTANCE_TYPES: Final = frozenset(
    {"DEVICE", "PROCEDURE", "BEHAVIORAL", "RADIATION", "DIAGNOSTIC_TEST"}
)


def names_in(fields: Mapping[str, object], keys: Iterable[str]) -> list[str]:
    """The names a record holds under `keys`: single text, lists, and name histories."""
    found: list[str] = []
    for key in keys:
        value = fields.get(key)
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, str):
                found.append(item)
            elif isinstance(item, Mapping) and isinstance(item.get("name"), str):
                found.append(str(item["name"]))
    return found


def organisation_key(name: str) -> str:
    """Normalised name without legal-form suffixes: "Xynomic Pharmaceuticals, Inc." and
    "Xynomic Pharmaceuticals" are one company."""
    tokens = normalise(name).split()
    if tokens[:1] == ["the"]:
        tokens = tokens[1:]
    stripped = True
    while stripped and len(tokens) > 1:
        stripped = False
        for suffix in _LEGAL_SUFFIXES:
            if len(tokens) > len(suffix) and tuple(tokens[-len(suffix) :]) == suffix:
                tokens = tokens[: -len(suffix)]
                stripped = True
                break
    return " ".join(tokens)


def split_abbreviation(text: str) -> tuple[str, str | None]:
    """ "Spinal Muscular Atrophy (SMA)" -> ("Spinal Muscular Atrophy", "SMA")."""
    match = _ABBREVIATED.match(text.strip())
    if match is None:
        return text.strip(), None
    return match.group("base"), match.group("abbr")


def condition_keys(text: str, mesh_term: str | None = None) -> list[str]:
    """Keys to look a listed condition up by, most literal first."""
    base, _ = split_abbreviation(text)
    keys = [text, base]
    head, sep, tail = base.partition(", ")  # "Caries, Dental" is "Dental Caries"
    if sep and ", " not in tail:
        keys.append(f"{tail} {head}")
    if mesh_term:
        keys.append(mesh_term)
    return list(dict.fromkeys(k for k in map(normalise, keys) if k))


def is_placebo(name: str) -> bool:
    return _PLACEBO.search(normalise(name)) is not None


def slug(text: str, limit: int = 60) -> str:
    """An id-safe slug: "Hôpitaux de Paris" -> "hopitaux-de-paris"."""
    ascii_text = unicodedata.normalize("NFKD", normalise(text)).encode("ascii", "ignore")
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.decode()).split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or "unnamed"


@dataclass
class Matcher:
    """Indexes of the names in the data, extended as an import creates records."""

    kinds: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    _substances: dict[str, set[str]] = field(default_factory=dict)
    _phrases: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    _organisations: dict[str, set[str]] = field(default_factory=dict)
    _conditions: dict[str, set[str]] = field(default_factory=dict)
    _urls: dict[str, str] = field(default_factory=dict)
    _regulators: dict[str, set[str]] = field(default_factory=dict)

    def add(self, node_id: str, kind: str, fields: Mapping[str, object]) -> None:
        """Index one record (a validated one's typed fields or a planned one's)."""
        self.kinds[node_id] = kind
        label = next(iter(names_in(fields, ("name", "title", "summary"))), node_id)
        self.labels[node_id] = label
        if kind == "substance":
            for name in names_in(fields, _SUBSTANCE_EXACT):
                norm = normalise(name)
                if len(norm) >= _MIN_EXACT_SYNONYM or name in names_in(fields, ("name",)):
                    self._substances.setdefault(norm, set()).add(node_id)
            for name in names_in(fields, _SUBSTANCE_CONTAINED):
                norm = normalise(name)
                if len(norm) >= _MIN_CONTAINED:
                    self._phrases.append((tuple(norm.split()), node_id))
        elif kind == "organisation":
            for name in names_in(fields, ("name", "names", "abbreviations")):
                self._organisations.setdefault(organisation_key(name), set()).add(node_id)
            if fields.get("type") == "regulator":
                for name in names_in(fields, ("abbreviations", "name")):
                    self._regulators.setdefault(normalise(name), set()).add(node_id)
        elif kind == "condition":
            for name in names_in(fields, ("name", "synonyms", "abbreviations")):
                self._conditions.setdefault(normalise(name), set()).add(node_id)
        elif kind == "source":
            url = fields.get("url")
            if isinstance(url, str):
                self._urls.setdefault(url, node_id)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.kinds

    def substances(self, names: Iterable[str]) -> list[str]:
        """Substances named by any of `names`: exact matches if there are any, else
        substances whose name appears as whole words in one of them."""
        norms = [n for n in map(normalise, names) if n]
        exact = sorted({s for n in norms for s in self._substances.get(n, ())})
        if exact:
            return exact
        found: set[str] = set()
        for norm in norms:
            tokens = tuple(norm.split())
            for phrase, node_id in self._phrases:
                if _contains(tokens, phrase):
                    found.add(node_id)
        return sorted(found)

    def organisation(self, name: str) -> str | None:
        return _unique(self._organisations.get(organisation_key(name)))

    def condition(self, keys: Iterable[str]) -> str | None:
        for key in keys:
            found = _unique(self._conditions.get(key))
            if found is not None:
                return found
        return None

    def source_with_url(self, *urls: str) -> str | None:
        for url in urls:
            if url in self._urls:
                return self._urls[url]
        return None

    def regulator(self, abbreviation: str) -> str | None:
        return _unique(self._regulators.get(normalise(abbreviation)))

    def new_id(self, kind: str, name: str) -> str:
        """An unused id for a new record: kind:slug, or kind:slug-2 and so on."""
        base = f"{kind}:{slug(name)}"
        candidate, number = base, 2
        while candidate in self.kinds:
            candidate, number = f"{base}-{number}", number + 1
        return candidate


def _unique(found: set[str] | None) -> str | None:
    return next(iter(found)) if found is not None and len(found) == 1 else None


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    width = len(phrase)
    return any(tokens[i : i + width] == phrase for i in range(len(tokens) - width + 1))
