"""What the graph's queries look up instead of scanning: orders, counts and summaries that
never change after loading, built once with the graph (and saved in its snapshot)."""

from __future__ import annotations

import bisect
from array import array
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import networkx as nx

from graph.dates import PartialDate
from graph.orders import ActionOrders, Sliced, TrialOrders, positions_by
from graph.records import action_date, date_order
from graph.vocab import PRIMARY_SOURCE_TYPES, SourceType, source_rank

# How many claims a block of `Indexes.claims_newest_blocks` holds.
STALE_BLOCK: Final = 512

# The relation by which an action points at each kind of topic a coverage is kept for.
ACTIONS_VIA: Final = {"substance": "concerns", "jurisdiction": "applies_in"}


@dataclass(frozen=True, slots=True)
class Indexes:
    trials: TrialOrders  # every order a list of trials is read in, and counts by phase
    actions: ActionOrders  # actions by date, and what rests on a primary source
    claim_statuses: tuple[tuple[object, int], ...]  # (status, how many claims)
    # (status, the positions among the claims by id of the claims of that status)
    claims_by_status: tuple[tuple[object, array[int]], ...]
    # (status, the positions among the conflicts by id of the conflicts of that status)
    conflicts_by_status: tuple[tuple[object, array[int]], ...]
    # For each substance and jurisdiction: how many actions concern it or apply in it, and
    # the newest dated one.
    topics: Mapping[str, tuple[int, str | None]]
    # For each claim, by id: the publication date of its newest dated source (None: none is
    # dated); and those dates' last days as ordinals, sorted, to count claims older than a day.
    claims_newest: tuple[PartialDate | None, ...]
    claims_newest_sorted: array[int]
    # The same last days (0: none is dated) by claim, sorted within each block of
    # `STALE_BLOCK` claims, so that finding where the stale claims of any day reach a given
    # count skips whole blocks with a count each.
    claims_newest_blocks: array[int]

    @classmethod
    def build(cls, graph: nx.MultiDiGraph, by_kind: Mapping[str, Sequence[str]]) -> Indexes:
        nodes = graph.nodes
        statuses = Counter(nodes[c].get("status") for c in by_kind.get("claim", ()))
        claims = sorted(by_kind.get("claim", ()))
        newest = tuple(newest_source(nodes, c) for c in claims)
        last_days = [d.latest.toordinal() if d else 0 for d in newest]
        blocks = array("i")
        for start in range(0, len(last_days), STALE_BLOCK):
            blocks.extend(sorted(last_days[start : start + STALE_BLOCK]))
        return cls(
            trials=TrialOrders.build(nodes, sorted(by_kind.get("trial", ()))),
            actions=ActionOrders.build(
                nodes, sorted(by_kind.get("action", ())), lambda a: rests_on_primary(nodes, a)
            ),
            claim_statuses=tuple(statuses.items()),
            claims_by_status=positions_by([nodes[c].get("status") for c in claims]),
            conflicts_by_status=positions_by(
                [nodes[c].get("status") for c in sorted(by_kind.get("conflict", ()))]
            ),
            topics={
                topic: _actions_on(graph, topic, relation)
                for kind, relation in ACTIONS_VIA.items()
                for topic in by_kind.get(kind, ())
            },
            claims_newest=newest,
            claims_newest_sorted=array("i", sorted(d.latest.toordinal() for d in newest if d)),
            claims_newest_blocks=blocks,
        )

    def claims_of_status(self, status: object) -> int:
        return sum(n for found, n in self.claim_statuses if found == status)

    def claims_of(self, status: object) -> array[int]:
        """The positions among the claims by id of those of `status`."""
        return next((found for kept, found in self.claims_by_status if kept == status), array("I"))

    def stale_claims(self, claims: Sequence[str], day: date) -> StaleClaims:
        """`claims` (every claim, by id) with no source published on or after `day`."""
        return StaleClaims(claims, self, day)

    def conflicts_of(self, status: object) -> array[int]:
        """The positions among the conflicts by id of those of `status`."""
        kept = self.conflicts_by_status
        return next((found for value, found in kept if value == status), array("I"))

    def claims_older_than(self, day: date) -> int:
        """How many claims have no source published on or after `day` (or no dated one)."""
        undated = len(self.claims_newest) - len(self.claims_newest_sorted)
        return undated + bisect.bisect_left(self.claims_newest_sorted, day.toordinal())


class StaleClaims(Sliced[tuple[str, PartialDate | None]]):
    """The claims (by id) with no source published on or after a day, each with its newest
    source's date, counted without reading them, and read from the block the page starts
    in: a page anywhere in the list reads a page and one block, however deep it is."""

    def __init__(self, claims: Sequence[str], indexes: Indexes, day: date) -> None:
        self._claims = claims
        self._newest = indexes.claims_newest
        self._blocks = indexes.claims_newest_blocks
        self._day = day.toordinal()
        self._length = indexes.claims_older_than(day)
        self.walked = 0  # how many claims were read one by one: the work done

    def __iter__(self) -> Iterator[tuple[str, PartialDate | None]]:
        return iter(self._slice(0, self._length))

    def _slice(self, start: int, stop: int) -> list[tuple[str, PartialDate | None]]:
        if stop <= start:
            return []
        # Skip the blocks that end before the stale claim number `start`.
        rank, position, size = 0, 0, len(self._claims)
        while position < size:
            end = min(position + STALE_BLOCK, size)
            here = bisect.bisect_left(self._blocks, self._day, position, end) - position
            if rank + here > start:
                break
            rank, position = rank + here, end
        found: list[tuple[str, PartialDate | None]] = []
        newest, day, read = self._newest, self._day, position
        while position < size and rank < stop:
            when = newest[position]
            if when is None or when.latest.toordinal() < day:
                if rank >= start:
                    found.append((self._claims[position], when))
                rank += 1
            position += 1
        self.walked += position - read
        return found


def newest_source(nodes: Mapping[str, Mapping[str, Any]], node_id: str) -> PartialDate | None:
    """The publication date of the newest dated source `node_id` cites; among sources of
    the same last day, that of the source closest to the fact."""
    citations = sorted(
        nodes[node_id].get("citations", ()),
        key=lambda c: source_rank(str(nodes[c.source]["type"])),
    )
    dates = [nodes[c.source].get("published") for c in citations]
    dated = [d for d in dates if isinstance(d, PartialDate)]
    return max(dated, key=lambda d: d.latest) if dated else None


def rests_on_primary(nodes: Mapping[str, Mapping[str, Any]], node_id: str) -> bool:
    """Whether the best source `node_id` cites (the closest to the fact, the first written
    among equals) is a primary one: `graph.provenance.evidence`, for every action at once."""
    citations = nodes[node_id].get("citations", ())
    if not citations:
        return False
    best = min(citations, key=lambda c: source_rank(str(nodes[c.source]["type"])))
    return SourceType(str(nodes[best.source]["type"])) in PRIMARY_SOURCE_TYPES


def _actions_on(graph: nx.MultiDiGraph, topic: str, relation: str) -> tuple[int, str | None]:
    nodes = graph.nodes
    found = [a for a, _, key in graph.in_edges(topic, keys=True) if key == relation]
    dated = [a for a in found if action_date(nodes[a]) is not None]
    newest = max(dated, key=lambda a: date_order(a, nodes[a])) if dated else None
    return len(found), newest
