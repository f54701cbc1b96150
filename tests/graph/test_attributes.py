"""A node's fields as a compact mapping behave as the dict they replace."""

from __future__ import annotations

import pickle

import pytest

from graph.attributes import Attributes


def _node() -> Attributes:
    layout = {"id": 0, "kind": 1, "synonyms": 2}
    return Attributes(layout, ("substance:x", "substance", ("X", "Ecks")))


def test_reads_like_the_dict_of_its_fields() -> None:
    node = _node()
    as_dict = {"id": "substance:x", "kind": "substance", "synonyms": ("X", "Ecks")}
    assert node == as_dict
    assert dict(node) == as_dict
    assert list(node) == ["id", "kind", "synonyms"]
    assert list(node.items()) == list(as_dict.items())
    assert len(node) == 3
    assert node["kind"] == "substance"
    assert node.get("synonyms") == ("X", "Ecks")
    assert "id" in node
    assert "name" not in node


def test_a_missing_field_is_absent() -> None:
    node = _node()
    assert node.get("name") is None
    assert node.get("name", "none") == "none"
    with pytest.raises(KeyError, match="name"):
        node["name"]
    assert node != {"id": "substance:x", "kind": "substance"}


def test_nodes_share_their_layout() -> None:
    first, second = _node(), Attributes(_node().layout, ("substance:y", "substance", ()))
    assert first.layout == second.layout
    assert second["id"] == "substance:y"
    assert first != second


def test_pickles_to_an_equal_mapping() -> None:
    node = _node()
    copy = pickle.loads(pickle.dumps(node))
    assert type(copy) is Attributes
    assert copy == node
