"""graphql-core calls regkg's fields directly (schema/wiring.py): what that relies on holds."""

from __future__ import annotations

import ast
from pathlib import Path

from graphql import GraphQLObjectType

from graph.build import KnowledgeGraph
from schema import wiring
from schema.app import build_schema
from schema.context import Context

SCHEMA_DIR = Path(wiring.__file__).parent


def test_resolvers_read_nothing_but_the_context_from_their_info() -> None:
    # Directly called resolvers receive graphql-core's resolve info, not strawberry's:
    # both have `context`, and nothing else may be read from it.
    reads = []
    for path in sorted(SCHEMA_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "info"
                and node.attr != "context"
            ):
                reads.append(f"{path.name}:{node.lineno}: info.{node.attr}")
    assert reads == []


def test_almost_every_field_is_called_directly() -> None:
    schema = build_schema()._schema
    through_strawberry = sorted(
        f"{graphql_type.name}.{name}"
        for graphql_type in schema.type_map.values()
        if isinstance(graphql_type, GraphQLObjectType) and not graphql_type.name.startswith("__")
        for name, field in graphql_type.fields.items()
        if getattr(field.resolve, "__module__", None) != wiring.__name__
    )
    # Only fields with an argument that strawberry converts (a list, an input object).
    assert through_strawberry == [
        "Query.nodes",
        "Query.regulatoryActions",
        "Query.search",
        "Query.trials",
        "Substance.actions",
    ]


def test_arguments_reach_resolvers_by_their_python_names(tiny: KnowledgeGraph) -> None:
    substance = tiny.by_kind["substance"][0]
    query = """
    query ($id: String!, $to: String!) {
      path(from: $id, to: $to, first: 1) { length }
      entity(id: $id) { __typename regkgId }
    }
    """
    result = build_schema().execute_sync(
        query, variable_values={"id": substance, "to": substance}, context_value=Context(tiny)
    )
    assert result.errors is None
    assert result.data == {
        "path": [{"length": 0}],
        "entity": {"__typename": "Substance", "regkgId": substance},
    }
