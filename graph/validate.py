"""Check raw records against the model and turn them into typed records.

Every problem is collected; a data set with any problem yields no records, only one
`DataValidationError` that lists them all with file and line. The work is linear in the
size of the data: one pass per record, then one pass over the references.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from graph.dates import PartialDate, certainly_before
from graph.errors import DataValidationError, Problem
from graph.model import COMMON_FIELDS, KINDS, SOURCES_FIELD, Field, FieldType, Kind
from graph.quotes import QuoteCheck
from graph.reader import RawRecord, Value
from graph.records import Citation, FieldValue, Record, Scalar

_ID: Final = re.compile(r"([a-z]+):([A-Za-z0-9][A-Za-z0-9._-]*)")
_URL: Final = re.compile(r"https?://[^\s/$.?#][^\s]*")
_DIGITS: Final = re.compile(r"[0-9]+")
_MAX_INT: Final = 2**31 - 1  # GraphQL's Int is 32-bit
_BOOLS: Final = {"true": True, "false": False}

# Pairs of date fields where the first may not fall after the second.
_DATE_ORDER: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "trial": (
        ("start", "primary_completion"),
        ("start", "completion"),
        ("primary_completion", "completion"),
    ),
    "action": (("date", "ended"), ("effective", "ended"), ("date", "effective")),
    "claim": (("valid_from", "valid_to"),),
}

_EDITORIAL: Final = frozenset({"id", "note", "sources"})


@dataclass
class _Pending:
    """References to resolve once every id is known."""

    record: RawRecord
    path: str
    target: str
    targets: tuple[str, ...]


@dataclass
class _Checker:
    problems: list[Problem] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)

    def report(self, raw: RawRecord, path: str, message: str) -> None:
        self.problems.append(Problem(raw.file, raw.line_of(path), message))


def validate(raw_records: Iterable[RawRecord], problems: Iterable[Problem] = ()) -> list[Record]:
    """Typed records for `raw_records`, or `DataValidationError` listing every problem.

    `problems` are those found earlier (while reading), so that one report holds them all.
    """
    checker = _Checker(problems=list(problems))
    records: list[Record] = []
    seen: dict[str, RawRecord] = {}
    for raw in raw_records:
        record = _check_record(raw, checker)
        if record is None:
            continue
        first = seen.get(record.id)
        if first is not None:
            checker.report(
                raw, "id", f"duplicate id {record.id!r}, first defined at {first.file}:{first.line}"
            )
            continue
        seen[record.id] = raw
        records.append(record)
    _check_references(checker, {r.id: r.kind for r in records})
    _check_unique_urls(records, checker)
    _check_quotes(records, seen, checker)
    if checker.problems:
        raise DataValidationError(checker.problems)
    return records


def _check_record(raw: RawRecord, checker: _Checker) -> Record | None:
    node_id = raw.data.get("id")
    if not isinstance(node_id, str) or not node_id:
        checker.report(
            raw, "id", "the record has no id (every record starts with `- id: kind:name`)"
        )
        return None
    match = _ID.fullmatch(node_id)
    if match is None:
        checker.report(
            raw, "id", f"{node_id!r} is not an id of the form kind:name (letters, digits, . _ -)"
        )
        return None
    kind = KINDS.get(match.group(1))
    if kind is None:
        known = ", ".join(sorted(KINDS))
        checker.report(
            raw, "id", f"{node_id!r} names an unknown kind {match.group(1)!r}; kinds are {known}"
        )
        return None

    values: dict[str, FieldValue] = {}
    note: str | None = None
    citations: tuple[Citation, ...] = ()
    for key, value in raw.data.items():
        if key == "id":
            continue
        if key == "note":
            note = _scalar_text(raw, key, value, checker)
            continue
        if key == SOURCES_FIELD.name:
            citations = _check_citations(raw, value, checker)
            continue
        spec = kind.by_name.get(key)
        if spec is None:
            allowed = ", ".join(["id", *kind.by_name, *(f.name for f in COMMON_FIELDS)])
            article = "an" if kind.name[0] in "aeiou" else "a"
            checker.report(
                raw, key, f"unknown field {key!r} for {article} {kind.name}; allowed: {allowed}"
            )
            continue
        converted = _convert_field(raw, key, spec, value, checker)
        if converted is not None:
            values[key] = converted

    for spec in kind.fields:
        if spec.required and spec.name not in raw.data:
            checker.report(raw, "id", f"{node_id}: required field {spec.name!r} is missing")
    _check_dates(raw, kind, values, checker)
    _check_provenance(raw, kind, values, citations, checker)
    if kind.name == "conflict":
        claims = values.get("claims", ())
        if isinstance(claims, tuple) and len(claims) < 2:
            checker.report(raw, "claims", "a conflict needs at least two claims")
    if kind.name == "source":
        _check_source(raw, values, checker)
    return Record(node_id, kind.name, values, citations, raw.file, raw.line, note)


def _scalar_text(raw: RawRecord, path: str, value: Value, checker: _Checker) -> str | None:
    if isinstance(value, str):
        return value
    checker.report(raw, path, f"{path!r} must be a single text value")
    return None


def _convert_field(
    raw: RawRecord, path: str, spec: Field, value: Value, checker: _Checker
) -> FieldValue | None:
    if value is None:
        checker.report(raw, path, f"{path!r} is empty; remove it or give it a value")
        return None
    if spec.many:
        items = value if isinstance(value, list) else None
        if items is None:
            checker.report(raw, path, f"{path!r} must be a list (- item, or [a, b])")
            return None
        converted: list[FieldValue] = []
        for index, item in enumerate(items):
            one = _convert_one(raw, f"{path}.{index}", spec, item, checker)
            if one is not None:
                converted.append(one)
        return tuple(converted)
    if isinstance(value, list):
        checker.report(raw, path, f"{path!r} takes one value, not a list")
        return None
    return _convert_one(raw, path, spec, value, checker)


def _convert_one(
    raw: RawRecord, path: str, spec: Field, value: Value, checker: _Checker
) -> FieldValue | None:
    if spec.type is FieldType.STRUCT:
        if not isinstance(value, dict):
            checker.report(
                raw, path, f"{path!r} must be a mapping of {', '.join(p.name for p in spec.parts)}"
            )
            return None
        return _convert_struct(raw, path, spec, value, checker)
    if not isinstance(value, str):
        checker.report(raw, path, f"{path!r} must be a single value, not a list or mapping")
        return None
    return _convert_scalar(raw, path, spec, value, checker)


def _convert_struct(
    raw: RawRecord, path: str, spec: Field, value: dict[str, Value], checker: _Checker
) -> Mapping[str, FieldValue] | None:
    parts = {p.name: p for p in spec.parts}
    result: dict[str, FieldValue] = {}
    for key, item in value.items():
        part = parts.get(key)
        if part is None:
            checker.report(
                raw,
                f"{path}.{key}",
                f"unknown key {key!r} in {spec.name}; allowed: {', '.join(parts)}",
            )
            continue
        converted = _convert_field(raw, f"{path}.{key}", part, item, checker)
        if converted is not None:
            result[key] = converted
    for part in spec.parts:
        if part.required and part.name not in value:
            checker.report(raw, path, f"{spec.name} entry is missing {part.name!r}")
    return result


def _convert_scalar(
    raw: RawRecord, path: str, spec: Field, text: str, checker: _Checker
) -> Scalar | None:
    name = path.split(".")[0]
    match spec.type:
        case FieldType.TEXT:
            if not text.strip():
                checker.report(raw, path, f"{name!r} is blank")
                return None
            return text
        case FieldType.URL:
            if _URL.fullmatch(text) is None:
                checker.report(raw, path, f"{text!r} is not an http(s) URL")
                return None
            return text
        case FieldType.DATE:
            try:
                return PartialDate.parse(text)
            except ValueError as exc:
                checker.report(raw, path, f"{name}: {exc}")
                return None
        case FieldType.INT:
            if _DIGITS.fullmatch(text) is None or len(text) > 10 or int(text) > _MAX_INT:
                checker.report(
                    raw, path, f"{name}: {text!r} is not a whole number from 0 to {_MAX_INT}"
                )
                return None
            return int(text)
        case FieldType.BOOL:
            if text.lower() not in _BOOLS:
                checker.report(raw, path, f"{name}: {text!r} is not true or false")
                return None
            return _BOOLS[text.lower()]
        case FieldType.ENUM:
            if text not in spec.choices:
                checker.report(
                    raw, path, f"{name}: {text!r} is not one of {', '.join(spec.choices)}"
                )
                return None
            return text
        case FieldType.REF:
            checker.pending.append(_Pending(raw, path, text, spec.targets))
            return text
    raise AssertionError(spec.type)  # pragma: no cover


def _check_citations(raw: RawRecord, value: Value, checker: _Checker) -> tuple[Citation, ...]:
    converted = _convert_field(raw, SOURCES_FIELD.name, SOURCES_FIELD, value, checker)
    if not isinstance(converted, tuple):
        return ()
    citations: list[Citation] = []
    for index, entry in enumerate(converted):
        assert isinstance(entry, Mapping)
        source = entry.get("source")
        if not isinstance(source, str):
            continue
        supports = entry.get("supports", ())
        if supports == ():
            written = raw.data.get("sources")
            item = written[index] if isinstance(written, list) else None
            if isinstance(item, dict) and item.get("supports") == []:
                # An empty list would read as "the whole record": say which fields, or
                # leave `supports` out to cite the whole record.
                checker.report(
                    raw,
                    f"sources.{index}.supports",
                    "`supports` is empty: name the fields the citation supports, or leave "
                    "it out to cite the whole record",
                )
                continue
        quote, note, derived = entry.get("quote"), entry.get("note"), entry.get("derived")
        citations.append(
            Citation(
                source=source,
                quote=quote if isinstance(quote, str) else None,
                supports=tuple(map(str, supports)) if isinstance(supports, tuple) else (),
                note=note if isinstance(note, str) else None,
                derived=derived if isinstance(derived, str) else None,
            )
        )
    return tuple(citations)


def _check_provenance(
    raw: RawRecord,
    kind: Kind,
    values: Mapping[str, FieldValue],
    citations: tuple[Citation, ...],
    checker: _Checker,
) -> None:
    for index, citation in enumerate(citations):
        for name in citation.supports:
            if name not in kind.by_name:
                checker.report(
                    raw,
                    f"sources.{index}.supports",
                    f"a citation supports {name!r}, which a {kind.name} does not have",
                )
            elif name not in raw.data:
                checker.report(
                    raw,
                    f"sources.{index}.supports",
                    f"a citation supports {name!r}, which this record does not set",
                )
    if not kind.needs_sources:
        return
    if not citations and "sources" not in raw.data:
        checker.report(raw, "id", f"{raw.data.get('id')}: unsourced: the record has no sources")
        return
    for name in raw.data:
        if name in _EDITORIAL or name not in kind.by_name or kind.by_name[name].editorial:
            continue
        if not any(c.covers(name) for c in citations):
            checker.report(raw, name, f"unsourced fact: no citation supports {name!r}")


def _check_source(raw: RawRecord, values: Mapping[str, FieldValue], checker: _Checker) -> None:
    if values.get("machine_written") is True:
        checker.report(
            raw,
            "machine_written",
            "a page written by a text generator is not a source: cite the document it "
            "summarises (the filing, the release) instead",
        )
    if values.get("type") == "secondary_copy" and "original" not in values:
        checker.report(
            raw, "type", "a secondary copy needs `original`: what it copies, and where that is"
        )
    _check_address(raw, values, checker)


def _check_address(raw: RawRecord, values: Mapping[str, FieldValue], checker: _Checker) -> None:
    # A reader must be able to find the text a quote comes from: at its public address, or,
    # for a copy that has none, where regkg keeps it. Only a copy may lack an address, so
    # that a document that has one is never cited without it.
    has_url, held = "url" in raw.data, "held" in raw.data
    if not has_url and not held:
        checker.report(
            raw,
            "id",
            f"{raw.data.get('id')}: required field 'url' is missing (a copy with no public "
            "address says where its text is kept, in `held`, instead)",
        )
    elif held and has_url:
        checker.report(
            raw, "held", "`held` is for a copy with no public address; this source has a `url`"
        )
    elif held and values.get("type") != "secondary_copy":
        checker.report(
            raw,
            "held",
            "only a secondary copy may go without a `url`: a document of its own is cited at "
            "its public address",
        )


def _check_dates(
    raw: RawRecord, kind: Kind, values: Mapping[str, FieldValue], checker: _Checker
) -> None:
    for earlier, later in _DATE_ORDER.get(kind.name, ()):
        first, second = values.get(earlier), values.get(later)
        if (
            isinstance(first, PartialDate)
            and isinstance(second, PartialDate)
            and certainly_before(second, first)
        ):
            checker.report(
                raw, later, f"impossible dates: {later} {second} is before {earlier} {first}"
            )
    names = values.get("names", ())  # organisation name history
    for index, entry in enumerate(names if isinstance(names, tuple) else ()):
        if isinstance(entry, Mapping):
            start, end = entry.get("from"), entry.get("to")
            if (
                isinstance(start, PartialDate)
                and isinstance(end, PartialDate)
                and certainly_before(end, start)
            ):
                checker.report(
                    raw, f"names.{index}", f"impossible dates: a name used to {end} from {start}"
                )


def _check_references(checker: _Checker, kinds: Mapping[str, str]) -> None:
    for ref in checker.pending:
        target_kind = kinds.get(ref.target)
        if target_kind is None:
            checker.report(
                ref.record, ref.path, f"dangling reference: no record has the id {ref.target!r}"
            )
        elif target_kind not in ref.targets:
            field_name = ref.path.split(".")[0]
            checker.report(
                ref.record,
                ref.path,
                f"{field_name!r} may refer to {' or '.join(ref.targets)}, "
                f"not to {target_kind} {ref.target!r}",
            )


def _check_quotes(records: list[Record], raws: Mapping[str, RawRecord], checker: _Checker) -> None:
    # Runs after references resolve: a quote names a referenced record by that record's
    # names, and a date may rest on the cited source's publication date.
    check = QuoteCheck({r.id: r for r in records})
    for record in records:
        for finding in check.findings(record):
            checker.report(raws[record.id], finding.path, finding.message)


def _check_unique_urls(records: list[Record], checker: _Checker) -> None:
    seen: dict[str, Record] = {}
    for record in records:
        url = record.fields.get("url")
        if not isinstance(url, str):
            continue
        first = seen.setdefault(url, record)
        if first is not record:
            checker.problems.append(
                Problem(
                    record.file,
                    record.line,
                    f"source URL already used by {first.id} ({first.origin})",
                )
            )
