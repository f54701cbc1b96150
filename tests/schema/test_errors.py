"""Every error carries a machine-readable `extensions.code`."""

from __future__ import annotations

import pytest

from graph.build import KnowledgeGraph
from schema.app import build_schema
from schema.context import Context
from schema.limits import Limits


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param('{ substance(name: "zzqqxx") { name } }', "NOT_FOUND", id="no-such-name"),
        pytest.param(
            '{ path(from: "substance:x", to: "nope:y") { length } }', "NOT_FOUND", id="path"
        ),
        pytest.param("{ nope }", "GRAPHQL_VALIDATION_FAILED", id="unknown-field"),
        pytest.param("{ meta {", "GRAPHQL_PARSE_FAILED", id="syntax"),
        pytest.param("{ trials(first: 500) { totalCount } }", "LIMIT_EXCEEDED", id="page-size"),
        pytest.param(
            '{ regulatoryStatus(substance: "Ex", asOf: "2023-6-1") { phase } }',
            "BAD_USER_INPUT",
            id="bad-date",
        ),
        pytest.param(
            '{ neighborhood(id: "substance:x", depth: 9) { nodes { regkgId } } }',
            "BAD_USER_INPUT",
            id="bad-depth",
        ),
    ],
)
def test_errors_carry_a_code(tiny: KnowledgeGraph, query: str, code: str) -> None:
    result = build_schema().execute_sync(query, context_value=Context(tiny))
    assert result.errors
    assert [e.formatted["extensions"]["code"] for e in result.errors] == [code] * len(result.errors)


def test_a_query_over_a_limit_is_limit_exceeded(tiny: KnowledgeGraph) -> None:
    schema = build_schema(Limits(max_depth=2))
    result = schema.execute_sync(
        "{ conflicts { claims { sources { quote } } } }", context_value=Context(tiny)
    )
    assert result.errors
    assert result.errors[0].formatted["extensions"] == {"code": "LIMIT_EXCEEDED"}
