"""The ``import`` command line: ``python -m graph import {ctgov,drugsfda} PATH...``."""

from __future__ import annotations

import argparse
from pathlib import Path

from graph.importers.inputs import SizeLimits
from graph.importers.run import run_import
from graph.load import DEFAULT_DATA_DIR


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``import`` command with its ``ctgov`` and ``drugsfda`` subcommands."""
    parser = commands.add_parser(
        "import", help="import registry downloads into data/imported/ for review"
    )
    importers = parser.add_subparsers(dest="importer", required=True)
    for name, help_text in (
        ("ctgov", "ClinicalTrials.gov API v2 JSON or legacy XML: files, folders or zips"),
        ("drugsfda", "openFDA drugsfda JSON or the Drugs@FDA tables: files, folders or zips"),
    ):
        sub = importers.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="what to import")
        sub.add_argument(
            "--data",
            type=Path,
            default=DEFAULT_DATA_DIR,
            metavar="DIR",
            help="data directory to import into (default: data/)",
        )
        sub.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        sub.add_argument(
            "--max-unpacked-bytes",
            type=int,
            default=SizeLimits.max_bytes,
            metavar="N",
            help="largest file or archive member read, once unpacked (default: 1 GiB)",
        )
        sub.add_argument(
            "--max-ratio",
            type=int,
            default=SizeLimits.max_ratio,
            metavar="N",
            help="largest unpacked-to-packed ratio of an archive member (default: 100)",
        )
        sub.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="show a progress line (default: when stderr is a terminal)",
        )


def main(args: argparse.Namespace) -> int:
    return run_import(
        str(args.importer),
        list(args.paths),
        Path(args.data),
        dry_run=bool(args.dry_run),
        progress=args.progress,
        sizes=SizeLimits(int(args.max_unpacked_bytes), int(args.max_ratio)),
    )
