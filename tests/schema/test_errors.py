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
            '{ neighbourhood(id: "substance:x", depth: 9) { nodes { regkgId } } }',
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


def test_a_malformed_date_says_which_form_and_where(tiny: KnowledgeGraph) -> None:
    query = '{ regulatoryStatus(substance: "Ex", asOf: "2023-6-1") { phase } }'
    result = build_schema().execute_sync(query, context_value=Context(tiny))
    assert result.errors is not None
    (error,) = (e.formatted for e in result.errors)
    assert "use YYYY-MM-DD, e.g. 2023-06-01" in error["message"]
    assert error["locations"] == [{"line": 1, "column": 43}]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    variable = build_schema().execute_sync(
        'query($d: Date) { regulatoryStatus(substance: "Ex", asOf: $d) { phase } }',
        variable_values={"d": "June 2023"},
        context_value=Context(tiny),
    )
    assert variable.errors is not None
    assert "'June 2023' is not a date: use YYYY-MM-DD, e.g. 2023-06-01" in (
        variable.errors[0].message
    )


@pytest.mark.parametrize(
    ("as_of", "phase", "asked"),
    [
        pytest.param("2020-02", "UNDER_REVIEW", "2020-02-29", id="month-before-the-letter"),
        pytest.param("2020-03", "NOT_APPROVED", "2020-03-31", id="month-of-the-letter"),
        pytest.param("2019", "UNDER_REVIEW", "2019-12-31", id="year"),
    ],
)
def test_as_of_a_month_means_its_last_day(
    tiny: KnowledgeGraph, as_of: str, phase: str, asked: str
) -> None:
    query = (
        f'{{ regulatoryStatus(substance: "Ex", condition: "PTSD", jurisdiction: "US", '
        f'asOf: "{as_of}") {{ asOf phase }} }}'
    )
    result = build_schema().execute_sync(query, context_value=Context(tiny))
    assert result.errors is None, result.errors
    assert result.data == {"regulatoryStatus": {"asOf": asked, "phase": phase}}
