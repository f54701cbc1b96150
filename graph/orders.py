"""Orders and counts that never change after loading, computed once when the graph is built,
and lists read only as far as a page needs: a page of a long list costs the page, not the
list.

>>> evens = Matches(range(1_000_000), keep=lambda n: n % 2 == 0)
>>> evens[3:6], evens.walked
([6, 8, 10], 11)
"""

from __future__ import annotations

import bisect
import heapq
from array import array
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, TypeVar, overload

from graph.records import action_date, date_order

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


Cell = tuple[object, object]  # a trial's (phase, status)


@dataclass(frozen=True, slots=True)
class TrialOrders:
    """Every trial in each order the API offers, how many trials there are of each phase
    and status, and where the trials of each (phase, status) stand in each order, so that
    no request sorts, counts or skips them all."""

    orders: tuple[tuple[str, ...], ...]  # one per TRIAL_ORDERS entry
    counts: tuple[tuple[object, object, int], ...]  # (phase, status, how many trials)
    # For each order, for each (phase, status) of `counts` in turn: the positions in that
    # order of the trials of that phase and status, ascending.
    positions: tuple[tuple[array[int], ...], ...]

    @classmethod
    def build(cls, nodes: Mapping[str, Mapping[str, Any]], trials: Sequence[str]) -> TrialOrders:
        """`trials` sorted by id; an order equal to it is kept as the same tuple."""
        by_id = tuple(trials)
        orders = []
        for by in TRIAL_ORDERS:
            ordered = tuple(sort_trials_by(nodes, by_id, by))
            orders.append(by_id if ordered == by_id else ordered)
        cells: dict[Cell, int] = {}
        cell_of: dict[str, int] = {}
        for trial in by_id:
            key = (nodes[trial].get("phase"), nodes[trial].get("status"))
            cell_of[trial] = cells.setdefault(key, len(cells))
        positions = []
        for ordered in orders:
            found = tuple(array("I") for _ in cells)
            for position, trial in enumerate(ordered):
                found[cell_of[trial]].append(position)
            positions.append(found)
        sizes = [len(found) for found in positions[0]]
        counts = tuple((p, s, n) for (p, s), n in zip(cells, sizes, strict=True))
        return cls(tuple(orders), counts, tuple(positions))

    def of(self, by: str) -> tuple[str, ...]:
        """Every trial in the order `by`."""
        return self.orders[self._index(by)]

    def count(self, phases: Collection[object] = (), statuses: Collection[object] = ()) -> int:
        """How many trials are in one of `phases` and one of `statuses` (empty: any)."""
        return sum(
            n
            for phase, status, n in self.counts
            if (not phases or phase in phases) and (not statuses or status in statuses)
        )

    def picked(
        self, by: str, phases: Collection[object] = (), statuses: Collection[object] = ()
    ) -> Picked[str]:
        """The trials in one of `phases` and one of `statuses` (empty: any), in the order
        `by`: any page of them, however deep, costs about the page."""
        index = self._index(by)
        chosen = [
            found
            for (phase, status, _), found in zip(self.counts, self.positions[index], strict=True)
            if (not phases or phase in phases) and (not statuses or status in statuses)
        ]
        return Picked(self.orders[index], chosen)

    @staticmethod
    def _index(by: str) -> int:
        if by not in TRIAL_ORDERS:
            raise ValueError(f"unknown trial order {by!r}")
        return TRIAL_ORDERS.index(by)


def positions_by(values: Sequence[object]) -> tuple[tuple[object, array[int]], ...]:
    """For each distinct value, in the order first met: the positions holding it.

    >>> [(v, list(p)) for v, p in positions_by("abba")]
    [('a', [0, 3]), ('b', [1, 2])]
    """
    found: dict[object, array[int]] = {}
    for position, value in enumerate(values):
        kept = found.get(value)
        if kept is None:
            kept = found[value] = array("I")
        kept.append(position)
    return tuple(found.items())


