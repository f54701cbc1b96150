"""How two entities are connected: shortest paths and neighbourhoods."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.build import KnowledgeGraph
from graph.errors import NodeNotFound, NoPath, RegkgError
from graph.load import load_graph
from graph.paths import Step, neighbourhood, shortest_paths
from tests.conftest import TINY

ISOLATED = """
    - id: source:orphan
      url: https://orphan.example/
      title: Cited by nobody
      publisher: Nobody
      type: press
    - id: target:serotonin
      name: Serotonin
      type: neurotransmitter
      sources: [{source: source:agency-page, derived: test}]
    """


@pytest.fixture
def kg(make_data: Callable[[dict[str, str]], Path]) -> KnowledgeGraph:
    return load_graph(make_data({**TINY, "more.yaml": ISOLATED}))


def test_shortest_paths_with_steps_and_directions(tiny: KnowledgeGraph) -> None:
    assert shortest_paths(tiny, "substance:x", "organisation:agency") == [
        [
            Step("substance:x", f"action:x-{name}", "concerns", False),
            Step(f"action:x-{name}", "organisation:agency", "by_agency", True),
        ]
        for name in ("btd", "crl", "priority", "submitted")
    ]


def test_shortest_paths_limit_and_order(tiny: KnowledgeGraph) -> None:
    paths = shortest_paths(tiny, "substance:x", "condition:broad", limit=10)
    assert [[s.target for s in path] for path in paths] == [
        ["action:x-btd", "condition:narrow", "condition:broad"],
        ["action:x-crl", "condition:narrow", "condition:broad"],
        ["action:x-priority", "condition:narrow", "condition:broad"],
        ["action:x-submitted", "condition:narrow", "condition:broad"],
        ["trial:NCT00000001", "condition:narrow", "condition:broad"],
    ]
    assert paths[-1] == [
        Step("substance:x", "trial:NCT00000001", "tests", False),
        Step("trial:NCT00000001", "condition:narrow", "studies", True),
        Step("condition:narrow", "condition:broad", "narrower_than", True),
    ]
    assert len(shortest_paths(tiny, "substance:x", "condition:broad", limit=2)) == 2


def test_path_to_itself_is_empty(tiny: KnowledgeGraph) -> None:
    assert shortest_paths(tiny, "substance:x", "substance:x") == [[]]


def test_direct_edge_walked_backwards(tiny: KnowledgeGraph) -> None:
    assert shortest_paths(tiny, "condition:broad", "condition:narrow") == [
        [Step("condition:broad", "condition:narrow", "narrower_than", False)]
    ]


def test_citations_ignored_by_default(tiny: KnowledgeGraph) -> None:
    with pytest.raises(
        NoPath, match=r"^no path of at most 6 steps joins claim:significant and source:agency-page$"
    ):
        shortest_paths(tiny, "claim:significant", "source:agency-page")
    # Through the trial rather than through the source both claims cite.
    assert shortest_paths(tiny, "claim:significant", "organisation:sponsor") == [
        [
            Step("claim:significant", "trial:NCT00000001", "about", True),
            Step("trial:NCT00000001", "organisation:sponsor", "sponsored_by", True),
        ]
    ]


def test_with_citations(tiny: KnowledgeGraph) -> None:
    assert shortest_paths(
        tiny, "claim:significant", "organisation:sponsor", with_citations=True
    ) == [
        [
            Step("claim:significant", "source:sponsor-release", "cites", True),
            Step("source:sponsor-release", "organisation:sponsor", "cites", False),
        ],
        [
            Step("claim:significant", "trial:NCT00000001", "about", True),
            Step("trial:NCT00000001", "organisation:sponsor", "sponsored_by", True),
        ],
    ]
    paths = shortest_paths(tiny, "claim:significant", "source:agency-page", with_citations=True)
    assert [[s.target for s in p] for p in paths] == [
        ["conflict:result", "claim:not-significant", "source:agency-page"],
        ["trial:NCT00000001", "claim:not-significant", "source:agency-page"],
        ["trial:NCT00000001", "condition:narrow", "source:agency-page"],
    ]


def test_no_path_for_disconnected_nodes(kg: KnowledgeGraph) -> None:
    with pytest.raises(
        NoPath, match=r"^no path of at most 6 steps joins substance:x and source:orphan$"
    ):
        shortest_paths(kg, "substance:x", "source:orphan")
    with pytest.raises(
        NoPath, match=r"^no path of at most 6 steps joins substance:x and source:orphan$"
    ):
        shortest_paths(kg, "substance:x", "source:orphan", with_citations=True)
    with pytest.raises(NoPath) as info:
        shortest_paths(kg, "target:serotonin", "substance:x")
    assert isinstance(info.value, RegkgError)


def test_node_connected_only_by_citations(kg: KnowledgeGraph) -> None:
    assert shortest_paths(kg, "target:serotonin", "condition:broad", with_citations=True) == [
        [
            Step("target:serotonin", "source:agency-page", "cites", True),
            Step("source:agency-page", "condition:broad", "cites", False),
        ]
    ]


def test_unknown_node(tiny: KnowledgeGraph) -> None:
    with pytest.raises(NodeNotFound, match="'substance:nope'"):
        shortest_paths(tiny, "substance:x", "substance:nope")
    with pytest.raises(NodeNotFound, match="'substance:nope'"):
        neighbourhood(tiny, "substance:nope")


def test_neighbourhood_depth_1(tiny: KnowledgeGraph) -> None:
    nodes, edges = neighbourhood(tiny, "condition:narrow")
    assert nodes == [
        "condition:narrow",
        "action:x-btd",
        "action:x-crl",
        "action:x-priority",
        "action:x-submitted",
        "condition:broad",
        "trial:NCT00000001",
    ]
    assert edges == [
        ("action:x-btd", "condition:narrow", "for_condition"),
        ("action:x-crl", "condition:narrow", "for_condition"),
        ("action:x-priority", "condition:narrow", "for_condition"),
        ("action:x-submitted", "condition:narrow", "for_condition"),
        ("condition:narrow", "condition:broad", "narrower_than"),
        ("trial:NCT00000001", "condition:narrow", "studies"),
    ]


def test_neighbourhood_depth_2(tiny: KnowledgeGraph) -> None:
    nodes, edges = neighbourhood(tiny, "condition:narrow", depth=2)
    assert nodes[7:] == [
        "claim:not-significant",
        "claim:significant",
        "jurisdiction:US",
        "organisation:agency",
        "organisation:sponsor",
        "substance:x",
    ]
    assert len(nodes) == 13
    assert "source:agency-page" not in nodes
    assert len(edges) == 24
    assert ("trial:NCT00000001", "organisation:sponsor", "sponsored_by") in edges
    assert all(relation != "cites" for _, _, relation in edges)


def test_neighbourhood_with_citations_and_max_nodes(tiny: KnowledgeGraph) -> None:
    nodes, edges = neighbourhood(tiny, "claim:significant", with_citations=True)
    assert nodes == [
        "claim:significant",
        "conflict:result",
        "source:sponsor-release",
        "trial:NCT00000001",
    ]
    assert edges == [
        ("claim:significant", "source:sponsor-release", "cites"),
        ("claim:significant", "trial:NCT00000001", "about"),
        ("conflict:result", "claim:significant", "between"),
        ("trial:NCT00000001", "source:sponsor-release", "cites"),
    ]
    nodes, edges = neighbourhood(tiny, "condition:narrow", max_nodes=3)
    assert nodes == ["condition:narrow", "action:x-btd", "action:x-crl"]
    assert edges == [
        ("action:x-btd", "condition:narrow", "for_condition"),
        ("action:x-crl", "condition:narrow", "for_condition"),
    ]


def test_neighbourhood_depth_0_and_isolated(kg: KnowledgeGraph) -> None:
    assert neighbourhood(kg, "substance:x", depth=0) == (["substance:x"], [])
    assert neighbourhood(kg, "source:orphan", depth=3, with_citations=True) == (
        ["source:orphan"],
        [],
    )


def test_paths_longer_than_the_bound_are_not_searched_for(
    make_data: Callable[[dict[str, str]], Path],
) -> None:
    chain = "".join(
        f"""
        - id: condition:c{i}
          name: Condition {i}
          {f"broader: [condition:c{i - 1}]" if i else ""}
          sources: [{{source: source:agency-page, derived: test}}]
        """
        for i in range(9)
    )
    kg = load_graph(make_data({"sources.yaml": TINY["sources.yaml"], "chain.yaml": chain}))
    assert len(shortest_paths(kg, "condition:c0", "condition:c6")[0]) == 6
    with pytest.raises(NoPath, match=r"^no path of at most 6 steps joins condition:c0 and "):
        shortest_paths(kg, "condition:c0", "condition:c7")


def test_a_pair_joined_by_a_citation_and_another_relation_is_joined_by_that_one(
    make_data: Callable[[dict[str, str]], Path], tiny: KnowledgeGraph
) -> None:
    # The trial cites the sponsor's release and also links to it as its results paper.
    sponsor = "          sponsor: organisation:sponsor\n"
    linked = f"{sponsor}          publications: [source:sponsor-release]\n"
    trials = TINY["trials.yaml"].replace(sponsor, linked)
    assert trials != TINY["trials.yaml"]
    kg = load_graph(make_data({**TINY, "trials.yaml": trials}))
    trial, release = "trial:NCT00000001", "source:sponsor-release"
    nodes, edges = neighbourhood(kg, trial)
    assert release in nodes
    assert [e for e in edges if e[:2] == (trial, release)] == [(trial, release, "results_in")]
    nodes, edges = neighbourhood(kg, trial, with_citations=True)
    assert [e for e in edges if e[:2] == (trial, release)] == [
        (trial, release, "cites"),
        (trial, release, "results_in"),
    ]
    assert shortest_paths(kg, trial, release) == [[Step(trial, release, "results_in", True)]]
    # Without the link, only a citation joins them.
    assert release not in neighbourhood(tiny, trial)[0]
    assert release in neighbourhood(tiny, trial, with_citations=True)[0]
