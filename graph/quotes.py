"""Does a quote carry the value it is cited for?

A citation is only as good as its quote: a reader who opens the source must find there the
date, the number, the registry id or the name the record gives. This module knows how each
kind of checkable value is written in running text, and applies the quote rule to whole
records:

- every citation that supports a checkable field carries at least one of its values in
  its quote, unless the citation says how the value was `derived`;
- every checkable value of a record is carried by a citation that supports its field, or
  by a derived one.

Text fields other than registry and application ids, and enumerated fields, are not
checked: their wording is the curator's. So are references to records without a name a
quote could give (sources, actions, events, effects, claims).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Final

from graph.dates import PartialDate, Precision
from graph.model import KINDS, SOURCES_FIELD, Field, FieldType
from graph.records import Citation, FieldValue, Record

# Text fields whose values are identifiers a quote can carry.
IDENTIFIER_FIELDS: Final = frozenset({("trial", "registry_id"), ("action", "application_number")})

# The fields holding each named kind's names: a quote names a record by any of them.
NAME_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "substance": ("name", "inn", "chemical_name", "code_names", "brand_names", "synonyms"),
    "condition": ("name", "abbreviations", "synonyms"),
    "organisation": ("name", "names", "abbreviations"),
    "jurisdiction": ("name", "code", "synonyms"),
    "trial": ("registry_id", "acronym"),
    "target": ("name", "synonyms"),
}

_MONTHS: Final = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_NUMBER: Final = {
    **{m: i for i, m in enumerate(_MONTHS, 1)},
    **{m[:3]: i for i, m in enumerate(_MONTHS, 1)},
    "sept": 9,
}
_MONTH: Final = r"(?P<month>" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\.?"
_DAY: Final = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR: Final = r"(?P<year>1[89][0-9]{2}|2[01][0-9]{2})"
_DATE_FORMS: Final = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"(?<![0-9]){_YEAR}-(?P<mm>[0-9]{{2}})(?:-(?P<dd>[0-9]{{2}}))?(?![0-9])",
        r"(?<![0-9/])(?P<mm>[0-9]{1,2})/(?P<dd>[0-9]{1,2})/" + _YEAR + r"(?![0-9])",
        rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}(?![0-9])",
        rf"(?<![0-9]){_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}(?![0-9])",
        rf"\b{_MONTH},?\s+{_YEAR}(?![0-9])",
        rf"(?<![0-9.,]){_YEAR}(?![0-9]|,[0-9]{{3}})",
    )
)
_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_NUMBER: Final = re.compile(
    r"(?<![0-9.,])([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![0-9]|[.,][0-9]|\s*%)"
)
_NUMBER_WORDS: Final = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_NOT_ALNUM: Final = re.compile(r"[^0-9a-z]+")
_ALNUM: Final = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
_POSSESSIVE: Final = re.compile(r"(?<=\w)['\u2019]s\b")
_INNER_STOP: Final = re.compile(r"(?<=\b[A-Za-z])\.(?=[A-Za-z]\b)|(?<=\b[A-Za-z]\.[A-Za-z])\.")
_LETTERS_OR_DIGITS: Final = re.compile(r"[a-z]+|[0-9]+")


def dates_in(text: str) -> list[PartialDate]:
    """Every date written in `text`, at the precision it is written.

    >>> [str(d) for d in dates_in("On August 16, 2017 (Aug. 2017), and 16 August 2017")]
    ['2017-08-16', '2017-08-16', '2017-08', '2017-08', '2017', '2017', '2017']
    >>> [str(d) for d in dates_in("posted 08/16/2017; updated 2019-01; 1,999 people")]
    ['2019-01', '2017-08-16', '2017', '2019']
    """
    found: list[PartialDate] = []
    for form in _DATE_FORMS:
        for match in form.finditer(text):
            parts = match.groupdict()
            month_text = parts.get("month") or parts.get("mm")
            day_text = parts.get("day") or parts.get("dd")
            written = parts["year"]
            if month_text is not None:
                month = _MONTH_NUMBER.get(month_text.lower()) or int(month_text)
                written += f"-{month:02d}"
                if day_text is not None:
                    written += f"-{int(day_text):02d}"
            try:
                found.append(PartialDate.parse(written))
            except ValueError:
                continue  # 13/45/2020 is not a date
    return found


@lru_cache(maxsize=1 << 14)
def _dates_of(text: str) -> tuple[PartialDate, ...]:
    # A record's quote is searched for each of its dates in turn.
    return tuple(dates_in(text))


def carries_date(text: str, value: PartialDate, published: PartialDate | None = None) -> bool:
    """True when `text` gives `value`, or a finer date within it.

    A weekday alone ("on Wednesday") gives a day only when the source was published
    within the week after it: a release saying "on Wednesday" means the latest Wednesday.

    >>> carries_date("the FDA granted it on Aug. 16, 2017", PartialDate.parse("2017-08-16"))
    True
    >>> carries_date("in August 2017", PartialDate.parse("2017-08-16"))
    False
    >>> carries_date("on 16 August 2017", PartialDate.parse("2017"))
    True
    >>> wednesday = PartialDate.parse("2024-08-07")
    >>> carries_date("said on Wednesday", wednesday, PartialDate.parse("2024-08-09"))
    True
    >>> carries_date("said on Wednesday", wednesday, PartialDate.parse("2024-08-20"))
    False
    >>> carries_date("said on Wednesday", wednesday, None)
    False
    """
    for found in _dates_of(text):
        if value.earliest <= found.earliest and found.latest <= value.latest:
            return True
    return value.precision is Precision.DAY and _weekday_carries(text, value, published)


def _weekday_carries(text: str, value: PartialDate, published: PartialDate | None) -> bool:
    if published is None or published.precision is not Precision.DAY:
        return False
    day = value.earliest
    if not day <= published.earliest <= day + timedelta(days=7):
        return False
    name = _WEEKDAYS[day.weekday()]
    return re.search(rf"\b{name}\b", text, re.IGNORECASE) is not None


def numbers_in(text: str) -> list[int]:
    """Every whole number in `text`: digits with or without thousands separators, and the
    numbers zero to twenty in words. Decimals and percentages are not whole numbers.

    >>> numbers_in("Twelve of 1,234 (or 1234) people; 0.5 mg; 56% responded; p = .056")
    [1234, 1234, 12]
    """
    found = [int(m.group(1).replace(",", "")) for m in _NUMBER.finditer(text)]
    words = set(_normalise(text).split())
    found += [n for n, word in enumerate(_NUMBER_WORDS) if word in words]
    return found


def carries_number(text: str, value: int) -> bool:
    """True when `text` gives `value` as a whole number.

    >>> carries_number("enrolled ninety people", 90), carries_number("a total of 90", 90)
    (False, True)
    """
    return value in numbers_in(text)


def carries_identifier(text: str, value: str) -> bool:
    """True when `text` gives the id, ignoring case, spaces and punctuation.

    >>> carries_identifier("NDA 215,455 was filed", "NDA 215455")
    True
    >>> carries_identifier("see https://clinicaltrials.gov/study/NCT03537014", "NCT03537014")
    True
    >>> carries_identifier("NCT035370145", "NCT03537014")
    False
    >>> carries_identifier("NCT03537014; 2018", "NCT03537014")
    True
    """
    wanted = _squash(value)
    if not wanted:
        return False
    # Spaces and punctuation may sit anywhere inside the id ("NDA 215,455"), so the text is
    # squashed the same way; each kept character remembers where it stood, because an id
    # ending in a digit must not run on into more digits (NCT0353701 in NCT03537014) while
    # a separator after it ends it ("NCT03537014; 2018").
    lowered = text.lower()
    kept = [i for i, char in enumerate(lowered) if char in _ALNUM]
    squashed = "".join(lowered[i] for i in kept)
    start = squashed.find(wanted)
    while start >= 0:
        end = start + len(wanted)
        runs_on = (
            wanted[-1].isdigit()
            and end < len(squashed)
            and squashed[end].isdigit()
            and kept[end] == kept[end - 1] + 1
        )
        if not runs_on:
            return True
        start = squashed.find(wanted, start + 1)
    return False


def names_in_text(text: str, names: tuple[str, ...]) -> bool:
    """True when `text` gives one of `names`, ignoring case, accents and punctuation, on
    word boundaries.

    >>> names_in_text("the U.S. Food and Drug Administration's decision", ("FDA", "U.S."))
    True
    >>> names_in_text("the US Food and Drug Administration", ("U.S. Food and Drug Administration",))
    True
    >>> names_in_text("MDMA-assisted therapy", ("MDMA",)), names_in_text("MDMAX", ("MDMA",))
    (True, False)
    >>> names_in_text("MindMed\u2019s drug", ("MindMed",))
    True
    >>> names_in_text("Oakland's City Council voted", ("Oakland City Council",))
    True
    >>> names_in_text("Psilocybine", ("psilocybin",)), names_in_text("MM-120", ("MM120",))
    (False, True)
    """
    padded = f" {_words(text)} "
    return any((name := _words(one)) and f" {name} " in padded for one in names)


def _normalise(text: str) -> str:
    # U.S. and US are one name: a full stop inside a word joins its letters. A possessive
    # names its owner: "Oakland's City Council" is the Oakland City Council.
    plain = _POSSESSIVE.sub("", _INNER_STOP.sub("", unicodedata.normalize("NFKD", text)))
    # Typographic punctuation (a curly apostrophe) separates words like its ASCII forms; accents,
    # split off by the normalisation, are dropped.
    if not plain.isascii():  # ASCII punctuation becomes a space below anyway
        plain = "".join(" " if unicodedata.category(c)[0] in "PSZ" else c for c in plain)
    return _NOT_ALNUM.sub(" ", plain.encode("ascii", "ignore").decode().lower()).strip()


# Quotes are checked once per value they might carry, and the same names (a popular
# substance's) are looked for in thousands of quotes: normalising each text once matters.
@lru_cache(maxsize=1 << 16)
def _words(text: str) -> str:
    # MM120 and MM-120 are the same code name: letters and digits part like punctuation.
    return " ".join(_LETTERS_OR_DIGITS.findall(_normalise(text)))


def _squash(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


@dataclass(frozen=True, slots=True)
class Checked:
    """One checkable value of a record: where it is written, and how it reads."""

    field: str
    path: str  # dotted path of the value in the record ("conditions.1", "votes.0.yes")
    value: FieldValue
    shown: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A breach of the quote rule, at `path` of the record `record`."""

    record: str
    path: str
    message: str


