"""Typed access to parsed JSON: every value is narrowed with isinstance, never cast.

The registries' JSON is loosely shaped (fields filtered away, nulls, lists of one), so
each accessor returns None or an empty container when a value is missing or of the
wrong type, and the caller decides whether that matters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TypeAlias

JsonObject: TypeAlias = Mapping[str, object]


class JsonError(ValueError):
    """The bytes are not JSON; the message says where and why, for a curator."""


def load_json(data: bytes) -> object:
    """Parse JSON text; a truncated or damaged file gives a plain-language `JsonError`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JsonError(f"not UTF-8 text (byte {exc.start})") from exc
    if not text.strip():
        raise JsonError("the file is empty")
    try:
        parsed: object = json.loads(text)
    except RecursionError as exc:
        raise JsonError("JSON nested too deeply to be a registry record") from exc
    except json.JSONDecodeError as exc:
        # A download cut off mid-way no longer ends with the closing bracket.
        hint = "" if text.rstrip().endswith(("}", "]")) else " (the file looks truncated)"
        raise JsonError(
            f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{hint}"
        ) from exc
    return parsed


def as_object(value: object) -> JsonObject | None:
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return value
    return None


def obj(parent: JsonObject | None, *path: str) -> JsonObject | None:
    """The object at `path` under `parent`, or None."""
    current: JsonObject | None = parent
    for key in path:
        if current is None:
            return None
        current = as_object(current.get(key))
    return current


def text(parent: JsonObject | None, key: str) -> str | None:
    """A non-blank string with surrounding whitespace removed, or None."""
    if parent is None:
        return None
    value = parent.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # openFDA writes some numbers as numbers, most as strings
    return None


def integer(parent: JsonObject | None, key: str) -> int | None:
    if parent is None:
        return None
    value = parent.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def flag(parent: JsonObject | None, key: str) -> bool | None:
    if parent is None:
        return None
    value = parent.get(key)
    return value if isinstance(value, bool) else None


def items(parent: JsonObject | None, key: str) -> list[object]:
    if parent is None:
        return []
    value = parent.get(key)
    return list(value) if isinstance(value, list) else []


def objects(parent: JsonObject | None, key: str) -> Iterator[JsonObject]:
    """The objects in the list at `key`; anything else in the list is skipped."""
    for item in items(parent, key):
        found = as_object(item)
        if found is not None:
            yield found


def texts(parent: JsonObject | None, key: str) -> list[str]:
    """The non-blank strings in the list at `key`, stripped."""
    return [i.strip() for i in items(parent, key) if isinstance(i, str) and i.strip()]
