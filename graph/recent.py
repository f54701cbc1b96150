"""Answers kept for the requests that ask them again: an answer that reads a whole history
or scans every name is made once while it is among the last asked for, so that each further
page of it costs the page.

>>> squares: Recent[int] = Recent(2)
>>> squares.get(3, lambda: 9), squares.get(3, lambda: -1), squares.made
(9, 9, 1)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    """The last `size` answers made, by key, each made once while it is kept: an answer
    that reads the whole history is made once per history, not once per request. Safe to
    share between threads; two threads missing the same key at once both make it."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.made = 0  # how many answers were made rather than found: the work done

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        answer = make()
        with self._lock:
            self.made += 1
            self._kept[key] = answer
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return answer
