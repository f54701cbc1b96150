"""Counts that describe a loaded graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.build import KnowledgeGraph
from graph.load import load_graph, load_records
from graph.quotes import Tally
from graph.stats import EvidenceStats, GraphStats, evidence_stats, graph_stats
from tests.conftest import TINY

TINY_LINES = [
    "nodes by kind:",
    "  action               4",
    "  claim                2",
    "  condition            2",
    "  conflict             1",
    "  effect               0",
    "  event                0",
    "  jurisdiction         4",
    "  organisation         2",
    "  source               2",
    "  substance            1",
    "  target               0",
    "  trial                1",
    "  total               19",
    "edges by relation:",
    "  about                        2",
    "  applicant                    1",
    "  applies_in                   4",
    "  based_in                     1",
    "  between                      2",
    "  by_agency                    4",
    "  cites                       12",
    "  concerns                     4",
    "  for_condition                4",
    "  narrower_than                1",
    "  part_of                      1",
    "  sponsored_by                 1",
    "  studies                      1",
    "  tests                        1",
    "records by number of distinct sources cited:",
    "    1 source       12",
]

TINY_EVIDENCE_LINES = [
    "checkable values (dates, numbers, ids, names) and citations by kind:",
    "  kind            values  quoted derived   cited derived",
    "  action              22      22       0       4       0",
    "  claim                2       0       2       2       2",
    "  condition            1       1       0       2       0",
    "  organisation         3       3       0       2       0",
    "  substance            0       0       0       1       0",
    "  trial                7       7       0       1       0",
    "  total               35      33       2      12       2",
    "quoted 94.3% and derived 5.7% of 35 checkable values",
    "key facts resting only on press, reference works or copies: 0",
]


def test_graph_stats(tiny: KnowledgeGraph) -> None:
    assert graph_stats(tiny) == GraphStats(
        nodes_by_kind={
            "action": 4,
            "claim": 2,
            "condition": 2,
            "conflict": 1,
            "effect": 0,
            "event": 0,
            "jurisdiction": 4,
            "organisation": 2,
            "source": 2,
            "substance": 1,
            "target": 0,
            "trial": 1,
        },
        edges_by_relation={
            "about": 2,
            "applicant": 1,
            "applies_in": 4,
            "based_in": 1,
            "between": 2,
            "by_agency": 4,
            "cites": 12,
            "concerns": 4,
            "for_condition": 4,
            "narrower_than": 1,
            "part_of": 1,
            "sponsored_by": 1,
            "studies": 1,
            "tests": 1,
        },
        sources_per_record={1: 12},
    )


def test_lines(tiny: KnowledgeGraph) -> None:
    assert graph_stats(tiny).lines() == TINY_LINES


def test_sources_per_record_counts_distinct_sources(
    make_data: Callable[[dict[str, str]], Path],
) -> None:
    entities = TINY["entities.yaml"].replace(
        'sources: [{source: source:sponsor-release, quote: "XY-100 (drugxamine)"}]',
        "sources: [{source: source:sponsor-release, supports: [name]},"
        " {source: source:agency-page, supports: [synonyms]},"
        " {source: source:sponsor-release, supports: [code_names]}]",
    )
    stats = graph_stats(load_graph(make_data({**TINY, "entities.yaml": entities})))
    assert stats.sources_per_record == {1: 11, 2: 1}
    assert stats.edges_by_relation["cites"] == 13
    assert stats.lines()[-2:] == ["    1 source       11", "    2 sources       1"]


def test_evidence_stats(tiny_dir: Path) -> None:
    records, _ = load_records(tiny_dir)
    stats = evidence_stats(records)
    assert stats.by_kind["claim"] == Tally(2, 0, 2, 2, 2)
    assert stats.weakly_sourced == 0
    assert stats.lines() == TINY_EVIDENCE_LINES


def test_evidence_stats_count_weakly_sourced_key_facts(
    make_data: Callable[[dict[str, str]], Path],
) -> None:
    sources = TINY["sources.yaml"].replace("type: regulator", "type: press")
    records, _ = load_records(make_data({**TINY, "sources.yaml": sources}))
    stats = evidence_stats(records)
    assert stats == EvidenceStats(stats.by_kind, weakly_sourced=1)
    assert stats.lines()[-1] == "key facts resting only on press, reference works or copies: 1"
