"""Hostile queries are refused before they run, with an error naming the limit; the
cost of every query is reported; internal errors are masked."""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from graph import provenance
from graph.build import KnowledgeGraph
from graph.errors import NodeNotFound
from schema.app import build_schema
from schema.context import Context
from schema.documents import DocumentCache
from schema.limits import Limits, extensions
from schema.relay import to_global_id

DEPRECATED_INSTANCES = "ignore:Passing an extension instance:DeprecationWarning"
pytestmark = pytest.mark.filterwarnings(DEPRECATED_INSTANCES)


@cache
def regkg_schema(limits: Limits | None = None) -> strawberry.Schema:
    return build_schema(limits)


def execute(
    kg: KnowledgeGraph,
    query: str,
    variables: dict[str, Any] | None = None,
    limits: Limits | None = None,
) -> ExecutionResult:
    return regkg_schema(limits).execute_sync(
        query, variable_values=variables, context_value=Context(kg)
    )


def refusal(result: ExecutionResult) -> str:
    """The one error of a query refused before it ran."""
    assert result.data is None
    assert result.errors is not None
    assert len(result.errors) == 1
    assert result.errors[0].path is None  # not a field error: nothing was resolved
    return result.errors[0].message


def deep(levels: int) -> str:
    """`substance` with `levels` nested `streetFormOf` selections below it."""
    return (
        '{ substance(id: "substance:ecstasy") { '
        + "streetFormOf { " * levels
        + "regkgId"
        + " }" * levels
        + " } }"
    )


def test_building_the_schema_gives_no_deprecation_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_schema()


# --- depth -----------------------------------------------------------------------------


def test_nesting_up_to_the_limit_runs(real: KnowledgeGraph) -> None:
    result = execute(real, deep(11))
    assert result.errors is None
    assert result.data is not None


@pytest.mark.parametrize("levels", [pytest.param(12, id="one-too-deep"), pytest.param(60, id="60")])
def test_too_deep_nesting_is_refused(real: KnowledgeGraph, levels: int) -> None:
    message = refusal(execute(real, deep(levels)))
    assert message == "'anonymous' exceeds maximum operation depth of 12"


def test_depth_error_names_the_operation_and_a_configured_limit(real: KnowledgeGraph) -> None:
    message = refusal(execute(real, "query Deep " + deep(5), limits=Limits(max_depth=4)))
    assert message == "'Deep' exceeds maximum operation depth of 4"


# --- aliases ---------------------------------------------------------------------------


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: meta {{ dataVersion }}" for i in range(count)) + " }"


def test_30_aliases_run(real: KnowledgeGraph) -> None:
    result = execute(real, aliases(30))
    assert result.errors is None
    assert result.data is not None
    assert len(result.data) == 30


def test_31_aliases_are_refused(real: KnowledgeGraph) -> None:
    assert refusal(execute(real, aliases(31))) == "31 aliases found. Allowed: 30"


def test_thousands_of_aliases_are_refused(real: KnowledgeGraph) -> None:
    # With the default limits such a document is too long before it has too many aliases.
    assert refusal(execute(real, aliases(3000))) == (
        "Syntax Error: Document contains more than 5000 tokens. Parsing aborted."
    )
    roomy = Limits(max_tokens=1_000_000, max_breadth=10_000)
    assert refusal(execute(real, aliases(1000), limits=roomy)) == (
        "1000 aliases found. Allowed: 30"
    )


# --- tokens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ meta { " + "dataVersion " * 6000 + "} }", id="repeated-fields"),
        pytest.param(
            "query (" + " ".join(f"$v{i}: Int" for i in range(1700)) + ") { __typename }",
            id="variables",
        ),
        pytest.param(
            '{ search(text: "a", kinds: [' + "SUBSTANCE " * 6000 + "]) { label } }",
            id="long-list",
        ),
    ],
)
def test_too_many_tokens_are_refused(real: KnowledgeGraph, query: str) -> None:
    message = refusal(execute(real, query))
    assert message == "Syntax Error: Document contains more than 5000 tokens. Parsing aborted."


# --- cost ------------------------------------------------------------------------------

NESTED_PAGES = (
    "{ substances(first: 100) { nodes { trials { substances { trials { regkgId } } } } } }"
)


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        pytest.param(NESTED_PAGES, None, 111_201, id="huge-pages-nested"),
        pytest.param(
            "query ($n: Int) { substances(first: $n) { nodes { trials { substances { "
            "trials { regkgId } } } } } }",
            {"n": 1},
            111_201,
            id="variable-counts-as-the-largest-page",
        ),
        pytest.param(
            "query { ...A } fragment A on Query { substances(first: 100) { nodes { ...B } } } "
            "fragment B on Substance { trials { substances { trials { regkgId } } } }",
            None,
            111_201,
            id="through-fragments",
        ),
        pytest.param(
            "{ substances(first: 100) { nodes { ... on Substance { trials { substances { "
            "trials { regkgId } } } } } } }",
            None,
            111_201,
            id="through-inline-fragments",
        ),
    ],
)
def test_too_costly_queries_are_refused_naming_the_limit(
    real: KnowledgeGraph, query: str, variables: dict[str, Any] | None, cost: int
) -> None:
    result = execute(real, query, variables)
    assert refusal(result) == (
        f"query cost {cost} exceeds the limit of 50000: ask for smaller pages (`first`) "
        "or fewer nested lists"
    )
    assert result.extensions == {"cost": cost}


def test_cost_limit_is_configurable(real: KnowledgeGraph) -> None:
    query = "{ sources(first: 10) { nodes { url } } }"
    assert execute(real, query).errors is None
    message = refusal(execute(real, query, limits=Limits(max_cost=20)))
    assert message == (
        "query cost 21 exceeds the limit of 20: ask for smaller pages (`first`) "
        "or fewer nested lists"
    )


