"""Load a data directory into a validated, frozen `KnowledgeGraph`."""

from __future__ import annotations

import ctypes
import gc
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from graph.build import KnowledgeGraph, build_graph
from graph.errors import DataValidationError, Problem
from graph.history import read_history
from graph.reader import data_size, read_dir
from graph.records import Record
from graph.snapshot import SnapshotError, read_snapshot
from graph.validate import validate

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Loaded:
    """The validated records and the graph built from them."""

    records: list[Record]
    graph: KnowledgeGraph


def load_graph(
    root: Path = DEFAULT_DATA_DIR, max_bytes: int | None = None, snapshot: Path | None = None
) -> KnowledgeGraph:
    """Read, validate and build; raise `DataValidationError` listing every problem (or the
    one that the files hold more than `max_bytes`). With `snapshot`, load that file instead
    when it was built from this very data (`graph.snapshot`); a missing, stale or damaged
    one is passed over, with a warning."""
    if not root.is_dir():
        raise DataValidationError([Problem(str(root), 0, "no such data directory")])
    # Data over the size limit is refused whichever way it would be loaded.
    within_limit = max_bytes is None or data_size(root).bytes <= max_bytes
    kg = None
    if snapshot is not None and snapshot.is_file() and within_limit:
        try:
            kg = read_snapshot(snapshot, root)
        except SnapshotError as exc:
            logger.warning("%s: loading the data instead", exc)
    if kg is None:
        kg = load(root, max_bytes).graph
    release_free_memory()
    return kg


def release_free_memory() -> None:
    """Give the pages the C allocator holds free back to the system. Loading frees a lot of
    scratch space (file contents, the unpickler's table of every object, parsed YAML) that
    would otherwise stay resident for the life of the process: 110 bytes a record from a
    snapshot. Only the GNU C library offers this; elsewhere it does nothing."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def load_records(root: Path = DEFAULT_DATA_DIR) -> tuple[list[Record], str]:
    """The validated records and the data version, or `DataValidationError`."""
    loaded = load(root)
    return loaded.records, loaded.graph.version


def load(root: Path = DEFAULT_DATA_DIR, max_bytes: int | None = None) -> Loaded:
    """Read, validate and build, keeping the records: the command line reports on them."""
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
        return Loaded(records, replace(kg, history=history))
    finally:
        if collecting:
            gc.enable()