class Sliced(Sequence[T]):
    """A list read a slice at a time: `_slice(start, stop)` reads only those items, and
    indexing, slicing and `len` go through it and `_length`, so a page costs a page."""

    _length: int

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return self._slice(start, stop)
        position = index + self._length if index < 0 else index
        if not 0 <= position < self._length:
            raise IndexError(index)
        return self._slice(position, position + 1)[0]

    def _slice(self, start: int, stop: int) -> list[T]:
        raise NotImplementedError


class Picked(Sliced[T]):
    """The items of `order` at the positions of any of `positions` (each ascending), in the
    order they stand in `order`, read without walking up to them: the positions of each
    group were kept since loading, so a page anywhere in the list costs about a page.

    >>> evens = Picked("abcdefgh", [array("I", [0, 4, 6]), array("I", [2])])
    >>> len(evens), evens[1:3], evens[-1], evens.walked
    (4, ['c', 'e'], 'g', 3)
    """

    def __init__(self, order: Sequence[T], positions: Sequence[Sequence[int]]) -> None:
        self._order = order
        self._groups = [p for p in positions if len(p)]
        self._length = sum(len(p) for p in self._groups)
        self.walked = 0  # how many items were read: the work done

    def __iter__(self) -> Iterator[T]:
        order = self._order
        for position in heapq.merge(*self._groups):
            yield order[position]

    def _slice(self, start: int, stop: int) -> list[T]:
        if stop <= start:
            return []
        groups = self._groups
        if len(groups) == 1:
            chosen: Sequence[int] = groups[0][start:stop]
        else:
            first = self._position_of(start)
            wanted = stop - start
            merged: list[int] = []
            for group in groups:
                at = bisect.bisect_left(group, first)
                merged.extend(group[at : at + wanted])
            merged.sort()
            chosen = merged[:wanted]
        self.walked += len(chosen)
        order = self._order
        return [order[p] for p in chosen]

    def _position_of(self, rank: int) -> int:
        """The position in `order` of the item `rank` of this list (0: the first), found
        by halving the positions: how many items come before a position is a count of
        each group's positions below it."""
        groups = self._groups
        low, high = 0, len(self._order) - 1
        while low < high:
            middle = (low + high) // 2
            if sum(bisect.bisect_right(group, middle) for group in groups) > rank:
                high = middle
            else:
                low = middle + 1
        return low


