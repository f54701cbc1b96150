"""The strawberry Schema, with its scalars, default resolver, limits and caches."""

from __future__ import annotations

import logging
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from graph.errors import RegkgError, cut
from schema.budget import TimeBudgetExceeded, budgeted_execution
from schema.documents import DocumentCache
from schema.errors import add_codes
from schema.limits import Limits, extensions
from schema.query import Query
from schema.resolve import read_attribute
from schema.scalars import SCALARS
from schema.types import NODE_TYPES, TYPE_OF_KIND
from schema.wiring import wire

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"
LOG = logging.getLogger("regkg.graphql")
LONGEST_LOGGED_QUERY = 200


class RegkgSchema(strawberry.Schema):
    """The schema, with the document cache the HTTP layer shares with it, and logs that
    tell the client's mistakes (one line each) from the server's (with a traceback)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.documents = DocumentCache(limits.document_cache_bytes, limits.max_tokens)
        super().__init__(
            query=Query,
            types=list(NODE_TYPES),
            config=StrawberryConfig(default_resolver=read_attribute, scalar_map=SCALARS),
            extensions=extensions(limits, self.documents),
        )
        execution = budgeted_execution(limits.time_budget)
        execution.synchronous = wire(
            self._schema, TYPE_OF_KIND, self.config.name_converter.from_argument
        )
        execution.documents = self.documents
        self.execution_context_class = execution

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Every error the schema answers with carries `extensions.code` (schema/errors.py).
        add_codes(errors)
        text = " ".join((execution_context.query or "").split()) if execution_context else ""
        query = cut(text, LONGEST_LOGGED_QUERY)
        timed_out = False
        for error in errors:
            original = error.original_error
            if isinstance(original, TimeBudgetExceeded):
                if not timed_out:  # every field left fails with it: say it once
                    LOG.warning("%s; query: %s", original, query)
                timed_out = True
            elif original is None or isinstance(original, GraphQLError | RegkgError):
                # Syntax, validation and lookup errors are the client's: one line each.
                LOG.info("refused: %s; query: %s", cut(error.message, 300), query)
            else:
                LOG.error("%s; query: %s", error.message, query, exc_info=original)


def build_schema(limits: Limits | None = None) -> RegkgSchema:
    """The regkg schema; `limits` bound depth, aliases, tokens, cost and time."""
    return RegkgSchema(limits or Limits())


def sdl() -> str:
    """The schema in SDL, as checked in at `schema.graphql`."""
    return build_schema().as_str() + "\n"
