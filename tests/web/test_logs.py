"""Access log lines echo at most 200 characters of a request's path."""

from __future__ import annotations

import logging

from web.logs import ShortPaths, shorten_access_lines


def test_a_long_path_is_cut_in_the_access_line() -> None:
    path = "/graphql?query=" + "x" * 20_000
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", path, "1.1", 200),
        None,
    )
    assert ShortPaths().filter(record)
    line = record.getMessage()
    assert line.startswith('127.0.0.1:1 - "GET /graphql?query=xxx')
    assert line.endswith('… HTTP/1.1" 200')
    assert len(line) < 260


def test_the_filter_is_installed_once() -> None:
    shorten_access_lines()
    shorten_access_lines()
    logger = logging.getLogger("uvicorn.access")
    assert sum(isinstance(f, ShortPaths) for f in logger.filters) == 1
