"""On the real schema and the bundled data, generated documents get from regkg's executor
exactly what graphql-core's own execution gives: the same data, the same errors at the
same paths. The hand-written cases in test_executor.py pin the edge cases; these cover
the schema's own types, interfaces, arguments and lists as clients combine them."""

from __future__ import annotations

from typing import Any

from graphql import ExecutionResult, execute, parse
from hypothesis import given
from hypothesis_graphql import queries
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.build import KnowledgeGraph
from schema.app import build_schema
from schema.context import Context
from tests.web.test_fuzz import FUZZ, SCALARS, SCHEMA

REGKG = build_schema()


def _answer(kg: KnowledgeGraph, query: str, executor: Any) -> tuple[Any, list[Any]]:
    result = execute(
        REGKG._schema,
        parse(query),
        context_value=Context(kg),
        executor_class=executor,
    )
    assert isinstance(result, ExecutionResult)
    errors = sorted((e.message, e.path) for e in result.errors or ())
    return result.data, errors


@FUZZ
@given(query=queries(SCHEMA, custom_scalars=SCALARS))
def test_generated_documents_answer_as_graphql_core_does(real: KnowledgeGraph, query: str) -> None:
    ours = _answer(real, query, REGKG.execution_context_class)
    theirs = _answer(real, query, StrawberryGraphQLCoreExecutionContext)
    assert ours == theirs, query


def test_the_comparison_runs_regkgs_executor() -> None:
    assert REGKG.execution_context_class is not StrawberryGraphQLCoreExecutionContext
    assert issubclass(REGKG.execution_context_class, StrawberryGraphQLCoreExecutionContext)
