"""The strawberry Schema, with its scalars, default resolver, limits and caches."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, execute, get_operation_ast
from graphql import OperationType as GraphQLOperationType
from graphql.execution.execute import assume_not_async_iterable, assume_not_awaitable
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from graph.errors import RegkgError, cut
from schema.budget import TimeBudgetExceeded, budgeted_execution
from schema.documents import DocumentCache, Parsed
from schema.errors import add_codes, masked
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
        self.own_extensions = tuple(self.extensions)
        execution = budgeted_execution(limits.time_budget)
        execution.synchronous = wire(
            self._schema, TYPE_OF_KIND, self.config.name_converter.from_argument
        )
        execution.documents = self.documents
        self.execution_context_class = execution

    def execute_sync(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """strawberry's `execute_sync`, without its per-request machinery for a query it
        has run before: the document is parsed, valid and its operation a query.

        For such a query, strawberry's extension hooks do nothing but hand over the cached
        document (schema/documents.py) and mask errors, so this executes the document with
        the schema's execution class and does both itself, as the extensions would. Any
        other request (a new document, an invalid one, a mutation...) goes through
        strawberry as before."""
        document = self._ready(query, operation_name, allowed_operation_types)
        if document is None or operation_extensions is not None:
            return super().execute_sync(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        try:
            result = execute(
                self._schema,
                document.document,  # type: ignore[arg-type]
                root_value=root_value,
                context_value=context_value,
                variable_values=variable_values,
                operation_name=operation_name,
                executor_class=self.execution_context_class,
                is_awaitable=assume_not_awaitable,
                is_async_iterable=assume_not_async_iterable,
            )
            assert isinstance(result, GraphQLExecutionResult)  # synchronous resolvers
            errors = result.errors
            if errors:
                self._process_errors(errors, self._context(query, variable_values, context_value))
                errors = masked(errors)
            data = result.data
        except Exception as exc:  # as strawberry answers one, unmasked
            errors = [
                exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
            ]
            self._process_errors(errors, self._context(query, variable_values, context_value))
            data = None
        return ExecutionResult(data=data, errors=errors, extensions={"cost": document.cost})

    def _ready(
        self,
        query: str | None,
        operation_name: str | None,
        allowed: Iterable[OperationType] | None,
    ) -> Parsed | None:
        """The cached entry of a query that can run without strawberry's machinery."""
        if (
            query is None
            or allowed is not None
            or self.directives
            or self.extensions != self.own_extensions
            or not self.execution_context_class.synchronous  # type: ignore[union-attr]
        ):
            return None
        if self.documents.peek(query) is None:
            return None  # new: strawberry parses and validates it
        parsed = self.documents.get(query)
        if parsed.document is None or parsed.validation != [] or parsed.cost is None:
            return None
        operation = get_operation_ast(parsed.document, operation_name)
        if operation is None or operation.operation is not GraphQLOperationType.QUERY:
            return None
        return parsed

    def _context(
        self, query: str | None, variables: dict[str, Any] | None, context: Any
    ) -> ExecutionContext:
        return ExecutionContext(
            query=query, schema=self, allowed_operations=(), context=context, variables=variables
        )

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
