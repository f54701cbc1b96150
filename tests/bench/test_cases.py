"""The plain endpoint answers each benchmark question with the same data, in the same
order, as the GraphQL API: otherwise the ratios bench/run.py prints compare different work."""

from __future__ import annotations

import pytest

from bench import cases
from bench.generate import generate
from graph.build import KnowledgeGraph
from graph.load import load_graph
from schema.app import build_schema
from schema.context import Context


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return load_graph(generate(700, tmp_path_factory.mktemp("generated") / "set", seed=4))


@pytest.mark.parametrize("case", cases.CASES, ids=lambda case: case.name)
def test_plain_answers_what_the_api_answers(generated: KnowledgeGraph, case: cases.Case) -> None:
    schema = build_schema()
    asked = cases.variables(generated, count=6, load=0, seed=2)[case.name]
    assert len(asked) == 6
    for variables in asked:
        answer = schema.execute_sync(
            case.query, variable_values=dict(variables), context_value=Context(generated)
        )
        assert answer.errors is None
        assert case.plain(generated, variables) == answer.data


def test_enums_and_type_names_are_written_as_the_api_writes_them() -> None:
    assert cases.ACTION_KIND["breakthrough_therapy_designation"] == (
        "BREAKTHROUGH_THERAPY_DESIGNATION"
    )
    assert cases.RELATION["sponsored_by"] == "SPONSORED_BY"
    assert cases.TYPE_NAME["action"] == "RegulatoryAction"
    assert cases.TYPE_NAME["substance"] == "Substance"


def test_a_page_cursor_continues_after_its_item() -> None:
    assert cases._start_after(cases.cursor(41)) == 42
    assert cases._start_after(None) == 0
