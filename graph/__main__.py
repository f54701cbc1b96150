"""Command line: ``python -m graph validate [DIR]``, ``python -m graph stats [DIR]`` and
``python -m graph import {ctgov,drugsfda} PATH... [--data DIR]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from graph.build import build_graph
from graph.errors import DataValidationError
from graph.importers import cli as importers
from graph.load import DEFAULT_DATA_DIR, load_records
from graph.sourcing import weakly_sourced
from graph.stats import evidence_stats, graph_stats


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m graph", description="Check and describe regkg data."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("validate", "check every data file; list every problem with its file and line"),
        (
            "stats",
            "counts of nodes per kind, edges per relation, sources per record, and values "
            "quoted or derived",
        ),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument(
            "directory", nargs="?", type=Path, default=DEFAULT_DATA_DIR, help="data directory"
        )
    importers.add_parser(commands)
    args = parser.parse_args(argv)

    if args.command == "import":
        return importers.main(args)
    try:
        records, version = load_records(args.directory)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.command == "validate":
        # Warnings do not fail validation: a key fact cited to the press is still cited.
        for warning in weakly_sourced(records):
            print(f"warning: {warning}")
        print(f"{args.directory}: valid, {len(records)} records, data version {version}")
        return 0
    kg = build_graph(records, version=version, built_at=datetime.now(UTC))
    print("\n".join([*graph_stats(kg).lines(), *evidence_stats(records).lines()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
