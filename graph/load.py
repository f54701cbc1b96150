"""Load a data directory into a validated, frozen `KnowledgeGraph`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from graph.build import KnowledgeGraph, build_graph
from graph.errors import DataValidationError, Problem
from graph.reader import read_dir
from graph.validate import validate

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load_graph(root: Path = DEFAULT_DATA_DIR) -> KnowledgeGraph:
    """Read, validate and build; raise `DataValidationError` listing every problem."""
    if not root.is_dir():
        raise DataValidationError([Problem(str(root), 0, "no such data directory")])
    data = read_dir(root)
    records = validate(data.records, data.problems)
    return build_graph(records, version=data.version, built_at=datetime.now(UTC))
