"""A question the schema has run before is answered without strawberry's per-request
machinery (`RegkgSchema.execute_sync`): with the same data, errors, codes, masking, cost
and log lines as the first time, when strawberry ran it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import strawberry

from graph.build import KnowledgeGraph
from schema.app import build_schema
from schema.context import Context
from schema.limits import Limits

SUBSTANCE = "query ($name: String!) { substance(name: $name) { name sources { quote } } }"

TWO_ERRORS = '{ a: substance(name: "a") { name } b: substance(name: "b") { name } }'
BAD_DATE = '{ regulatoryStatus(substance: "Ex", jurisdiction: "US", asOf: "2023-6-1") { summary } }'

# Each question, and how many of its two runs strawberry makes: an invalid document is
# always strawberry's to refuse.
ASKED = {
    "an answer": (SUBSTANCE, {"name": "Ex"}, 1),
    "a name that matches nothing": (SUBSTANCE, {"name": "nothing"}, 1),
    "a variable of the wrong type": (SUBSTANCE, {"name": 5}, 1),
    "a list of errors": (TWO_ERRORS, None, 1),
    "a malformed date": (BAD_DATE, None, 2),
}


def _ask(schema: Any, kg: KnowledgeGraph, query: str, variables: Any) -> Any:
    result = schema.execute_sync(query, variable_values=variables, context_value=Context(kg))
    errors = [e.formatted for e in result.errors or ()]
    return result.data, errors, result.extensions


def _twice(
    schema: Any, kg: KnowledgeGraph, query: str, variables: Any, caplog: pytest.LogCaptureFixture
) -> tuple[Any, Any]:
    """The answers and log lines of the first run and the second, which must not go
    through strawberry."""
    runs = []
    for _ in range(2):
        caplog.clear()
        answer = _ask(schema, kg, query, variables)
        runs.append((answer, [(r.levelno, r.getMessage()) for r in caplog.records]))
    return runs[0], runs[1]


@pytest.fixture
def strawberry_runs(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The queries that went through strawberry's own `execute_sync`."""
    runs: list[str | None] = []
    original = strawberry.Schema.execute_sync

    def counted(self: Any, query: str | None, *args: Any, **kwargs: Any) -> Any:
        runs.append(query)
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(strawberry.Schema, "execute_sync", counted)
    return runs


@pytest.mark.parametrize(("query", "variables", "by_strawberry"), ASKED.values(), ids=ASKED.keys())
def test_a_question_asked_again_is_answered_as_the_first_time(
    tiny: KnowledgeGraph,
    query: str,
    variables: Any,
    by_strawberry: int,
    caplog: pytest.LogCaptureFixture,
    strawberry_runs: list[str | None],
) -> None:
    caplog.set_level(logging.INFO)
    first, second = _twice(build_schema(), tiny, query, variables, caplog)
    assert second == first
    assert strawberry_runs == [query] * by_strawberry


class BrokenGraph:
    """A graph every read of which fails as a fault of the server's would."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"/secret/path/{name}")


def test_internal_errors_are_masked_and_logged_again(
    caplog: pytest.LogCaptureFixture, strawberry_runs: list[str | None]
) -> None:
    broken: Any = BrokenGraph()
    first, second = _twice(build_schema(), broken, SUBSTANCE, {"name": "Ex"}, caplog)
    assert second == first
    (data, errors, _), logged = second
    assert data == {"substance": None}
    assert [e["message"] for e in errors] == ["Internal error."]
    assert errors[0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert [level for level, _ in logged] == [logging.ERROR]
    assert len(strawberry_runs) == 1


def test_a_query_out_of_time_is_stopped_again(
    tiny: KnowledgeGraph, caplog: pytest.LogCaptureFixture, strawberry_runs: list[str | None]
) -> None:
    schema = build_schema(Limits(time_budget=1e-9))
    first, second = _twice(schema, tiny, SUBSTANCE, {"name": "Ex"}, caplog)
    assert second == first
    (data, errors, _), _ = second
    assert data is None
    assert [e["extensions"] for e in errors] == [{"code": "TIMEOUT"}]
    assert len(strawberry_runs) == 1


def test_the_cost_is_reported_again(tiny: KnowledgeGraph) -> None:
    schema = build_schema()
    first = _ask(schema, tiny, SUBSTANCE, {"name": "Ex"})
    assert first[2] == {"cost": first[2]["cost"]}
    assert first[2]["cost"] > 0
    assert _ask(schema, tiny, SUBSTANCE, {"name": "Ex"}) == first
