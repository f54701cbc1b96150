"""Counts that describe a loaded graph."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graph.build import KnowledgeGraph
from graph.model import KINDS


@dataclass(frozen=True)
class GraphStats:
    nodes_by_kind: dict[str, int]
    edges_by_relation: dict[str, int]
    # number of distinct sources cited -> how many records cite that many
    sources_per_record: dict[int, int]

    def lines(self) -> list[str]:
        out = ["nodes by kind:"]
        out += [f"  {k:<14}{n:>8}" for k, n in self.nodes_by_kind.items()]
        out.append(f"  {'total':<14}{sum(self.nodes_by_kind.values()):>8}")
        out.append("edges by relation:")
        out += [f"  {r:<22}{n:>8}" for r, n in self.edges_by_relation.items()]
        out.append("records by number of distinct sources cited:")
        out += [
            f"  {k:>3} source{'s' if k != 1 else ' '}{n:>8}"
            for k, n in self.sources_per_record.items()
        ]
        return out


def graph_stats(kg: KnowledgeGraph) -> GraphStats:
    relations = Counter(k for _, _, k in kg.graph.edges(keys=True))
    per_record = Counter(
        len({c.source for c in attrs["citations"]})
        for _, attrs in kg.graph.nodes(data=True)
        if KINDS[attrs["kind"]].needs_sources
    )
    return GraphStats(
        nodes_by_kind={k: len(v) for k, v in sorted(kg.by_kind.items())},
        edges_by_relation=dict(sorted(relations.items())),
        sources_per_record=dict(sorted(per_record.items())),
    )
