"""Read the curated YAML files into raw records that remember where each value came from.

Every scalar is kept as text: types are the validator's business, so YAML's implicit
typing (``no`` as false, ``2019-01`` as a number) never reaches the data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import yaml

from graph.errors import Problem

try:  # libyaml is much faster when present; both give the same nodes and line marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Value: TypeAlias = "str | list[Value] | dict[str, Value] | None"


@dataclass
class RawRecord:
    """One record as written: plain text values, and the line of every key."""

    file: str
    line: int
    data: dict[str, Value]
    # dotted path ("sources.0.quote") -> 1-based line number
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, path: str) -> int:
        return self.lines.get(path, self.line)


def data_files(root: Path) -> list[Path]:
    """Every YAML file under `root`, in a stable order."""
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


@dataclass
class DataSet:
    """What a data directory holds: raw records, reading problems, and a version digest."""

    records: list[RawRecord]
    problems: list[Problem]
    version: str  # changes whenever any file's name or bytes change


@dataclass(frozen=True)
class DataSize:
    """How much data a folder holds, before any of it is read."""

    files: int
    bytes: int

    def __str__(self) -> str:
        """
        >>> str(DataSize(3, 2_500_000))
        '3 files, 2.5 MB'
        """
        return f"{self.files} file{'s' if self.files != 1 else ''}, {self.bytes / 1e6:.1f} MB"


def data_size(root: Path) -> DataSize:
    sizes = []
    for path in data_files(root):
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)  # reading it reports the problem
    return DataSize(len(sizes), sum(sizes))


def read_dir(root: Path, max_bytes: int | None = None) -> DataSet:
    """Read every data file under `root`; problems are collected, never raised. Data of
    more than `max_bytes` is not read: the one problem says how large it is."""
    records: list[RawRecord] = []
    problems: list[Problem] = []
    digest = hashlib.sha256()
    if max_bytes is not None:
        size = data_size(root)
        if size.bytes > max_bytes:
            message = (
                f"the data holds {size}, over the limit of {max_bytes / 1e6:.1f} MB "
                "(--max-data-bytes); raise the limit if the data is meant to be this large"
            )
            return DataSet([], [Problem(str(root), 0, message, root_cause=True)], "")
    for path in data_files(root):
        name = _display_name(path, root)
        try:
            content = path.read_bytes()
        except OSError as exc:
            problems.append(
                Problem(name, 1, f"cannot be read: {exc.strerror or exc}", root_cause=True)
            )
            continue
        digest.update(_version_part(path, root, content))
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = content[: exc.start].count(b"\n") + 1
            problems.append(
                Problem(name, line, "not UTF-8 text; save the file as UTF-8", root_cause=True)
            )
            continue
        recs, probs = read_text(text, name)
        records.extend(recs)
        problems.extend(probs)
    return DataSet(records, problems, digest.hexdigest()[:12])


def data_version(root: Path) -> str:
    """The version `read_dir` gives the data under `root`, from the files' bytes alone,
    without parsing them; raises `OSError` when a file cannot be read."""
    digest = hashlib.sha256()
    for path in data_files(root):
        digest.update(_version_part(path, root, path.read_bytes()))
    return digest.hexdigest()[:12]


def _version_part(path: Path, root: Path, content: bytes) -> bytes:
    return str(path.relative_to(root)).encode() + b"\0" + content


def _display_name(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_text(text: str, name: str) -> tuple[list[RawRecord], list[Problem]]:
    """Parse one file's text (named `name` in messages) into raw records."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        return [], [Problem(name, line, f"not valid YAML: {exc.problem or exc}", root_cause=True)]
    except yaml.YAMLError as exc:
        return [], [Problem(name, 1, f"not valid YAML: {exc}", root_cause=True)]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [
            Problem(
                name, _line(root), "the file must be a list of records (- id: ...)", root_cause=True
            )
        ]
    records: list[RawRecord] = []
    problems: list[Problem] = []
    seen: set[int] = set()
    for item in root.value:
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(name, _line(item), "a record must be a mapping of fields"))
            continue
        record = RawRecord(name, _line(item), {})
        value = _convert(item, "", record, problems, seen)
        assert isinstance(value, dict)
        record.data = value
        records.append(record)
    return records, problems


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _convert(
    node: yaml.Node, path: str, record: RawRecord, problems: list[Problem], seen: set[int]
) -> Value:
    if isinstance(node, yaml.CollectionNode):
        # A list or mapping met twice was reached through an alias (*name). Aliases can
        # refer to themselves or nest into exponential size, and a record is clearer
        # written out, so they are refused rather than expanded.
        if id(node) in seen:
            problems.append(
                Problem(
                    record.file,
                    _line(node),
                    "the list or mapping defined here is reused through a YAML alias; "
                    "aliases are not allowed in data files, write the value out",
                )
            )
            return None
        seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value)
        # An empty, unquoted value is YAML's null: treat it as absent, not as "".
        # libyaml gives a plain scalar the style "" and PyYAML None; quoted ones '"' or "'".
        return None if text == "" and not node.style else text
    if isinstance(node, yaml.SequenceNode):
        items: list[Value] = []
        for index, child in enumerate(node.value):
            child_path = _join(path, str(index))
            record.lines[child_path] = _line(child)
            items.append(_convert(child, child_path, record, problems, seen))
        return items
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Value] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_path = _join(path, key)
            if key in mapping:
                problems.append(
                    Problem(record.file, _line(key_node), f"the key {key!r} appears twice")
                )
            record.lines[key_path] = _line(key_node)
            mapping[key] = _convert(value_node, key_path, record, problems, seen)
        return mapping
    problems.append(Problem(record.file, _line(node), "unsupported YAML node"))  # pragma: no cover
    return None  # pragma: no cover


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part
