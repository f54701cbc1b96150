"""Run something that may change the data, and add what it changed to the data's history.

The data is read before and after; when its version moved, the record-by-record diff is
written to ``data/history/`` as one entry (see `graph.history`). A data folder that
cannot be read before the run gets no entry: the run itself reports why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from graph.diff import diff_records
from graph.history import DataVersion, write_entry
from graph.versions import DataSnapshot, VersionError, read_folder


def _snapshot(root: Path) -> DataSnapshot | None:
    try:
        return read_folder(root)
    except (VersionError, OSError):
        return None


def recorded(data_dir: Path, command: str, run: Callable[[], int], err: TextIO) -> int:
    """`run()`'s exit code; its changes to `data_dir`, if any, recorded as a history entry."""
    before = _snapshot(data_dir)
    code = run()
    after = _snapshot(data_dir)
    if before is None or after is None or before.version == after.version:
        return code
    changes = diff_records(before.records, after.records)
    entry = DataVersion(
        after.version,
        before.version,
        datetime.now(UTC).replace(microsecond=0),
        command,
        tuple(changes),
    )
    try:
        path = write_entry(data_dir, entry)
    except OSError as exc:
        err.write(f"warning: the data changed, but its history could not be written: {exc}\n")
        return code or 1
    err.write(f"history: {len(changes)} records changed, recorded in {path}\n")
    return code
