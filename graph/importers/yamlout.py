"""Write records in the curated format, deterministically, so a re-import is byte-identical
and a changed registry record shows up as a small, readable diff.

Keys follow the model's field order (id first, then the kind's fields, then sources and
note); lists of references or short words are written in flow style like the curated
files (``substances: [substance:mdma]``), everything else in block style. A text value
is written plain when YAML would read it back as the same text, and double-quoted
otherwise; dates, numbers, enum values and ids are always plain, as curators write them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import yaml

from graph.model import KINDS, SOURCES_FIELD, FieldType
from graph.reader import Value

_WIDTH: Final = 100  # flow lists longer than this are written one item per line
_HUGE: Final = 10**9  # never fold a scalar: a folded line is harder to diff
# Values of these shapes are plain YAML by construction (ids, dates, numbers, enums, URLs).
_SAFE_PLAIN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/?=&%+-]*")
_FLOW_ITEM: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._:/+-]*[A-Za-z0-9.]|[A-Za-z0-9]")
_TAIL_KEYS: Final = ("sources", "note")
_CITATION_KEYS: Final = tuple(p.name for p in SOURCES_FIELD.parts)

Record = dict[str, Value]


@dataclass(frozen=True)
class Rendered:
    """A file's text, and the line each record starts on (to map validator problems)."""

    text: str
    starts: tuple[tuple[int, str], ...]  # (1-based line, record id), in order

    def record_at(self, line: int) -> str | None:
        found = None
        for start, record_id in self.starts:
            if start > line:
                break
            found = record_id
        return found


def key_order(record: Mapping[str, object]) -> list[str]:
    """id, the kind's fields in model order, sources, note, then anything unknown."""
    kind = KINDS.get(str(record.get("id", "")).partition(":")[0])
    declared = ["id", *(f.name for f in kind.fields)] if kind else ["id"]
    ordered = [k for k in (*declared, *_TAIL_KEYS) if k in record]
    return ordered + sorted(k for k in record if k not in ordered)


def scalar(text: str, field_type: FieldType | None = None) -> str:
    """One scalar as YAML: plain when that reads back as the same text, else quoted."""
    if field_type is not FieldType.TEXT and _SAFE_PLAIN.fullmatch(text):
        return text
    if "\n" not in text and text == text.strip() and text:
        dumped = yaml.safe_dump(text, allow_unicode=True, width=_HUGE)
        plain = dumped.removesuffix("\n...\n").removesuffix("\n")
        if plain == text:
            return plain
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=_HUGE).rstrip("\n")


def _field_type(record_id: str, key: str) -> FieldType | None:
    kind = KINDS.get(record_id.partition(":")[0])
    spec = kind.by_name.get(key) if kind else None
    return spec.type if spec else None


def _flow(items: Sequence[Value], prefix: str) -> str | None:
    if not items or not all(
        isinstance(i, str) and _FLOW_ITEM.fullmatch(i) and ": " not in i for i in items
    ):
        return None
    line = f"{prefix}[{', '.join(str(i) for i in items)}]"
    return line if len(line) <= _WIDTH else None


def _mapping_lines(
    mapping: Mapping[str, Value], indent: int, order: list[str], record_id: str
) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key in order:
        lines.extend(_value_lines(f"{pad}{key}:", mapping[key], indent, record_id, key))
    return lines


def _value_lines(head: str, value: Value, indent: int, record_id: str, key: str) -> list[str]:
    pad = " " * indent
    if value is None:
        return [head]
    if isinstance(value, str):
        return [f"{head} {scalar(value, _field_type(record_id, key))}"]
    if isinstance(value, list):
        if not value:
            return [f"{head} []"]
        flow = _flow(value, f"{head} ")
        if flow is not None:
            return [flow]
        lines = [head]
        for item in value:
            lines.extend(_item_lines(item, indent + 2, record_id, key))
        return lines
    lines = [head]
    order = [k for k in _CITATION_KEYS if k in value] + sorted(
        k for k in value if k not in _CITATION_KEYS
    )
    lines.extend(_mapping_lines(value, indent + 2, order, record_id))
    return lines if value else [f"{pad}{key}: {{}}"]


def _item_lines(item: Value, indent: int, record_id: str, key: str) -> list[str]:
    pad = " " * indent
    if isinstance(item, dict):
        order = [k for k in _CITATION_KEYS if k in item] + sorted(
            k for k in item if k not in _CITATION_KEYS
        )
        inner = _mapping_lines(item, indent + 2, order, record_id)
        if not inner:
            return [f"{pad}- {{}}"]
        return [f"{pad}- {inner[0].lstrip()}", *inner[1:]]
    if isinstance(item, str):
        # List items of a reference field are ids; of a text field, text.
        return [f"{pad}- {scalar(item, _field_type(record_id, key))}"]
    return [f"{pad}- {scalar(str(item), FieldType.TEXT)}"]


def render_record(record: Record) -> list[str]:
    record_id = str(record.get("id", ""))
    lines = _mapping_lines(record, 2, key_order(record), record_id)
    return [f"- {lines[0].lstrip()}", *lines[1:]] if lines else []


def render_file(header: Sequence[str], records: Sequence[Record]) -> Rendered:
    """The whole file: header comments, then the records separated by blank lines."""
    lines = [f"# {h}" if h else "#" for h in header]
    starts: list[tuple[int, str]] = []
    if not records:
        lines.append("[]")
    for record in records:
        lines.append("")
        starts.append((len(lines) + 1, str(record.get("id", ""))))
        lines.extend(render_record(record))
    return Rendered("\n".join(lines) + "\n", tuple(starts))
