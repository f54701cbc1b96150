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
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Final

from graph.dates import PartialDate
from graph.errors import DataValidationError, Problem
from graph.importers.matching import Matcher
from graph.importers.yamlout import Record
from graph.reader import RawRecord, read_dir
from graph.records import Record as TypedRecord
from graph.search import normalise
from graph.validate import validate
from graph.vocab import ActionKind

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

    @cached_property
    def curated_index(self) -> CuratedIndex:
        """The curated records, indexed once per run for every planning pass."""
        return CuratedIndex.build(self.curated())


def application_key(number: str) -> str:
    """An application number as written in any spacing or case: 'NDA 207145' ->
    'nda207145'."""
    return normalise(number).replace(" ", "")


@dataclass(frozen=True)
class CuratedIndex:
    """Curated records looked up by what mapping asks of them, so that mapping a registry
    record costs the same however much is curated. Each lookup gives the first curated
    record (in reading order) that answers it."""

    records: list[TypedRecord]
    ids: frozenset[str]
    trials_by_registry_id: dict[str, str]
    expanded_access_by_trial: dict[str, str]  # trial id -> action covering it
    # (application key or substance id, date) -> (position in records, approval id)
    approvals_by_application: dict[tuple[str, PartialDate], tuple[int, str]]
    approvals_by_substance: dict[tuple[str, PartialDate], tuple[int, str]]

    @classmethod
    def build(cls, records: list[TypedRecord]) -> CuratedIndex:
        trials: dict[str, str] = {}
        access: dict[str, str] = {}
        by_application: dict[tuple[str, PartialDate], tuple[int, str]] = {}
        by_substance: dict[tuple[str, PartialDate], tuple[int, str]] = {}
        for position, record in enumerate(records):
            fields = record.fields
            if record.kind == "trial":
                registry_id = fields.get("registry_id")
                if isinstance(registry_id, str):
                    trials.setdefault(registry_id, record.id)
            if record.kind != "action":
                continue
            kind = fields.get("action")
            covered = fields.get("trials")
            if kind == ActionKind.EXPANDED_ACCESS and isinstance(covered, tuple):
                for trial_id in covered:
                    if isinstance(trial_id, str):
                        access.setdefault(trial_id, record.id)
            date = fields.get("date")
            if kind != ActionKind.APPROVAL or not isinstance(date, PartialDate):
                continue
            application = fields.get("application_number")
            if isinstance(application, str):
                by_application.setdefault(
                    (application_key(application), date), (position, record.id)
                )
            substance = fields.get("substance")
            if isinstance(substance, str):
                by_substance.setdefault((substance, date), (position, record.id))
        return cls(
            records,
            frozenset(r.id for r in records),
            trials,
            access,
            by_application,
            by_substance,
        )


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
    # The class of each approved supplement not imported as an approval (Drugs@FDA).
    skipped_supplements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    key: str
    origin: str
    outcome: Outcome
    reason: str
    unmatched: bool = False  # skipped because nothing it names is in regkg
    skipped_supplements: tuple[str, ...] = ()  # as in `Unit`


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
        # Curated records, indexed once per run: mapping consults them for every
        # registry record.
        self.curated = existing.curated_index
        self.curated_ids = self.curated.ids
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
