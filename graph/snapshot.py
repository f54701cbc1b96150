"""A built graph saved to one file, so that start-up unpickles it instead of reading,
validating and building the YAML again (a hundred times faster at 100 000 records).

A snapshot is only ever used for the data it was built from: its header names the data
version (the digest of the YAML files, `graph.reader.data_version`) and a fingerprint of
the code that shapes the built graph, and a snapshot whose header differs from the data
and code at hand is never returned. The payload is checked against the digest in the
header before it is unpickled, so a damaged file is an error, never a wrong graph.

The payload is laid out to load fast: nodes as columns (ids, shared key layouts, value
tuples), the adjacency dicts as networkx holds them with their shared key dicts, so that
unpickling makes as few objects as the graph holds and no call into Python per node.

    python -m graph build [DIR] [--out FILE]    # DIR/regkg.snapshot by default

Only load snapshots you built: unpickling runs code named in the file.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import platform
import tempfile
from array import array
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import datetime
from functools import cache
from itertools import islice, repeat
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO, Final

import networkx as nx

from graph.attributes import Attributes
from graph.build import KnowledgeGraph, assemble_graph
from graph.errors import RegkgError
from graph.history import read_history
from graph.reader import data_version
from graph.records import Citation

SNAPSHOT_FILE: Final = "regkg.snapshot"
FORMAT: Final = 3  # bump when the layout of the file itself changes
MAGIC: Final = b"regkg snapshot\n"
_CHUNK: Final = 1 << 20


class SnapshotError(RegkgError):
    """A snapshot cannot be used."""


class StaleSnapshot(SnapshotError):
    """The snapshot was built from other data, or by other code."""


class DamagedSnapshot(SnapshotError):
    """The file is not a complete snapshot: truncated, altered, or not a snapshot at all."""


@dataclass(frozen=True)
class Header:
    format: int
    code: str  # `code_fingerprint()` of the code that built it
    data_version: str
    built_at: str
    payload_bytes: int
    payload_sha256: str


def default_path(root: Path) -> Path:
    return root / SNAPSHOT_FILE


@cache
def code_fingerprint() -> str:
    """A digest of what decides the shape of a built graph: the graph package's sources,
    and the Python and networkx versions that pickle it."""
    digest = hashlib.sha256(f"{FORMAT} {platform.python_version()} {nx.__version__}".encode())
    for module in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()[:16]


def write_snapshot(kg: KnowledgeGraph, path: Path) -> int:
    """Write `kg` to `path` atomically (a reader sees the old file or the new one, never
    a part); return the file's size in bytes."""
    payload = pickle.dumps(_parts(kg), protocol=pickle.HIGHEST_PROTOCOL)
    header = Header(
        format=FORMAT,
        code=code_fingerprint(),
        data_version=kg.version,
        built_at=kg.built_at.isoformat(),
        payload_bytes=len(payload),
        payload_sha256=hashlib.sha256(payload).hexdigest(),
    )
    head = MAGIC + json.dumps(header.__dict__).encode() + b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(head)
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp makes the file private; a snapshot is as readable as the data it holds.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(scratch, 0o666 & ~umask)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return len(head) + len(payload)


def read_header(path: Path) -> Header:
    """The header of the snapshot at `path`; `DamagedSnapshot` if it has none."""
    with path.open("rb") as file:
        return _header(file, path)


def read_snapshot(path: Path, root: Path) -> KnowledgeGraph:
    """The graph saved at `path`, if it was built from the data now under `root` by this
    code; else `StaleSnapshot` (or `DamagedSnapshot`), so that nothing stale is served.
    The data's history is read from `root` as a fresh load would."""
    try:
        file = path.open("rb")
    except OSError as exc:
        raise DamagedSnapshot(f"{path} cannot be read: {exc.strerror or exc}") from exc
    with file, ThreadPoolExecutor(1) as pool:
        header = _header(file, path)
        if header.code != code_fingerprint():
            raise StaleSnapshot(f"{path} was built by another version of regkg")
        # The data's version is a digest of every data file: it is computed beside the
        # load (reading and hashing let go of the interpreter lock), and checked before
        # the graph is returned.
        version = pool.submit(data_version, root)
        start = file.tell()
        if _payload_digest(file) != (header.payload_bytes, header.payload_sha256):
            raise DamagedSnapshot(f"{path} is damaged: its contents do not match its header")
        file.seek(start)
        # Unpickling makes millions of objects that live as long as the process: the
        # collector would only rescan them, during the load and after it (a full
        # collection walked 100 000 nodes in 2.5 s), so a graph that is kept is frozen
        # out of its reach.
        collecting = gc.isenabled()
        gc.disable()
        try:
            try:
                kg = _assemble(pickle.load(file))
            except Exception as exc:
                raise DamagedSnapshot(f"{path} cannot be read as a snapshot: {exc}") from exc
            try:
                current = version.result()
            except OSError as exc:
                raise StaleSnapshot(f"the data in {root} cannot be read: {exc}") from exc
            if header.data_version != current:
                raise StaleSnapshot(
                    f"{path} was built from data version {header.data_version}, "
                    f"but the data in {root} is version {current}"
                )
            gc.freeze()
        finally:
            if collecting:
                gc.enable()
    history, problems = read_history(root)
    if problems:
        raise StaleSnapshot(f"the data history in {root} has problems; load the data to see them")
    return replace(kg, history=history)


