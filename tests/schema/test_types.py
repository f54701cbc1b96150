"""The GraphQL types of nodes: each knows its own kind of node."""

from __future__ import annotations

from graph.build import KnowledgeGraph
from schema.types import RegulatoryAction, Substance, Trial


def test_a_type_is_the_type_of_its_kind_of_node_only(tiny: KnowledgeGraph) -> None:
    substance, trial = tiny.node("substance:x"), tiny.node("trial:NCT00000001")
    assert Substance.is_type_of(substance, None)
    assert not Substance.is_type_of(trial, None)
    assert Trial.is_type_of(trial, None)
    assert RegulatoryAction.is_type_of(tiny.node("action:x-crl"), None)


def test_a_plain_mapping_of_the_kind_is_taken_and_anything_else_not() -> None:
    assert Substance.is_type_of({"kind": "substance", "id": "substance:y"}, None)
    assert not Substance.is_type_of({"kind": "trial"}, None)
    assert not Substance.is_type_of({}, None)
    assert not Substance.is_type_of("substance:x", None)
