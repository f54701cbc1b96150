"""The state of one import run: the data as it was, and what the import plans to add.

Each registry record becomes a `Unit`: the records it owns (written to its own file,
``imported/<importer>/<key>.yaml``) plus uses of shared records (organisations,
conditions, publications) that several units may create or cite. Shared records live in
``imported/<importer>/{organisations,conditions,publications}.yaml``; curated records
(anything outside ``imported/``) are only ever referred to, never edited.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Final

from graph.dates import PartialDate
from graph.errors import DataValidationError, Problem
from graph.importers.matching import Matcher
from graph.importers.yamlout import Record
from graph.reader import RawRecord, read_dir
from graph.records import Record as TypedRecord
from graph.validate import validate

IMPORTED: Final = "imported"
SHARED_FILES: Final = ("organisations.yaml", "conditions.yaml", "publications.yaml")


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CURATED = "curated, left unchanged"
    OLDER = "older than the imported version, left unchanged"
    SKIPPED = "skipped"
    REJECTED = "rejected"


def is_imported(rel: str) -> bool:
    return PurePosixPath(rel).parts[:1] == (IMPORTED,)


def is_shared_file(rel: str) -> bool:
    path = PurePosixPath(rel)
    return is_imported(rel) and path.name in SHARED_FILES


@dataclass
class Existing:
    """The data directory before the import: raw records per file, and typed records."""

    root: Path
    raw: list[RawRecord]
    typed: list[TypedRecord]
    by_file: dict[str, list[RawRecord]]

    def display(self, rel: str) -> str:
        """The name the reader and validator give the file at `rel` in messages."""
        return f"{self.root.name}/{rel}"

    def rel(self, display: str) -> str:
        return str(PurePosixPath(*PurePosixPath(display).parts[1:]))

    def records_in(self, rel: str) -> list[Record]:
        return [copy.deepcopy(r.data) for r in self.by_file.get(rel, [])]

    def curated(self) -> list[TypedRecord]:
        return [r for r in self.typed if not is_imported(self.rel(r.file))]


def read_existing(root: Path) -> Existing:
    """Read and validate `root`; `DataValidationError` if it has problems already, since
    an import must not be blamed for, or hide, problems it did not cause."""
    if not root.is_dir():
        raise DataValidationError([Problem(str(root), 0, "no such data directory")])
    data = read_dir(root)
    typed = validate(data.records, data.problems)
    existing = Existing(root, data.records, typed, {})
    for raw in data.records:
        existing.by_file.setdefault(existing.rel(raw.file), []).append(raw)
    return existing


@dataclass
class Unit:
    """What one registry record contributes: its own file's records, and notices."""

    key: str  # NCT00184067, NDA207145
    origin: str
    file: str  # imported/ctgov/NCT00184067.yaml
    header: tuple[str, ...]
    records: list[Record]
    source_id: str  # the source its facts cite (its own, or a curated one with its URL)
    partial: bool = False  # merge onto the earlier import instead of replacing it
    notices: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    key: str
    origin: str
    outcome: Outcome
    reason: str
    unmatched: bool = False  # skipped because nothing it names is in regkg


@dataclass(frozen=True)
class Item:
    """A parsed registry record waiting to be mapped against a `Batch`."""

    key: str
    origin: str
    version: PartialDate | None
    file: str
    source_id: str
    map: Callable[[Batch], Unit | Skipped]
    notices: tuple[str, ...] = ()


@dataclass
class Shared:
    file: str
    record: Record
    new: bool
    users: set[str] = field(default_factory=set)


class Batch:
    """Matching state for one planning pass: indexes of the data plus what this pass
    creates, and which unit uses which shared record (to blame the right unit when the
    result does not validate)."""

    def __init__(self, existing: Existing) -> None:
        self.existing = existing
        self.matcher = Matcher()
        for record in existing.typed:
            self.matcher.add(record.id, record.kind, record.fields)
        # Curated records, listed once: mapping consults them for every registry record.
        self.curated = existing.curated()
        self.curated_ids = {r.id for r in self.curated}
        # Keys of every record in this import, so that links between them (a study's
        # expanded-access record) can be made whatever order they are mapped in.
        self.planned_keys: set[str] = set()
        self.shared: dict[str, Shared] = {}
        for rel, raws in existing.by_file.items():
            if is_shared_file(rel):
                for raw in raws:
                    data = copy.deepcopy(raw.data)
                    self.shared[str(data["id"])] = Shared(rel, data, new=False)

    def cite(self, record_id: str, citation: Record, unit_key: str) -> None:
        """Add `citation` to an imported shared record (once per source); curated
        records are left alone."""
        entry = self.shared.get(record_id)
        if entry is None:
            return
        entry.users.add(unit_key)
        sources = entry.record.get("sources")
        if not isinstance(sources, list):
            sources = []
        if not any(isinstance(c, dict) and c.get("source") == citation["source"] for c in sources):
            sources.append(dict(citation))
        entry.record["sources"] = sorted(sources, key=_citation_key)

    def create(self, file: str, record: Record, unit_key: str) -> str:
        record_id = str(record["id"])
        kind = record_id.partition(":")[0]
        self.shared[record_id] = Shared(file, record, new=True, users={unit_key})
        self.matcher.add(record_id, kind, record)
        return record_id

    def shared_files(self) -> dict[str, list[Record]]:
        files: dict[str, list[Record]] = {}
        for record_id in sorted(self.shared):
            entry = self.shared[record_id]
            files.setdefault(entry.file, []).append(entry.record)
        return files


def _citation_key(citation: object) -> tuple[str, str]:
    if isinstance(citation, dict):
        return (str(citation.get("source", "")), str(citation.get("quote", "")))
    return ("", "")
