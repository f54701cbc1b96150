"""The history of the data: one JSON file per data version under ``data/history/``, written
when an import or a sync changes the data, saying when, by which command, from which
version, and what changed (the `graph.diff` changes, field by field).

The files are JSON, not YAML, so that the record reader never takes them for records and
the data version (a digest of the YAML files) does not depend on them. Each file is
written whole and renamed into place, and is never rewritten: reviewing a sync in git
shows its history file next to the records it changed.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from graph.diff import ChangeKind, FieldChange, RecordChange, compose
from graph.errors import Problem, RegkgError

if TYPE_CHECKING:
    from graph.build import KnowledgeGraph

HISTORY_DIR: Final = "history"
_VERSION = re.compile(r"[0-9a-f]{12}")


class UnknownVersion(RegkgError, LookupError):
    """A data version the history does not know."""

    def __init__(self, version: str) -> None:
        super().__init__(f"{version!r} is not a data version in the history of this data")


@dataclass(frozen=True)
class DataVersion:
    """One step of the history: `previous` -> `version`, recorded at a moment."""

    version: str
    previous: str
    recorded: datetime
    command: str
    changes: tuple[RecordChange, ...]


def _change_json(change: RecordChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "change": change.change.value,
        "label": change.label,
        "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in change.fields],
    }


def entry_json(entry: DataVersion) -> str:
    return (
        json.dumps(
            {
                "version": entry.version,
                "previous": entry.previous,
                "recorded": entry.recorded.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "command": entry.command,
                "changes": [_change_json(c) for c in entry.changes],
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )


def entry_name(entry: DataVersion) -> str:
    return f"{entry.recorded.astimezone(UTC):%Y-%m-%dT%H%M%SZ}-{entry.version}.json"


def write_entry(root: Path, entry: DataVersion) -> Path:
    """Add `entry` to the history of the data folder `root`, atomically."""
    folder = root / HISTORY_DIR
    folder.mkdir(exist_ok=True)
    target = folder / entry_name(entry)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(entry_json(entry))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _parse_entry(data: object) -> DataVersion:
    """The entry in a parsed file; ValueError, KeyError or TypeError when malformed."""
    if not isinstance(data, dict):
        raise TypeError("the file is not a JSON object")
    version, previous = str(data["version"]), str(data["previous"])
    for name, value in (("version", version), ("previous", previous)):
        if not _VERSION.fullmatch(value):
            raise ValueError(f"{name} {value!r} is not a data version (12 hex digits)")
    recorded = datetime.strptime(str(data["recorded"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    changes = []
    for item in data["changes"]:
        fields = tuple(FieldChange(str(f["field"]), f["old"], f["new"]) for f in item["fields"])
        change = ChangeKind(item["change"])
        changes.append(
            RecordChange(str(item["id"]), change, str(item["label"]), fields, version, recorded)
        )
    return DataVersion(version, previous, recorded, str(data["command"]), tuple(changes))


def read_history(root: Path) -> tuple[tuple[DataVersion, ...], list[Problem]]:
    """Every entry under `root`/history, oldest first, and the problems of those that
    cannot be read (each with its file and line)."""
    entries: list[DataVersion] = []
    problems: list[Problem] = []
    folder = root / HISTORY_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        name = _display_name(path, root)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, exc.lineno, f"not valid JSON: {exc.msg}"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, 1, f"cannot be read: {exc}"))
            continue
        try:
            entries.append(_parse_entry(data))
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(Problem(name, 1, f"not a data history entry: {exc!s}"))
    return _in_order(entries), problems


def _in_order(entries: list[DataVersion]) -> tuple[DataVersion, ...]:
    """Oldest first; entries recorded in the same second follow their `previous` links."""
    by_version = {e.version: e for e in entries}
    depth: dict[str, int] = {}

    def depth_of(entry: DataVersion) -> int:
        steps, seen = 0, {entry.version}
        while entry.previous in by_version and entry.previous not in seen:
            entry = by_version[entry.previous]
            seen.add(entry.version)
            steps += 1
        return steps

    for entry in entries:
        depth[entry.version] = depth_of(entry)
    return tuple(sorted(entries, key=lambda e: (e.recorded, depth[e.version])))


def _display_name(path: Path, root: Path) -> str:
    """The path as problems name data files: from the data folder's parent."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def parse_since(text: str) -> date | str:
    """A day (YYYY-MM-DD) or a data version (12 hex digits); ValueError otherwise.

    >>> parse_since("2026-11-30"), parse_since("0123456789ab")
    (datetime.date(2026, 11, 30), '0123456789ab')
    """
    text = text.strip()
    if _VERSION.fullmatch(text):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a day (YYYY-MM-DD) nor a data version (12 hex digits)"
        ) from None


def changes_since(history: Sequence[DataVersion], since: date | str) -> list[RecordChange]:
    """What changed after a data version, or on and after a day (UTC), one change per
    record with its net effect, newest first."""
    if isinstance(since, str):
        starts = [i for i, e in enumerate(history) if e.previous == since]
        if since in {e.version for e in history}:
            later = [i for i, e in enumerate(history) if e.version == since]
            steps = history[later[-1] + 1 :]
        elif starts:
            steps = history[starts[0] :]
        else:
            raise UnknownVersion(since)
    else:
        steps = [e for e in history if e.recorded.date() >= since]
    return compose(e.changes for e in steps)


def net_changes_since(kg: KnowledgeGraph, since: date | str) -> Sequence[RecordChange]:
    """`changes_since` over the graph's history, made once per starting point while it is
    among the graph's kept answers: every page of `changes(since:)` reads the same list,
    so a page costs a page, not a pass over the history."""
    return kg.kept.get(  # type: ignore[no-any-return]
        ("changes since", since), lambda: tuple(changes_since(kg.history, since))
    )
