"""Typed records: what the validator makes of the raw files, and what the graph is built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

from graph.dates import PartialDate

Scalar: TypeAlias = str | int | bool | PartialDate
# Struct entries (a vote, a former name) are mappings; list fields are tuples.
FieldValue: TypeAlias = Scalar | Mapping[str, "FieldValue"] | tuple["FieldValue", ...]


@dataclass(frozen=True, slots=True)
class Citation:
    """A source backing some or all of a record's fields."""

    source: str
    quote: str | None = None
    supports: tuple[str, ...] = ()  # empty: the whole record
    note: str | None = None

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