def test_cyclic_fragments_are_a_validation_error_not_a_hang(real: KnowledgeGraph) -> None:
    query = (
        'query { substance(name: "MDMA") { ...A } } '
        "fragment A on Substance { streetFormOf { ...B } } "
        "fragment B on Substance { streetFormOf { ...A } }"
    )
    result = execute(real, query)
    assert result.data is None
    assert result.errors is not None
    assert {e.message for e in result.errors} == {
        "Cannot spread fragment 'A' within itself via 'B'."
    }


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        pytest.param("{ __typename }", 1, id="typename"),
        pytest.param("{ meta { dataVersion builtAt } }", 3, id="one-object"),
        pytest.param("{ conflicts { regkgId } }", 11, id="plain-list"),
        pytest.param("{ sources { totalCount } }", 26, id="default-page"),
        pytest.param("{ sources(first: 3) { totalCount } }", 4, id="given-page"),
        pytest.param("{ sources(last: 3) { totalCount } }", 4, id="last-page"),
        pytest.param(
            '{ search(text: "molly", first: 2) { nodes { label } } }', 5, id="search-page"
        ),
    ],
)
def test_cost_is_reported_in_extensions(real: KnowledgeGraph, query: str, cost: int) -> None:
    result = execute(real, query)
    assert result.errors is None
    assert result.extensions == {"cost": cost}


def test_cost_of_nodes_grows_with_the_number_of_ids(real: KnowledgeGraph) -> None:
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { regkgId } }"
    ids = [to_global_id("substance:mdma")] * 2000  # 2001 fields resolved
    result = execute(real, query, {"ids": ids}, limits=Limits(max_cost=1000))
    assert result.data is None
    assert result.errors is not None
    assert "limit" in result.errors[0].message


def test_a_page_is_counted_once(real: KnowledgeGraph) -> None:
    result = execute(real, "{ sources(first: 100) { nodes { url } } }")
    assert result.errors is None
    assert result.extensions is not None
    assert result.extensions["cost"] <= 1 + 100 * 2


# --- masking ---------------------------------------------------------------------------

SECRET = "/srv/regkg/graph/secret.py line 12: password=hunter2"


@strawberry.type
class FailingQuery:
    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError(SECRET)

    @strawberry.field
    def key_error(self) -> str:
        return {"a": "b"}["missing"]

    @strawberry.field
    def on_purpose(self) -> str:
        raise GraphQLError("a message we wrote")

    @strawberry.field
    def not_found(self) -> str:
        raise NodeNotFound("substance:x")

    @strawberry.field
    def fine(self) -> str:
        return "ok"


@cache
def failing_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=FailingQuery, extensions=extensions(Limits(), DocumentCache(2**20, 5000))
    )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        pytest.param("boom", "Internal error.", id="runtime-error"),
        pytest.param("keyError", "Internal error.", id="key-error"),
        pytest.param("onPurpose", "a message we wrote", id="graphql-error-kept"),
        pytest.param("notFound", "no entity with id 'substance:x'", id="regkg-error-kept"),
    ],
)
def test_internal_errors_are_masked(field: str, message: str) -> None:
    result = failing_schema().execute_sync(f"{{ fine {field} }}")
    assert result.data is None  # non-null field: the error reaches the root
    assert result.errors is not None
    assert [e.formatted for e in result.errors] == [
        {"message": message, "locations": [{"line": 1, "column": 8}], "path": [field]}
    ]
    text = repr([e.formatted for e in result.errors])
    for leak in ("Traceback", "hunter2", ".py", "/srv", "KeyError", "missing"):
        assert leak not in text


def test_an_internal_error_in_a_regkg_resolver_is_masked(
    real: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> str:
        raise ZeroDivisionError(SECRET)

    monkeypatch.setattr(provenance, "how_to_cite", broken)
    query = '{ substance(id: "substance:mdma") { name howToCite } }'
    result = execute(real, query)
    assert result.data == {"substance": None}
    assert result.errors is not None
    assert [e.formatted for e in result.errors] == [
        {
            "message": "Internal error.",
            "locations": [{"line": 1, "column": 42}],
            "path": ["substance", "howToCite"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]


def _doubling_fragments(levels: int, aliased: bool = False) -> str:
    alias = "a{i}: meta {{ dataVersion }} " if aliased else ""
    spreads = " ".join(
        f"fragment F{i} on Query {{ {alias.format(i=i)}...F{i + 1} ...F{i + 1} }}"
        for i in range(levels)
    )
    return f"query {{ ...F0 }} {spreads} fragment F{levels} on Query {{ meta {{ dataVersion }} }}"


def test_fragments_that_double_are_measured_without_expanding_them(real: KnowledgeGraph) -> None:
    # Expanded, this kilobyte-sized document is 2**40 fields: measured once per fragment,
    # it is refused at once (an expanding measure would never finish).
    assert refusal(execute(real, _doubling_fragments(40))) == (
        "query cost 2199023255552 exceeds the limit of 50000: ask for smaller pages (`first`) "
        "or fewer nested lists"
    )


def test_aliases_in_doubling_fragments_are_counted_as_written_out(real: KnowledgeGraph) -> None:
    assert refusal(execute(real, _doubling_fragments(10, aliased=True))) == (
        "1023 aliases found. Allowed: 30"
    )


def test_graphiqls_introspection_query_is_within_the_limits(real: KnowledgeGraph) -> None:
    from graphql import get_introspection_query

    result = execute(real, get_introspection_query(descriptions=True))
    assert result.errors is None
    assert result.data is not None
    assert result.data["__schema"]["queryType"] == {"name": "Query", "kind": "OBJECT"}
