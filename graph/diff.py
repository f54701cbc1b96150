"""Compare two versions of the data record by record, field by field, citations included.

Records are compared as written (the reader's plain text values), so a diff shows what a
curator would see in the YAML. A change keeps both sides of every field it touches, which
is what lets changes be chained: `compose` of the changes from A to B and from B to C is
the diff from A to C.

>>> old = {"trial:NCT1": {"id": "trial:NCT1", "title": "T", "status": "RECRUITING"}}
>>> new = {"trial:NCT1": {"id": "trial:NCT1", "title": "T", "status": "COMPLETED"}}
>>> [str(c) for c in diff_records(old, new)[0].fields]
['status: RECRUITING -> COMPLETED']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from graph.model import KINDS, kind_of
from graph.reader import Value

Fields = Mapping[str, Value]
CITATIONS = "sources"


class ChangeKind(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


def show(value: Value) -> str:
    """A value on one line: text as it is, lists and mappings as JSON."""
    if value is None:
        return "(not set)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class FieldChange:
    """One field of one record: its value before and after (None: not set)."""

    field: str
    old: Value
    new: Value

    def __str__(self) -> str:
        return f"{self.field}: {show(self.old)} -> {show(self.new)}"


@dataclass(frozen=True)
class RecordChange:
    """A record added, removed or changed; `version` and `recorded` say when, if known."""

    id: str
    change: ChangeKind
    label: str
    fields: tuple[FieldChange, ...]
    version: str | None = None
    recorded: datetime | None = None

    @property
    def kind(self) -> str:
        return kind_of(self.id)

    def field(self, name: str) -> FieldChange | None:
        return next((f for f in self.fields if f.field == name), None)

    def value(self, name: str) -> Value:
        """The field's value after the change, or before it for a removed record."""
        found = self.field(name)
        if found is None:
            return None
        return found.old if self.change is ChangeKind.REMOVED else found.new

    def citations(self) -> tuple[list[Value], list[Value]]:
        """Citations (`sources` items) added and removed by this change."""
        cited = self.field(CITATIONS)
        if cited is None:
            return [], []
        old = cited.old if isinstance(cited.old, list) else []
        new = cited.new if isinstance(cited.new, list) else []
        return [c for c in new if c not in old], [c for c in old if c not in new]

    def without_when(self) -> RecordChange:
        """The same change without its version and date, to compare what changed."""
        return replace(self, version=None, recorded=None)

    def lines(self) -> list[str]:
        """How `graph diff` prints it: a headline, then each field or citation."""
        sign = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-", ChangeKind.CHANGED: "~"}
        out = [f"{sign[self.change]} {self.id}  {self.label}"]
        if self.change is not ChangeKind.CHANGED:
            return out
        out += [f"    {f}" for f in self.fields if f.field != CITATIONS]
        added, removed = self.citations()
        out += [f"    + citation {show(c)}" for c in added]
        out += [f"    - citation {show(c)}" for c in removed]
        return out


def label_of(record_id: str, fields: Fields) -> str:
    kind = KINDS.get(kind_of(record_id))
    value = fields.get(kind.label_field) if kind else None
    return value if isinstance(value, str) else record_id


def _field_changes(old: Fields, new: Fields) -> tuple[FieldChange, ...]:
    names = sorted((set(old) | set(new)) - {"id"})
    return tuple(FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n))


def diff_records(old: Mapping[str, Fields], new: Mapping[str, Fields]) -> list[RecordChange]:
    """Records added, removed and changed from `old` to `new` (both by id), by id."""
    changes: list[RecordChange] = []
    for record_id in sorted(set(old) | set(new)):
        before, after = old.get(record_id), new.get(record_id)
        if before == after:
            continue
        if before is None:
            kind = ChangeKind.ADDED
        elif after is None:
            kind = ChangeKind.REMOVED
        else:
            kind = ChangeKind.CHANGED
        fields = _field_changes(before or {}, after or {})
        if fields:
            changes.append(
                RecordChange(record_id, kind, label_of(record_id, after or before or {}), fields)
            )
    return changes


def compose(steps: Iterable[Sequence[RecordChange]]) -> list[RecordChange]:
    """The net effect of consecutive lists of changes, one per record, newest first.

    Each field keeps its value before the first step that touched it and after the last;
    a record added and removed again disappears, and so does a field changed back. The
    result carries the version and date of the last step that touched each record."""
    first: dict[str, RecordChange] = {}
    last: dict[str, RecordChange] = {}
    olds: dict[str, dict[str, Value]] = {}
    news: dict[str, dict[str, Value]] = {}
    for step in steps:
        for change in step:
            first.setdefault(change.id, change)
            last[change.id] = change
            for f in change.fields:
                olds.setdefault(change.id, {}).setdefault(f.field, f.old)
                news.setdefault(change.id, {})[f.field] = f.new
    net: list[RecordChange] = []
    for record_id, latest in last.items():
        existed = first[record_id].change is not ChangeKind.ADDED
        exists = latest.change is not ChangeKind.REMOVED
        if not existed and not exists:
            continue
        kind = (
            ChangeKind.CHANGED
            if existed and exists
            else ChangeKind.ADDED
            if exists
            else ChangeKind.REMOVED
        )
        old, new = olds.get(record_id, {}), news.get(record_id, {})
        fields = tuple(FieldChange(n, old[n], new[n]) for n in sorted(old) if old[n] != new[n])
        if fields:
            net.append(
                RecordChange(record_id, kind, latest.label, fields, latest.version, latest.recorded)
            )
    return newest_first(net)


def newest_first(changes: Iterable[RecordChange]) -> list[RecordChange]:
    """Latest recorded first; by id within one date (undated changes last)."""
    ordered = sorted(changes, key=lambda c: c.id)
    return sorted(
        ordered, key=lambda c: c.recorded.timestamp() if c.recorded else 0.0, reverse=True
    )
