"""The client's mistakes are logged in one line each; the server's with a traceback."""

from __future__ import annotations

import logging
from functools import cache

import pytest

from graph.load import load_graph
from schema.app import RegkgSchema, build_schema
from schema.context import Context


@cache
def schema() -> RegkgSchema:
    return build_schema()


def run(query: str) -> None:
    schema().execute_sync(query, context_value=Context(load_graph()))


def test_an_unknown_name_is_one_line_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    run('{ substance(name: "' + "x" * 5000 + '") { name } }')
    records = [r for r in caplog.records if r.name.startswith(("strawberry", "regkg"))]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.INFO
    assert record.exc_info is None
    message = record.getMessage()
    assert "\n" not in message
    assert message.startswith("refused: no substance matches 'xxx")
    assert len(message) < 600


def test_a_bad_cursor_is_one_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    run('{ trials(after: "' + "nope" * 1000 + '") { totalCount } }')
    records = [r for r in caplog.records if r.name.startswith(("strawberry", "regkg"))]
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.INFO, None)]
    assert "is not a cursor from this API" in records[0].getMessage()
    assert len(records[0].getMessage()) < 600


def test_a_syntax_error_is_one_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    run("{ trials(")
    records = [r for r in caplog.records if r.name.startswith(("strawberry", "regkg"))]
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.INFO, None)]
    assert "\n" not in records[0].getMessage()