@dataclass
class Tally:
    """How the checkable values and citations of one kind stand."""

    values: int = 0
    quoted: int = 0
    derived: int = 0
    citations: int = 0
    derived_citations: int = 0


@dataclass
class QuoteCheck:
    """The quote rule over a set of validated records; references must already resolve."""

    records: Mapping[str, Record]
    _names: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def findings(self, record: Record) -> list[Finding]:
        """Every breach of the quote rule in `record`."""
        found: list[Finding] = []
        self._judge(record, found, None)
        return found

    def tally(self, record: Record, tallies: dict[str, Tally]) -> None:
        """Add `record`'s quoted and derived values and citations to `tallies[kind]`."""
        self._judge(record, [], tallies.setdefault(record.kind, Tally()))

    def _judge(self, record: Record, found: list[Finding], tally: Tally | None) -> None:
        kind = KINDS[record.kind]
        if not kind.needs_sources:
            return
        by_field: dict[str, list[Checked]] = {}
        for spec in kind.fields:
            if spec.name in record.fields:
                values = list(
                    self._checkable(record.kind, spec, spec.name, record.fields[spec.name])
                )
                if values:
                    by_field[spec.name] = values
        failed: set[str] = set()
        carried: set[str] = set()  # paths of values some quote carries
        for index, citation in enumerate(record.citations):
            if tally is not None:
                tally.citations += 1
                tally.derived_citations += citation.derived is not None
            for name, values in by_field.items():
                if not citation.covers(name):
                    continue
                hits = [v.path for v in values if self._carries(record, citation, v)]
                carried.update(hits)
                if not hits and citation.derived is None:
                    failed.add(name)
                    found.append(
                        Finding(
                            record.id,
                            f"{SOURCES_FIELD.name}.{index}",
                            self._uncarried(record, citation, name, values),
                        )
                    )
        for name, values in by_field.items():
            if not any(c.covers(name) for c in record.citations):
                continue  # unsourced altogether: the validator says so once
            derived = any(c.derived is not None and c.covers(name) for c in record.citations)
            for value in values:
                if tally is not None:
                    tally.values += 1
                    tally.quoted += value.path in carried
                    tally.derived += value.path not in carried and derived
                if value.path in carried or derived or name in failed:
                    continue
                found.append(
                    Finding(
                        record.id,
                        value.path,
                        f"{record.id}: {name} {value.shown} is in no quote: no citation that "
                        f"supports {name!r} quotes it, and none says how it was `derived`",
                    )
                )

    def _uncarried(
        self, record: Record, citation: Citation, name: str, values: list[Checked]
    ) -> str:
        shown = " or ".join(v.shown for v in values[:4]) + (" or ..." if len(values) > 4 else "")
        where = f"{citation.source}, {self._url(citation.source)}"
        said = f'the quote says "{citation.quote}"' if citation.quote else "it has no quote"
        return (
            f"{record.id}: a citation of {where} supports {name!r}, but its quote carries "
            f"no value of it ({shown}): {said}. Quote the value, narrow `supports`, or say "
            "how it was `derived`"
        )

    def _url(self, source: str) -> str:
        record = self.records.get(source)
        return str(record.fields.get("url", "")) if record is not None else ""

    def _checkable(self, kind: str, spec: Field, path: str, value: FieldValue) -> Iterator[Checked]:
        if isinstance(value, tuple):
            for index, item in enumerate(value):
                yield from self._checkable(kind, spec, f"{path}.{index}", item)
            return
        name = path.split(".")[0]
        match spec.type:
            case FieldType.DATE | FieldType.INT:
                yield Checked(name, path, value, str(value))
            case FieldType.TEXT if (kind, spec.name) in IDENTIFIER_FIELDS:
                yield Checked(name, path, value, str(value))
            case FieldType.REF if self._names_of(str(value)):
                names = self._names_of(str(value))
                shown = f"{value} ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})"
                yield Checked(name, path, value, shown)
            case FieldType.STRUCT if isinstance(value, Mapping):
                for part in spec.parts:
                    if part.name in value:
                        for checked in self._checkable(
                            kind, part, f"{path}.{part.name}", value[part.name]
                        ):
                            yield Checked(name, checked.path, checked.value, checked.shown)

    def _carries(self, record: Record, citation: Citation, value: Checked) -> bool:
        quote = citation.quote or ""
        source = self.records.get(citation.source)
        if isinstance(value.value, PartialDate):
            published = source.fields.get("published") if source is not None else None
            return carries_date(
                quote, value.value, published if isinstance(published, PartialDate) else None
            )
        if isinstance(value.value, bool):  # pragma: no cover - no boolean field is checkable
            return False
        if isinstance(value.value, int):
            return carries_number(quote, value.value)
        text = str(value.value)
        if value.value in self.records:
            return self._names_carried(record, citation, quote, value)
        if carries_identifier(quote, text):
            return True
        # A registry record's own address carries its id.
        return (
            source is not None
            and source.fields.get("type") == "registry"
            and carries_identifier(str(source.fields.get("url", "")), text)
        )

    def _names_carried(
        self, record: Record, citation: Citation, quote: str, value: Checked
    ) -> bool:
        target = str(value.value)
        names = self._names_of(target)
        if names_in_text(quote, names):
            return True
        if target.startswith("trial:"):
            registry_id = self.records[target].fields.get("registry_id")
            source = self.records.get(citation.source)
            return (
                isinstance(registry_id, str)
                and source is not None
                and source.fields.get("type") == "registry"
                and carries_identifier(str(source.fields.get("url", "")), registry_id)
            )
        if record.kind == "action" and value.field == "jurisdiction":
            return self._agency_places(record, quote, target)
        return False

    def _agency_places(self, record: Record, quote: str, jurisdiction: str) -> bool:
        # "the FDA" places an action in the United States: naming an action's agency
        # carries its jurisdiction when the agency is based there.
        agency = record.fields.get("agency")
        if not isinstance(agency, str) or agency not in self.records:
            return False
        if self.records[agency].fields.get("country") != jurisdiction:
            return False
        return names_in_text(quote, self._names_of(agency))

    def _names_of(self, record_id: str) -> tuple[str, ...]:
        cached = self._names.get(record_id)
        if cached is not None:
            return cached
        record = self.records.get(record_id)
        names: list[str] = []
        if record is not None:
            for name_field in NAME_FIELDS.get(record.kind, ()):
                names += _texts(record.fields.get(name_field))
        self._names[record_id] = tuple(dict.fromkeys(names))
        return self._names[record_id]


def _texts(value: FieldValue | None) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, Mapping):
        return _texts(value.get("name"))
    return []
