"""Command line: ``python -m graph validate [DIR]``, ``python -m graph stats [DIR]``,
``python -m graph import {ctgov,drugsfda} PATH... [--data DIR]``,
``python -m graph sync {ctgov,drugsfda} [--substance NAME]`` and
``python -m graph diff OLD NEW`` (data folders or git revisions) and
``python -m graph build [DIR] [--out FILE]`` (a snapshot for fast start-up)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from graph import build_cli, diff_cli
from graph.errors import DataValidationError
from graph.importers import cli as importers
from graph.importers import sync_cli
from graph.importers.recorded import recorded
from graph.load import DEFAULT_DATA_DIR, load
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
    sync_cli.add_parser(commands)
    diff_cli.add_parser(commands)
    build_cli.add_parser(commands)
    args = parser.parse_args(argv)

    if args.command == "import":
        command = f"python -m graph import {args.importer}"
        return recorded(args.data, command, lambda: importers.main(args), sys.stderr)
    if args.command == "sync":
        return sync_cli.main(args)
    if args.command == "diff":
        return diff_cli.main(args)
    if args.command == "build":
        return build_cli.main(args)
    try:
        loaded = load(args.directory)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.command == "validate":
        # Warnings do not fail validation: a key fact cited to the press is still cited.
        for warning in weakly_sourced(loaded.records):
            print(f"warning: {warning}")
        print(
            f"{args.directory}: valid, {len(loaded.records)} records, "
            f"data version {loaded.graph.version}"
        )
        return 0
    graph_lines = graph_stats(loaded.graph).lines()
    print("\n".join([*graph_lines, *evidence_stats(loaded.records).lines()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
