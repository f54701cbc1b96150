"""What the graph's queries look up instead of scanning: orders, counts and summaries that
never change after loading, built once with the graph (and saved in its snapshot)."""

from __future__ import annotations

import bisect
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import networkx as nx

from graph.dates import PartialDate
from graph.orders import ActionOrders, TrialOrders, positions_by
from graph.records import action_date, date_order
from graph.vocab import PRIMARY_SOURCE_TYPES, SourceType, source_rank

# The relation by which an action points at each kind of topic a coverage is kept for.
ACTIONS_VIA: Final = {"substance": "concerns", "jurisdiction": "applies_in"}


@dataclass(frozen=True, slots=True)
class Indexes:
    trials: TrialOrders  # every order a list of trials is read in, and counts by phase
    actions: ActionOrders  # actions by date, and what rests on a primary source
    claim_statuses: tuple[tuple[object, int], ...]  # (status, how many claims)
    # (status, the positions among the claims by id of the claims of that status)
    claims_by_status: tuple[tuple[object, array[int]], ...]
    # For each substance and jurisdiction: how many actions concern it or apply in it, and
    # the newest dated one.
    topics: Mapping[str, tuple[int, str | None]]
    # For each claim, by id: the publication date of its newest dated source (None: none is
    # dated); and those dates' last days as ordinals, sorted, to count claims older than a day.
    claims_newest: tuple[PartialDate | None, ...]
    claims_newest_sorted: array[int]

    @classmethod
    def build(cls, graph: nx.MultiDiGraph, by_kind: Mapping[str, Sequence[str]]) -> Indexes:
        nodes = graph.nodes
        statuses = Counter(nodes[c].get("status") for c in by_kind.get("claim", ()))
        claims = sorted(by_kind.get("claim", ()))
        newest = tuple(newest_source(nodes, c) for c in claims)
        return cls(
            trials=TrialOrders.build(nodes, sorted(by_kind.get("trial", ()))),
            actions=ActionOrders.build(
                nodes, sorted(by_kind.get("action", ())), lambda a: rests_on_primary(nodes, a)
            ),
            claim_statuses=tuple(statuses.items()),
            claims_by_status=positions_by([nodes[c].get("status") for c in claims]),
            topics={
                topic: _actions_on(graph, topic, relation)
                for kind, relation in ACTIONS_VIA.items()
                for topic in by_kind.get(kind, ())
            },
            claims_newest=newest,
            claims_newest_sorted=array("i", sorted(d.latest.toordinal() for d in newest if d)),
        )

    def claims_of_status(self, status: object) -> int:
        return sum(n for found, n in self.claim_statuses if found == status)

    def claims_of(self, status: object) -> array[int]:
        """The positions among the claims by id of those of `status`."""
        return next((found for kept, found in self.claims_by_status if kept == status), array("I"))

    def claims_older_than(self, day: date) -> int:
        """How many claims have no source published on or after `day` (or no dated one)."""
        undated = len(self.claims_newest) - len(self.claims_newest_sorted)
        return undated + bisect.bisect_left(self.claims_newest_sorted, day.toordinal())


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
