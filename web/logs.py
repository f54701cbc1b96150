"""Log lines of a sane length: a request's path is echoed at most `LONGEST_PATH` long.

uvicorn logs every request with its whole path, query string included, and a GraphQL GET
carries the whole document there: up to tens of kilobytes a line, written by anyone.
"""

from __future__ import annotations

import logging
from typing import Final

from graph.errors import cut

LONGEST_PATH: Final = 200
ACCESS_LOG: Final = "uvicorn.access"


class ShortPaths(logging.Filter):
    """Cuts the path in uvicorn's access lines (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], cut(args[2], LONGEST_PATH), args[3], args[4])
        return True


def shorten_access_lines() -> None:
    """Install `ShortPaths` on uvicorn's access log, once."""
    logger = logging.getLogger(ACCESS_LOG)
    if not any(isinstance(f, ShortPaths) for f in logger.filters):
        logger.addFilter(ShortPaths())