def _header(file: BinaryIO, path: Path) -> Header:
    if file.read(len(MAGIC)) != MAGIC:
        raise DamagedSnapshot(f"{path} is not a regkg snapshot")
    line = file.readline(4096)
    try:
        header = Header(**json.loads(line))
    except (ValueError, TypeError) as exc:
        raise DamagedSnapshot(f"{path} has a damaged header: {exc}") from exc
    if header.format != FORMAT:
        raise StaleSnapshot(f"{path} is in snapshot format {header.format}, not {FORMAT}")
    return header


def _payload_digest(file: BinaryIO) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _parts(kg: KnowledgeGraph) -> dict[str, Any]:
    """Every field the build made, as values that unpickle without a call into Python per
    node: the nodes as columns (ids, key layouts, value tuples), the adjacency dicts as
    networkx holds them. The history is not built but read, so it is read again on load.
    Read-only mappings become plain dicts here."""
    layouts: dict[int, int] = {}  # id of a shared layout -> its number
    names: list[tuple[str, ...]] = []
    layout_of = array("I")
    values: list[tuple[Any, ...]] = []
    citations = _Citations()
    for attrs in kg.graph._node.values():
        if not isinstance(attrs, Attributes):
            raise TypeError(f"a snapshot holds graphs made by build_graph, not {type(attrs)}")
        number = layouts.setdefault(id(attrs.layout), len(names))
        if number == len(names):
            names.append(tuple(attrs.layout))
        layout_of.append(number)
        values.append(citations.taken_from(attrs))
    parts: dict[str, Any] = {
        "graph": {
            "ids": list(kg.graph._node),
            "layouts": names,
            "layout_of": layout_of,
            "values": values,
            "succ": kg.graph._succ,
            "pred": kg.graph._pred,
        }
    }
    for spec in fields(kg):
        if spec.name in ("graph", "history") or not spec.init:
            continue  # the graph is saved above; the history and kept answers are not built
        value = getattr(kg, spec.name)
        parts[spec.name] = (
            ("mapping", dict(value)) if isinstance(value, MappingProxyType) else ("value", value)
        )
    return parts


class _Citations:
    """Every node's citations, saved as columns and made into `Citation`s again by one
    call that loops in C.

    Pickled one by one, each citation would leave its constructor's arguments (a tuple
    as large as itself) in the unpickler's memo until the end of the load, and then
    free: a hole for every citation, 80 MB of them at a million records. Instead each
    node's tuple of citations is saved as a call to `next` on one shared iterator that
    makes the nodes' tuples, in the order the nodes are saved and so unpickled.
    """

    def __init__(self) -> None:
        self._flat: list[Citation] = []
        self._counts = array("I")
        self._next = (self,)  # the arguments of every `next` call: one object, saved once

    def taken_from(self, attrs: Attributes) -> tuple[Any, ...]:
        """The node's values, with its citations (if any) replaced by a `next` call."""
        row = attrs.values_tuple
        position = attrs.layout.get("citations")
        if position is None or not row[position]:
            return row
        self._flat.extend(row[position])
        self._counts.append(len(row[position]))
        return (*row[:position], _NextOf(self._next), *row[position + 1 :])

    def __reduce__(self) -> tuple[Any, ...]:
        columns = tuple(map(list, zip(*self._flat, strict=True))) if self._flat else ()
        return (_citation_groups, (columns, self._counts))


class _NextOf:
    """Unpickles as the next item of the iterator in `args`; one per node, as the pickler
    saves an object met twice only once."""

    def __init__(self, args: tuple[_Citations]) -> None:
        self._args = args

    def __reduce__(self) -> tuple[Any, ...]:
        return (next, self._args)


def _citation_groups(
    columns: tuple[list[Any], ...], counts: array[int]
) -> Iterator[tuple[Citation, ...]]:
    """Each node's tuple of citations in turn, made from the saved columns."""
    made = map(tuple.__new__, repeat(Citation), zip(*columns, strict=True))
    return (tuple(islice(made, count)) for count in counts)


def _assemble(parts: dict[str, Any]) -> KnowledgeGraph:
    values: dict[str, Any] = {}
    for name, part in parts.items():
        if name != "graph":
            form, value = part
            values[name] = MappingProxyType(value) if form == "mapping" else value
    if not isinstance(values.get("built_at"), datetime):
        raise DamagedSnapshot("the snapshot holds no build time")
    graph = parts["graph"]
    layouts = [{name: i for i, name in enumerate(names)} for names in graph["layouts"]]
    # Each step is one call that loops in C, over a million nodes.
    attrs = map(Attributes, map(layouts.__getitem__, graph["layout_of"]), graph["values"])
    nodes = dict(zip(graph["ids"], attrs, strict=True))
    values["graph"] = assemble_graph(values["version"], nodes, graph["succ"], graph["pred"])
    values["names"].attach(nodes)
    return KnowledgeGraph(**values)
