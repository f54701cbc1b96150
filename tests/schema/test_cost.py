"""The cost measure follows the real work: neighbourhoods by reach, introspection by size."""

from __future__ import annotations

from functools import cache

import pytest
from graphql import get_introspection_query, parse

from graph.load import load_graph
from schema.app import RegkgSchema, build_schema
from schema.context import Context
from schema.cost import COST_CEILING, NEIGHBOURHOOD_REACH, query_cost


@cache
def schema() -> RegkgSchema:
    return build_schema()


def cost(query: str) -> int:
    return query_cost(schema()._schema, parse(query))


NEIGHBOURHOOD = """{ neighborhood(id: "substance:mdma", depth: %d) {
  nodes { regkgId ... on Sourced { sources { quote source { url } } } }
  edges { source target relation } } }"""


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_a_neighbourhood_counts_what_its_depth_reaches(depth: int) -> None:
    reach = NEIGHBOURHOOD_REACH[depth]
    # nodes: regkgId and 10 sources of 3 fields each; edges: 3 fields on twice as many
    assert cost(NEIGHBOURHOOD % depth) == 1 + 1 + reach * (1 + 1 + 10 * 3) + 1 + 2 * reach * 3


def test_aliased_neighbourhoods_of_depth_three_are_refused() -> None:
    query = "{ " + " ".join(f"n{i}: " + NEIGHBOURHOOD.strip()[1:-1] % 3 for i in range(22)) + " }"
    result = schema().execute_sync(query, context_value=Context(load_graph()))
    assert result.errors is not None
    assert result.errors[0].message.startswith("query cost 418066 exceeds the limit of 50000")


def test_introspection_counts_the_schema_it_lists() -> None:
    full = cost(get_introspection_query(descriptions=True))
    types = len(schema()._schema.type_map)
    assert types > 50
    assert cost("{ __schema { types { name } } }") == 1 + 1 + types
    # the whole introspection GraphiQL asks for stays within the limit, but not 30 of it
    assert 10_000 < full < 50_000
    aliased = (
        "{ "
        + " ".join(f"s{i}: __schema {{ types {{ name fields {{ name }} }} }}" for i in range(30))
        + " }"
    )
    assert cost(aliased) > 30 * types


def test_graphiql_introspection_runs() -> None:
    result = schema().execute_sync(get_introspection_query(descriptions=True))
    assert result.errors is None


@pytest.mark.parametrize("digits", [20, 25, 5000])
def test_an_int_literal_of_any_length_is_measured_capped(digits: int) -> None:
    assert cost(f"{{ trials(first: {'9' * digits}) {{ totalCount }} }}") == COST_CEILING
