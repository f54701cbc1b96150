"""Looking nodes up by id or name, and walking to their neighbours."""

from __future__ import annotations

import pytest

from graph.build import KnowledgeGraph
from graph.errors import NodeNotFound, NoMatch, RegkgError, WrongKind
from graph.lookup import (
    Direction,
    Neighbour,
    attributes,
    neighbours,
    node,
    related,
    require_kind,
    resolve,
)


def test_node(tiny: KnowledgeGraph) -> None:
    attrs = node(tiny, "condition:narrow")
    assert (attrs["kind"], attrs["label"], attrs["abbreviations"]) == (
        "condition",
        "Post-traumatic stress disorder",
        ("PTSD",),
    )


def test_attributes_by_id_are_the_nodes_themselves(tiny: KnowledgeGraph) -> None:
    found = attributes(tiny)
    assert found["condition:narrow"] is tiny.node("condition:narrow")
    assert sorted(found) == sorted(i for ids in tiny.by_kind.values() for i in ids)
    assert "substance:nope" not in found


def test_node_not_found(tiny: KnowledgeGraph) -> None:
    with pytest.raises(NodeNotFound, match=r"^no entity with id 'substance:nope'$") as info:
        node(tiny, "substance:nope")
    assert info.value.node_id == "substance:nope"
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, RegkgError)


def test_require_kind(tiny: KnowledgeGraph) -> None:
    assert require_kind(tiny, "trial:NCT00000001", "trial")["registry_id"] == "NCT00000001"


def test_require_kind_wrong_kind(tiny: KnowledgeGraph) -> None:
    with pytest.raises(WrongKind, match=r"^'condition:narrow' is not a substance$") as info:
        require_kind(tiny, "condition:narrow", "substance")
    assert (info.value.node_id, info.value.expected) == ("condition:narrow", "substance")
    assert isinstance(info.value, ValueError)


def test_require_kind_missing_node(tiny: KnowledgeGraph) -> None:
    with pytest.raises(NodeNotFound, match="substance:nope"):
        require_kind(tiny, "substance:nope", "substance")


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("substance", "substance:x", "substance:x"),
        ("substance", "Drugxamine", "substance:x"),
        ("substance", "street x", "substance:x"),
        ("substance", "XY-100", "substance:x"),
        ("condition", "PTSD", "condition:narrow"),
        ("condition", "mood", "condition:broad"),
        ("organisation", "Old Sponsor", "organisation:sponsor"),
        ("trial", "drugxamine", "trial:NCT00000001"),
    ],
    ids=["by-id", "by-name", "by-synonym", "by-code-name", "by-abbreviation",
         "by-prefix", "by-former-name", "kind-decides-between-namesakes"],
)  # fmt: skip
def test_resolve(tiny: KnowledgeGraph, kind: str, text: str, expected: str) -> None:
    assert resolve(tiny, kind, text) == expected


def test_resolve_id_of_wrong_kind(tiny: KnowledgeGraph) -> None:
    with pytest.raises(WrongKind, match=r"^'substance:x' is not a condition$"):
        resolve(tiny, "condition", "substance:x")


@pytest.mark.parametrize(
    ("kind", "text"),
    [("condition", "drugxamine"), ("substance", "zzyzx"), ("target", "serotonin")],
    ids=["name-of-another-kind", "nothing-close", "kind-with-no-records"],
)
def test_resolve_not_found(tiny: KnowledgeGraph, kind: str, text: str) -> None:
    with pytest.raises(NoMatch, match=f"^no {kind} matches '{text}'$"):
        resolve(tiny, kind, text)


def test_resolve_unknown_id_of_the_kind(tiny: KnowledgeGraph) -> None:
    with pytest.raises(NodeNotFound, match=r"^no entity with id 'substance:nope'$"):
        resolve(tiny, "substance", "substance:nope")


def test_neighbours_both_directions(tiny: KnowledgeGraph) -> None:
    assert neighbours(tiny, "substance:x") == [
        Neighbour("source:sponsor-release", "cites", Direction.OUT),
        Neighbour("action:x-btd", "concerns", Direction.IN),
        Neighbour("action:x-crl", "concerns", Direction.IN),
        Neighbour("action:x-priority", "concerns", Direction.IN),
        Neighbour("action:x-submitted", "concerns", Direction.IN),
        Neighbour("trial:NCT00000001", "tests", Direction.IN),
    ]


def test_neighbours_by_relation_and_direction(tiny: KnowledgeGraph) -> None:
    assert neighbours(tiny, "condition:narrow", relation="narrower_than") == [
        Neighbour("condition:broad", "narrower_than", Direction.OUT)
    ]
    assert neighbours(tiny, "condition:broad", relation="narrower_than") == [
        Neighbour("condition:narrow", "narrower_than", Direction.IN)
    ]
    assert (
        neighbours(tiny, "condition:narrow", relation="narrower_than", direction=Direction.IN) == []
    )
    assert neighbours(tiny, "trial:NCT00000001", direction=Direction.OUT) == [
        Neighbour("source:sponsor-release", "cites", Direction.OUT),
        Neighbour("organisation:sponsor", "sponsored_by", Direction.OUT),
        Neighbour("condition:narrow", "studies", Direction.OUT),
        Neighbour("substance:x", "tests", Direction.OUT),
    ]
    assert neighbours(tiny, "trial:NCT00000001", direction=Direction.IN) == [
        Neighbour("claim:not-significant", "about", Direction.IN),
        Neighbour("claim:significant", "about", Direction.IN),
    ]


def test_neighbours_of_a_source_are_its_citers(tiny: KnowledgeGraph) -> None:
    assert [n.id for n in neighbours(tiny, "source:sponsor-release", relation="cites")] == [
        "action:x-btd",
        "action:x-priority",
        "action:x-submitted",
        "claim:significant",
        "organisation:sponsor",
        "substance:x",
        "trial:NCT00000001",
    ]


def test_neighbours_unknown_relation_or_node(tiny: KnowledgeGraph) -> None:
    assert neighbours(tiny, "substance:x", relation="no_such_relation") == []
    with pytest.raises(NodeNotFound):
        neighbours(tiny, "substance:nope")


def test_related(tiny: KnowledgeGraph) -> None:
    assert related(tiny, "organisation:agency", "by_agency", Direction.IN) == [
        "action:x-btd",
        "action:x-crl",
        "action:x-priority",
        "action:x-submitted",
    ]
    assert related(tiny, "conflict:result", "between", Direction.OUT) == [
        "claim:not-significant",
        "claim:significant",
    ]
    assert related(tiny, "conflict:result", "between", Direction.IN) == []


def test_resolve_never_takes_a_near_spelling_silently(tiny: KnowledgeGraph) -> None:
    with pytest.raises(NoMatch, match=r"^no substance matches 'drugzamine'; closest: Drugxamine$"):
        resolve(tiny, "substance", "drugzamine")


def test_trial_by_registry_id_is_exact_and_case_insensitive(tiny: KnowledgeGraph) -> None:
    from graph.lookup import trial_by_registry_id

    assert trial_by_registry_id(tiny, "nct00000001") == "trial:NCT00000001"
    assert trial_by_registry_id(tiny, "NCT0000000") is None  # a prefix is not the record
