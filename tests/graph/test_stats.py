"""Counts that describe a loaded graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.build import KnowledgeGraph
from graph.load import load_graph
from graph.stats import GraphStats, graph_stats
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