@dataclass(frozen=True, slots=True)
class ActionOrders:
    """Every regulatory action oldest first, whether each rests on a primary source, and
    how many there are of each kind, so that a page of all actions, newest or oldest first,
    costs a page and is counted without reading them."""

    oldest: tuple[str, ...]  # oldest first, undated ones last, ties by id
    dated: int  # how many of `oldest` carry a date: they come first
    by_id: tuple[str, ...]  # every action by id (the graph's own list)
    primary: bytes  # for each action of `by_id`: 1 when the best source it cites is primary
    kinds: tuple[tuple[object, int, int], ...]  # (kind, how many, how many rest on primary)
    # The first day of each dated action of `oldest` (as an ordinal, ascending), and the
    # most days any action's date spans (a year-precision date spans 364).
    earliest: array[int]
    widest: int

    @classmethod
    def build(
        cls,
        nodes: Mapping[str, Mapping[str, Any]],
        actions: Sequence[str],
        rests_on_primary: Callable[[str], bool],
    ) -> ActionOrders:
        """`actions` sorted by id; `rests_on_primary` says whether an action's best source
        is a primary one."""
        by_id = tuple(actions)
        oldest = tuple(sorted(by_id, key=lambda a: date_order(a, nodes[a])))
        primary = bytes(rests_on_primary(a) for a in by_id)
        kinds: dict[object, list[int]] = {}
        for action, flag in zip(by_id, primary, strict=True):
            counted = kinds.setdefault(nodes[action].get("action"), [0, 0])
            counted[0] += 1
            counted[1] += flag
        dates = [d for d in (action_date(nodes[a]) for a in oldest) if d is not None]
        return cls(
            oldest,
            len(dates),
            by_id,
            primary,
            tuple((k, n, p) for k, (n, p) in kinds.items()),
            array("i", (d.earliest.toordinal() for d in dates)),
            max(((d.latest - d.earliest).days for d in dates), default=0),
        )

    def newest(self) -> NewestFirst[str]:
        """Every action newest first, undated ones still last."""
        return NewestFirst(self.oldest, self.dated)

    def dated_between(self, since: date | None, until: date | None) -> Window[str]:
        """The dated actions, oldest first, that can overlap `since` to `until` (None: no
        bound): every action that does, and only the few of the days before `since` that
        may. A date filter reads these, not every action."""
        low, high = 0, self.dated
        if since is not None:
            low = bisect.bisect_left(self.earliest, since.toordinal() - self.widest, 0, high)
        if until is not None:
            high = bisect.bisect_right(self.earliest, until.toordinal(), low, high)
        return Window(self.oldest, low, high)

    def rests_on_primary(self, action: str) -> bool:
        """Whether the best source `action` (an action of the graph) cites is primary."""
        return bool(self.primary[bisect.bisect_left(self.by_id, action)])

    def count(self, kinds: Collection[object] = (), primary: bool | None = None) -> int:
        """How many actions are of one of `kinds` (empty: any) and rest on a primary source
        or not (None: either)."""
        return sum(
            n if primary is None else p if primary else n - p
            for kind, n, p in self.kinds
            if not kinds or kind in kinds
        )


class Window(Sequence[T]):
    """`items[start:stop]` without a copy.

    >>> Window("abcdef", 1, 5)[1:], len(Window("abcdef", 1, 5))
    (['c', 'd', 'e'], 4)
    """

    def __init__(self, items: Sequence[T], start: int, stop: int) -> None:
        self._items, self._start, self._stop = items, start, max(start, stop)

    def __len__(self) -> int:
        return self._stop - self._start

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        size = self._stop - self._start
        if isinstance(index, slice):
            start, stop, step = index.indices(size)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return list(self._items[self._start + start : self._start + max(start, stop)])
        position = index + size if index < 0 else index
        if not 0 <= position < size:
            raise IndexError(index)
        return self._items[self._start + position]


class NewestFirst(Sliced[T]):
    """The first `dated` items of `order` last first, then the others as they stand: a
    list kept oldest first read newest first, its undated items still last, without a copy.

    >>> NewestFirst("abcxy", 3)[:], NewestFirst("abcxy", 3)[2:4], NewestFirst("abcxy", 3)[-2]
    (['c', 'b', 'a', 'x', 'y'], ['a', 'x'], 'x')
    """

    def __init__(self, order: Sequence[T], dated: int) -> None:
        self._order = order
        self._dated = dated
        self._length = len(order)

    def _slice(self, start: int, stop: int) -> list[T]:
        order, dated = self._order, self._dated
        found: list[T] = []
        if start < min(stop, dated):
            found += reversed(order[dated - min(stop, dated) : dated - start])
        if stop > dated:
            found += order[max(start, dated) : stop]
        return found


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


class Backwards(Sliced[T]):
    """`items` last first, without copying them: a page of a long list read backwards
    costs a page.

    >>> names = Backwards(("a", "b", "c", "d"))
    >>> names[0], names[-1], names[1:3], list(names)
    ('d', 'a', ['c', 'b'], ['d', 'c', 'b', 'a'])
    """

    def __init__(self, items: Sequence[T]) -> None:
        self._items = items
        self._length = len(items)

    def _slice(self, start: int, stop: int) -> list[T]:
        if stop <= start:
            return []
        size = self._length
        return list(reversed(self._items[size - stop : size - start]))
