"""Typed records: what the validator makes of the raw files, and what the graph is built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeAlias

from graph.dates import PartialDate

Scalar: TypeAlias = str | int | bool | PartialDate
# Struct entries (a vote, a former name) are mappings; list fields are tuples.
FieldValue: TypeAlias = Scalar | Mapping[str, "FieldValue"] | tuple["FieldValue", ...]


class Citation(NamedTuple):
    """A source backing some or all of a record's fields.

    A named tuple rather than a frozen dataclass: a million-record graph holds over a
    million of them, and a tuple is smaller and is rebuilt from a snapshot without a call
    into Python per citation.
    """

    source: str
    quote: str | None = None
    supports: tuple[str, ...] = ()  # empty: the whole record
    note: str | None = None
    derived: str | None = None  # how a value was worked out, where the quote cannot say it

    def covers(self, field_name: str) -> bool:
        return not self.supports or field_name in self.supports


@dataclass(frozen=True, slots=True)
class Record:
    """One validated entity: its id, its typed fields and its citations."""

    id: str
    kind: str
    fields: Mapping[str, FieldValue]
    citations: tuple[Citation, ...]
    file: str
    line: int
    note: str | None = None

    @property
    def origin(self) -> str:
        return f"{self.file}:{self.line}"


def action_date(attrs: Mapping[str, object]) -> PartialDate | None:
    """When an action happened: the regulator's date, else when it was announced."""
    for field in ("date", "announced", "effective"):
        value = attrs.get(field)
        if isinstance(value, PartialDate):
            return value
    return None


def date_order(node_id: str, attrs: Mapping[str, object]) -> tuple[date, date, str]:
    """Sort key putting actions oldest first, undated ones last, ties by id."""
    when = action_date(attrs)
    if when is None:
        return (date.max, date.max, node_id)
    return (when.earliest, when.latest, node_id)
