"""Orders and counts that never change after loading, computed once when the graph is built,
and lists read only as far as a page needs: a page of a long list costs the page, not the
list.

>>> evens = Matches(range(1_000_000), keep=lambda n: n % 2 == 0)
>>> evens[3:6], evens.walked
([6, 8, 10], 11)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar, overload

T = TypeVar("T")

# The orders a list of trials can be read in (the API's TrialOrder values).
TRIAL_ORDERS: Final = ("registry_id", "start", "-start", "-enrollment")


def sort_trials_by(
    nodes: Mapping[str, Mapping[str, Any]], ids: Collection[str], by: str
) -> list[str]:
    """Trials by `registry_id`, `start` (oldest first), `-start` (newest first) or
    `-enrollment` (largest first); trials missing the value go last, ties by id (by id
    descending among equal starts newest first, the exact reverse of oldest first)."""
    if by == "registry_id":
        return sorted(ids, key=lambda t: (str(nodes[t]["registry_id"]), t))
    if by == "-enrollment":
        return sorted(ids, key=lambda t: (-(nodes[t].get("enrollment") or -1), t))
    dated = sorted(
        (t for t in ids if nodes[t].get("start") is not None),
        key=lambda t: (nodes[t]["start"], t),
    )
    undated = sorted(t for t in ids if nodes[t].get("start") is None)
    if by == "-start":
        dated.reverse()
    elif by != "start":
        raise ValueError(f"unknown trial order {by!r}")
    return dated + undated


@dataclass(frozen=True, slots=True)
class TrialOrders:
    """Every trial in each order the API offers, and how many trials there are of each
    phase and status, so that no request sorts or counts them all."""

    orders: tuple[tuple[str, ...], ...]  # one per TRIAL_ORDERS entry
    counts: tuple[tuple[object, object, int], ...]  # (phase, status, how many trials)

    @classmethod
    def build(cls, nodes: Mapping[str, Mapping[str, Any]], trials: Sequence[str]) -> TrialOrders:
        """`trials` sorted by id; an order equal to it is kept as the same tuple."""
        by_id = tuple(trials)
        orders = []
        for by in TRIAL_ORDERS:
            ordered = tuple(sort_trials_by(nodes, by_id, by))
            orders.append(by_id if ordered == by_id else ordered)
        counts: dict[tuple[object, object], int] = {}
        for trial in by_id:
            key = (nodes[trial].get("phase"), nodes[trial].get("status"))
            counts[key] = counts.get(key, 0) + 1
        return cls(tuple(orders), tuple((p, s, n) for (p, s), n in counts.items()))

    def of(self, by: str) -> tuple[str, ...]:
        """Every trial in the order `by`."""
        if by not in TRIAL_ORDERS:
            raise ValueError(f"unknown trial order {by!r}")
        return self.orders[TRIAL_ORDERS.index(by)]

    def count(self, phases: Collection[object] = (), statuses: Collection[object] = ()) -> int:
        """How many trials are in one of `phases` and one of `statuses` (empty: any)."""
        return sum(
            n
            for phase, status, n in self.counts
            if (not phases or phase in phases) and (not statuses or status in statuses)
        )


class Matches(Sequence[T]):
    """The items of `order` that `keep` accepts (all when it is None), in that order, found
    only as far as they are read: the first page of a long list reads about a page.

    `total`, when given, says how many there are without reading them all (a count kept
    since loading); otherwise `len()` reads to the end. A slice near the end of a list whose
    length is known is read from the end, so the last page costs a page too.
    """

    def __init__(
        self,
        order: Sequence[T],
        keep: Callable[[T], bool] | None = None,
        total: Callable[[], int] | None = None,
    ) -> None:
        self._order = order
        self._keep = keep
        self._total = total
        self._length: int | None = len(order) if keep is None else None
        self._found: list[T] = []  # the first matches, as far as they were read
        self._next = 0  # where reading from the front resumes
        self.walked = 0  # how many items of `order` were read: the work done

    def __len__(self) -> int:
        if self._length is None:
            if self._total is not None:
                self._length = self._total()
            else:
                self._read_to(None)
                self._length = len(self._found)
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            start, stop, step = index.start or 0, index.stop, index.step
            if step not in (None, 1) or start < 0 or stop is None or stop < 0:
                start, stop, step = index.indices(len(self))
                if step != 1:
                    return [self[i] for i in range(start, stop, step)]
            return self._slice(start, stop)
        position = index + len(self) if index < 0 else index
        found = self._slice(position, position + 1) if position >= 0 else []
        if not found:
            raise IndexError(index)
        return found[0]

    def __iter__(self) -> Iterator[T]:
        if self._keep is None:
            yield from self._order
            return
        position = 0
        while True:
            if position >= len(self._found):
                self._read_to(position + 1)
                if position >= len(self._found):
                    return
            yield self._found[position]
            position += 1

    def _slice(self, start: int, stop: int) -> list[T]:
        if stop <= start:
            return []
        if self._keep is None:
            self.walked += max(0, min(stop, len(self._order)) - start)
            return list(self._order[start:stop])
        if stop > len(self._found) and self._length is None and self._total is not None:
            self._length = self._total()
        length = self._length
        if length is not None and stop > len(self._found) and start >= length - start:
            return self._from_the_end(start, min(stop, length), length)
        self._read_to(stop)
        return self._found[start:stop]

    def _read_to(self, stop: int | None) -> None:
        """Read on from the front until `stop` matches are found (None: to the end)."""
        keep, order, found = self._keep, self._order, self._found
        assert keep is not None
        position = self._next
        while position < len(order) and (stop is None or len(found) < stop):
            item = order[position]
            position += 1
            if keep(item):
                found.append(item)
        self.walked += position - self._next
        self._next = position

    def _from_the_end(self, start: int, stop: int, length: int) -> list[T]:
        """Matches `start` to `stop` of `length`, read backwards from the last."""
        keep, order = self._keep, self._order
        assert keep is not None
        wanted = length - start  # matches to read from the end, down to `start`
        tail: list[T] = []
        position = len(order)
        while position > 0 and len(tail) < wanted:
            position -= 1
            item = order[position]
            if keep(item):
                tail.append(item)
        self.walked += len(order) - position
        tail.reverse()
        return tail[: stop - start]


class Backwards(Sequence[T]):
    """`items` last first, without copying them: a page of a long list read backwards
    costs a page.

    >>> names = Backwards(("a", "b", "c", "d"))
    >>> names[0], names[-1], names[1:3], list(names)
    ('d', 'a', ['c', 'b'], ['d', 'c', 'b', 'a'])
    """

    def __init__(self, items: Sequence[T]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        size = len(self._items)
        if isinstance(index, slice):
            start, stop, step = index.indices(size)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            if stop <= start:
                return []
            return list(reversed(self._items[size - stop : size - start]))
        position = index + size if index < 0 else index
        if not 0 <= position < size:
            raise IndexError(index)
        return self._items[size - 1 - position]
