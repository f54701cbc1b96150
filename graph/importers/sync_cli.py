"""The ``sync`` command line: ``python -m graph sync {ctgov,drugsfda} [options]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from graph.importers.sync import SyncOptions, run_sync
from graph.load import DEFAULT_DATA_DIR

STATE_DIR_NAME = ".sync"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "sync", help="ask ClinicalTrials.gov or openFDA for the graph's substances and import"
    )
    registries = parser.add_subparsers(dest="registry", required=True)
    for name, help_text in (
        ("ctgov", "ClinicalTrials.gov API v2: studies naming a substance as an intervention"),
        ("drugsfda", "openFDA Drugs@FDA: applications by active ingredient or brand name"),
    ):
        sub = registries.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--substance",
            action="append",
            default=[],
            metavar="NAME",
            help="only this substance (name, synonym or id); repeat for several",
        )
        sub.add_argument("--query", metavar="TEXT", help="a free query instead of substances")
        sub.add_argument(
            "--data", type=Path, default=DEFAULT_DATA_DIR, metavar="DIR", help="default: data/"
        )
        sub.add_argument(
            "--state",
            type=Path,
            metavar="DIR",
            help="where pages and progress are kept between runs (default: .sync/ beside "
            "the data folder)",
        )
        sub.add_argument(
            "--base-url", metavar="URL", help="another server with the same API (a mirror)"
        )
        sub.add_argument(
            "--dry-run", action="store_true", help="fetch and report what would change"
        )
        sub.add_argument(
            "--full", action="store_true", help="ask for everything, not only recent updates"
        )
        sub.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="show a progress bar (default: when stderr is a terminal)",
        )
        sub.add_argument(
            "--timeout", type=float, default=60.0, metavar="SECONDS", help="per request"
        )
        sub.add_argument(
            "--interval",
            type=float,
            metavar="SECONDS",
            help="seconds between requests; never shorter than the registry's own limit "
            "asks, except against another --base-url",
        )


def main(args: argparse.Namespace) -> int:
    return run_sync(
        SyncOptions(
            registry=str(args.registry),
            data_dir=Path(args.data),
            state_dir=args.state or Path(args.data).resolve().parent / STATE_DIR_NAME,
            substances=list(args.substance),
            free_query=args.query,
            base_url=args.base_url,
            dry_run=bool(args.dry_run),
            full=bool(args.full),
            progress=args.progress,
            timeout=float(args.timeout),
            min_interval=args.interval,
        )
    )
