"""Where each sync query stands, kept in a state folder so an interrupted sync resumes.

``state.json`` holds, per registry and query: the request that is being paged through,
where it stopped (the next page token or offset), how many pages and records were saved,
and the day the last complete sync of it began (the next one asks only for records
updated since). The pages themselves are saved beside it, one JSON file each, and are
imported only once every query has reached its last page. Each write replaces the file
whole, so a sync killed at any moment leaves the state of its last saved page.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

STATE_FILE: Final = "state.json"


class StateError(Exception):
    """The state file cannot be read as a sync state."""


@dataclass
class QueryState:
    """One query of one registry."""

    label: str  # what a person reads: a substance's name, or the free query
    params: dict[str, str] = field(default_factory=dict)  # the request being paged
    cursor: str | None = None  # next page token (ClinicalTrials.gov) or skip (openFDA)
    pages: int = 0
    records: int = 0
    total: int | None = None
    in_progress: bool = False  # pages are being fetched; resume from `cursor`
    fetched: bool = False  # every page is saved; waiting to be imported
    started: str | None = None  # UTC day this fetch began
    last_complete: str | None = None  # UTC day the last imported fetch began


def query_key(registry: str, label: str) -> str:
    """A file-name-safe key for a query, stable across runs."""
    digest = hashlib.sha256(f"{registry}\0{label}".encode()).hexdigest()[:10]
    slug = "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-")[:40]
    return f"{slug or 'query'}-{digest}"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class SyncState:
    """All queries of one registry, in a folder."""

    folder: Path
    registry: str
    queries: dict[str, QueryState] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, registry: str) -> SyncState:
        state = cls(folder, registry)
        path = folder / STATE_FILE
        if not path.is_file():
            return state
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
            for key, value in data.get(registry, {}).items():
                state.queries[key] = QueryState(**value)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise StateError(
                f"{path} is not a sync state file ({exc}); remove it to start over"
            ) from None
        return state

    def query(self, label: str) -> tuple[str, QueryState]:
        key = query_key(self.registry, label)
        return key, self.queries.setdefault(key, QueryState(label))

    def pages_dir(self, key: str) -> Path:
        return self.folder / self.registry / key

    def save_page(self, key: str, number: int, page: object) -> None:
        write_atomic(self.pages_dir(key) / f"page-{number:05d}.json", json.dumps(page))

    def clear_pages(self, key: str) -> None:
        shutil.rmtree(self.pages_dir(key), ignore_errors=True)

    def save(self) -> None:
        """Write this registry's queries, keeping the other registries' as they are."""
        path = self.folder / STATE_FILE
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        data[self.registry] = {k: asdict(q) for k, q in sorted(self.queries.items())}
        write_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n")
