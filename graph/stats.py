"""Counts that describe a loaded graph."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graph.build import KnowledgeGraph
from graph.model import KINDS
from graph.quotes import QuoteCheck, Tally
from graph.records import Record
from graph.sourcing import weakly_sourced


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


@dataclass(frozen=True)
class EvidenceStats:
    """How the records stand against the quote rule, and how many key facts rest only on
    reports of them."""

    by_kind: dict[str, Tally]
    weakly_sourced: int

    def lines(self) -> list[str]:
        out = [
            "checkable values (dates, numbers, ids, names) and citations by kind:",
            f"  {'kind':<14}{'values':>8}{'quoted':>8}{'derived':>8}{'cited':>8}{'derived':>8}",
        ]
        total = Tally()
        for kind, tally in self.by_kind.items():
            out.append(f"  {kind:<14}{_tally_columns(tally)}")
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(tally, name))
        out.append(f"  {'total':<14}{_tally_columns(total)}")
        if total.values:
            out.append(
                f"quoted {total.quoted / total.values:.1%} and derived "
                f"{total.derived / total.values:.1%} of {total.values} checkable values"
            )
        out.append(
            f"key facts resting only on press, reference works or copies: {self.weakly_sourced}"
        )
        return out


def _tally_columns(tally: Tally) -> str:
    return (
        f"{tally.values:>8}{tally.quoted:>8}{tally.derived:>8}"
        f"{tally.citations:>8}{tally.derived_citations:>8}"
    )


def evidence_stats(records: list[Record]) -> EvidenceStats:
    check = QuoteCheck({r.id: r for r in records})
    tallies: dict[str, Tally] = {}
    for record in records:
        if KINDS[record.kind].needs_sources:
            check.tally(record, tallies)
    return EvidenceStats(dict(sorted(tallies.items())), len(weakly_sourced(records)))
