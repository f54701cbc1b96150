"""The ``diff`` command line: ``python -m graph diff OLD NEW [--data DIR] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from graph.diff import ChangeKind, diff_records
from graph.history import DataVersion, entry_json, write_entry
from graph.load import DEFAULT_DATA_DIR
from graph.versions import VersionError, read_version


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "diff",
        help="records added, removed and changed between two data versions",
        description="Compare two versions of the data: each OLD and NEW is a data folder or "
        "a git revision (HEAD, main~1, a tag) of the repository holding --data.",
    )
    parser.add_argument("old", metavar="OLD")
    parser.add_argument("new", metavar="NEW")
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA_DIR,
        metavar="DIR",
        help="the data folder whose git revisions are meant (default: data/)",
    )
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")
    parser.add_argument(
        "--record",
        action="store_true",
        help="also add the changes to NEW's history (NEW must be a folder): for edits made "
        "by hand, so that changes(since:) and the feed know them",
    )


def main(args: argparse.Namespace) -> int:
    if args.record and not Path(args.new).is_dir():
        print(f"diff: --record needs NEW to be a data folder, not {args.new!r}", file=sys.stderr)
        return 1
    try:
        old = read_version(str(args.old), Path(args.data))
        new = read_version(str(args.new), Path(args.data))
    except VersionError as exc:
        print(f"diff: {exc}", file=sys.stderr)
        return 1
    changes = diff_records(old.records, new.records)
    if args.record and changes:
        entry = DataVersion(
            new.version,
            old.version,
            datetime.now(UTC).replace(microsecond=0),
            "python -m graph diff --record",
            tuple(changes),
        )
        print(f"recorded in {write_entry(Path(args.new), entry)}", file=sys.stderr)
    if args.json:
        entry = DataVersion(
            new.version, old.version, datetime.now(UTC), "graph diff", tuple(changes)
        )
        document = json.loads(entry_json(entry))
        del document["recorded"], document["command"]
        print(json.dumps(document, ensure_ascii=False, indent=1))
        return 0
    print(f"{old.name} ({old.version}) -> {new.name} ({new.version})")
    for change in changes:
        print("\n".join(change.lines()))
    counts = {k: sum(c.change is k for c in changes) for k in ChangeKind}
    print(
        f"{counts[ChangeKind.ADDED]} added, {counts[ChangeKind.CHANGED]} changed, "
        f"{counts[ChangeKind.REMOVED]} removed"
    )
    return 0
