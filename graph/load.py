"""Load a data directory into a validated, frozen `KnowledgeGraph`."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from graph.build import KnowledgeGraph, build_graph
from graph.errors import DataValidationError, Problem
from graph.history import read_history
from graph.reader import read_dir
from graph.validate import validate

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load_graph(root: Path = DEFAULT_DATA_DIR, max_bytes: int | None = None) -> KnowledgeGraph:
    """Read, validate and build; raise `DataValidationError` listing every problem (or the
    one that the files hold more than `max_bytes`)."""
    if not root.is_dir():
        raise DataValidationError([Problem(str(root), 0, "no such data directory")])
    # Loading allocates millions of small objects and frees none of them, so the cyclic
    # garbage collector would only rescan them again and again: at 100k records it took
    # two thirds of the load time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        data = read_dir(root, max_bytes)
        history, history_problems = read_history(root)
        records = validate(data.records, data.problems + history_problems)
        kg = build_graph(records, version=data.version, built_at=datetime.now(UTC))
        return replace(kg, history=history)
    finally:
        if collecting:
            gc.enable()
