"""What the graph's queries look up instead of scanning: orders, counts and summaries that
never change after loading, built once with the graph (and saved in its snapshot)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import networkx as nx

from graph.orders import TrialOrders
from graph.records import action_date, date_order

# The relation by which an action points at each kind of topic a coverage is kept for.
ACTIONS_VIA: Final = {"substance": "concerns", "jurisdiction": "applies_in"}


@dataclass(frozen=True, slots=True)
class Indexes:
    trials: TrialOrders  # every order a list of trials is read in, and counts by phase
    claim_statuses: tuple[tuple[object, int], ...]  # (status, how many claims)
    # For each substance and jurisdiction: how many actions concern it or apply in it, and
    # the newest dated one.
    topics: Mapping[str, tuple[int, str | None]]

    @classmethod
    def build(cls, graph: nx.MultiDiGraph, by_kind: Mapping[str, Sequence[str]]) -> Indexes:
        nodes = graph.nodes
        statuses = Counter(nodes[c].get("status") for c in by_kind.get("claim", ()))
        return cls(
            trials=TrialOrders.build(nodes, sorted(by_kind.get("trial", ()))),
            claim_statuses=tuple(statuses.items()),
            topics={
                topic: _actions_on(graph, topic, relation)
                for kind, relation in ACTIONS_VIA.items()
                for topic in by_kind.get(kind, ())
            },
        )

    def claims_of_status(self, status: object) -> int:
        return sum(n for found, n in self.claim_statuses if found == status)


def _actions_on(graph: nx.MultiDiGraph, topic: str, relation: str) -> tuple[int, str | None]:
    nodes = graph.nodes
    found = [a for a, _, key in graph.in_edges(topic, keys=True) if key == relation]
    dated = [a for a in found if action_date(nodes[a]) is not None]
    newest = max(dated, key=lambda a: date_order(a, nodes[a])) if dated else None
    return len(found), newest
