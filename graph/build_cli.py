"""The ``build`` command line: ``python -m graph build [DIR] [--out FILE]`` compiles the
data into a snapshot that the server loads at start-up instead of the YAML."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from graph.errors import DataValidationError
from graph.load import DEFAULT_DATA_DIR, load_graph
from graph.snapshot import default_path, write_snapshot


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "build",
        help="validate the data and save the built graph as a snapshot for fast start-up",
        description="Read, validate and build the data, and save the result to a snapshot "
        "file. The server loads it instead of the data when it was built from the same data "
        "by the same regkg; otherwise it loads the data.",
    )
    parser.add_argument(
        "directory", nargs="?", type=Path, default=DEFAULT_DATA_DIR, help="data directory"
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="where to write it (default: DIR/regkg.snapshot)"
    )


def main(args: argparse.Namespace) -> int:
    out: Path = args.out or default_path(args.directory)
    start = time.perf_counter()
    try:
        kg = load_graph(args.directory)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        size = write_snapshot(kg, out)
    except OSError as exc:
        print(f"cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(
        f"{out}: {kg.graph.number_of_nodes()} records, data version {kg.version}, "
        f"{size / 2**20:.1f} MB, in {time.perf_counter() - start:.1f} s"
    )
    return 0
