"""What regkg covers, per substance and jurisdiction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.build import KnowledgeGraph
from graph.coverage import TopicCoverage, coverage, coverage_lines, topic_coverage
from graph.dates import PartialDate
from graph.load import load_graph
from tests.conftest import JURISDICTIONS, TINY

Make = Callable[[dict[str, str]], Path]

REVIEWED = JURISDICTIONS.replace(
    "- {id: jurisdiction:AU, name: Australia, code: AU, level: country}",
    """- id: jurisdiction:AU
      name: Australia
      code: AU
      level: country
      reviewed: 2026-11-30
      gaps: [State poisons standards, "Special access scheme numbers"]""",
)


def test_coverage_of_a_topic(tiny: KnowledgeGraph) -> None:
    assert topic_coverage(tiny, "substance:x") == TopicCoverage(
        "substance:x", None, (), 4, "action:x-crl"
    )
    assert topic_coverage(tiny, "jurisdiction:US").covered
    oregon = topic_coverage(tiny, "jurisdiction:US-OR")
    assert (oregon.actions, oregon.newest_action, oregon.covered) == (0, None, False)


def test_a_reviewed_topic_with_no_actions_is_covered(make_data: Make) -> None:
    assert REVIEWED != JURISDICTIONS
    kg = load_graph(make_data({**TINY, "jurisdictions.yaml": REVIEWED}))
    australia = topic_coverage(kg, "jurisdiction:AU")
    assert australia == TopicCoverage(
        "jurisdiction:AU",
        PartialDate(2026, 11, 30),
        ("State poisons standards", "Special access scheme numbers"),
        0,
        None,
    )
    assert australia.covered
    assert [c.topic for c in coverage(kg, "jurisdiction")] == [
        "jurisdiction:AU",
        "jurisdiction:EU",
        "jurisdiction:US-OR",
        "jurisdiction:US",
    ]
    assert coverage_lines(kg)[3:6] == [
        "  Australia (AU)                  2026-11-30        0  -",
        "      gap: State poisons standards",
        "      gap: Special access scheme numbers",
    ]
