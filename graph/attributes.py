"""A node's fields as a compact, read-only mapping.

A million-record graph holds a million of these: as dicts they took about 400 bytes each
and most of a snapshot's load time. Nodes with the same fields share one key layout
(field name -> position), so each node keeps only a tuple of its values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Layout = Mapping[str, int]  # field name -> position of its value; shared by many nodes


class Attributes(Mapping[str, Any]):
    """Field name -> value, read-only; equal to a dict with the same items."""

    __slots__ = ("_layout", "_values")

    def __init__(self, layout: Layout, values: tuple[Any, ...]) -> None:
        self._layout = layout
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[self._layout[key]]

    def get(self, key: str, default: Any = None) -> Any:
        position = self._layout.get(key)
        return default if position is None else self._values[position]

    def __contains__(self, key: object) -> bool:
        return key in self._layout

    def __iter__(self) -> Iterator[str]:
        return iter(self._layout)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Attributes({dict(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Attributes, (self._layout, self._values))

    @property
    def layout(self) -> Layout:
        return self._layout

    @property
    def values_tuple(self) -> tuple[Any, ...]:
        return self._values
