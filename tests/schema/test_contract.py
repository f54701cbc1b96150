"""The contract with clients: deprecations with a reason and a date, enums for fixed sets
of values, and connections that page both ways."""

from __future__ import annotations

import re

from graph.build import KnowledgeGraph
from schema.app import build_schema
from schema.context import Context

DEPRECATION = re.compile(
    r"Deprecated (\d{4}-\d{2}-\d{2}); removed no sooner than (\d{4}-\d{2}-\d{2})"
)


def test_every_deprecation_gives_a_reason_and_its_dates() -> None:
    schema = build_schema()._schema
    reasons = [
        field.deprecation_reason
        for type_ in schema.type_map.values()
        if not type_.name.startswith("__")
        for field in getattr(type_, "fields", {}).values()
        if field.deprecation_reason
    ]
    assert reasons  # the old spelling of `neighbourhood` is one
    for reason in reasons:
        found = DEPRECATION.search(reason)
        assert found, reason
        deprecated, removable = found.groups()
        assert removable >= deprecated


def test_the_old_spelling_of_neighbourhood_still_answers(tiny: KnowledgeGraph) -> None:
    query = """{ a: neighbourhood(id: "substance:x") { nodes { regkgId } }
                 b: neighborhood(id: "substance:x") { nodes { regkgId } } }"""
    result = build_schema().execute_sync(query, context_value=Context(tiny))
    assert result.errors is None, result.errors
    assert result.data is not None
    assert result.data["a"] == result.data["b"]
    assert {"regkgId": "substance:x"} in result.data["a"]["nodes"]


def test_fixed_sets_of_values_are_enums() -> None:
    schema = build_schema()._schema
    what = schema.get_type("TimelineKind")
    relation = schema.get_type("Relation")
    assert what is not None
    assert relation is not None
    what_values = set(what.values)  # type: ignore[attr-defined]
    assert {"TRIAL_START", "TRIAL_RESULTS", "BREAKTHROUGH_THERAPY_DESIGNATION"} <= what_values
    assert {"SPONSORED_BY", "CITES", "STREET_FORM_OF"} <= set(relation.values)  # type: ignore[attr-defined]
    fields = {
        (type_name, field_name): str(schema.get_type(type_name).fields[field_name].type)  # type: ignore[union-attr]
        for type_name, field_name in (
            ("TimelineEntry", "what"),
            ("PathStep", "relation"),
            ("NeighbourhoodEdge", "relation"),
        )
    }
    assert fields == {
        ("TimelineEntry", "what"): "TimelineKind!",
        ("PathStep", "relation"): "Relation!",
        ("NeighbourhoodEdge", "relation"): "Relation!",
    }
