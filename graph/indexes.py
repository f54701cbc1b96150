"""What the graph's queries look up instead of scanning: orders, counts and summaries that
never change after loading, built once with the graph (and saved in its snapshot)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.orders import TrialOrders


@dataclass(frozen=True, slots=True)
class Indexes:
    trials: TrialOrders  # every order a list of trials is read in, and counts by phase

    @classmethod
    def build(cls, graph: nx.MultiDiGraph, by_kind: Mapping[str, Sequence[str]]) -> Indexes:
        nodes = graph.nodes
        return cls(trials=TrialOrders.build(nodes, sorted(by_kind.get("trial", ()))))
