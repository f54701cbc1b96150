"""Machine-readable error codes: every error regkg answers with carries `extensions.code`.

| code | when |
|---|---|
| `NOT_FOUND` | an id or name matches nothing (`substance(name:)`, `entity(id:)`, `path`...) |
| `BAD_USER_INPUT` | an argument or variable is wrong: a malformed date, both `id` and `name` |
| `LIMIT_EXCEEDED` | the query is over a limit (depth, aliases, tokens, cost, breadth, page size) |
| `TIMEOUT` | the query ran out of its time budget |
| `GRAPHQL_PARSE_FAILED` | the document is not GraphQL |
| `GRAPHQL_VALIDATION_FAILED` | the document does not fit the schema (an unknown field...) |
| `PERSISTED_QUERY_NOT_FOUND` | a persisted query's hash the server does not hold: send the query |
| `BAD_REQUEST` | the HTTP request is wrong: no `query`, bad JSON, an unknown `operationName` |
| `SERVER_BUSY` | every execution slot is taken: retry after the `Retry-After` seconds |
| `INTERNAL_SERVER_ERROR` | a fault of regkg's own; the message says no more |

Resolvers raise `not_found` and `bad_input` (or `graph.errors` exceptions through
`schema.resolve.graph_call`); every other error is given its code from what it is
(`add_codes`) when the schema processes it, before internal errors are masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Final

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graph.errors import NodeNotFound, NoMatch, NoPath, RegkgError
from schema.budget import TimeBudgetExceeded


class Code(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    TIMEOUT = "TIMEOUT"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    BAD_REQUEST = "BAD_REQUEST"
    SERVER_BUSY = "SERVER_BUSY"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def coded(message: str, code: Code) -> GraphQLError:
    """A GraphQL error with `extensions.code`."""
    return GraphQLError(message, extensions={"code": code.value})


def not_found(message: str) -> GraphQLError:
    return coded(message, Code.NOT_FOUND)


def bad_input(message: str) -> GraphQLError:
    return coded(message, Code.BAD_USER_INPUT)


def from_regkg(error: RegkgError) -> GraphQLError:
    """The GraphQL error for an error of a `graph` query, with the same message."""
    if isinstance(error, TimeBudgetExceeded):
        return coded(str(error), Code.TIMEOUT)
    missing = isinstance(error, NodeNotFound | NoMatch | NoPath)
    return coded(str(error), Code.NOT_FOUND if missing else Code.BAD_USER_INPUT)


# Messages of the limits (schema/limits.py, strawberry's token limiter, page sizes).
_LIMIT: Final = re.compile(
    r"exceeds (the limit|maximum)|over the limit|Allowed: \d|more than \d+ tokens|"
    r"above the page size limit|the limit is \d",
)
_INPUT: Final = re.compile(
    r"^(Variable '\$|Expected value of type|Argument '|Field '.*' argument)|cannot represent"
)


def code_of(error: GraphQLError) -> Code:
    """The code of an error that was raised without one.

    >>> code_of(GraphQLError("Syntax Error: Expected Name, found <EOF>."))
    <Code.GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED'>
    >>> code_of(GraphQLError("query cost 201 exceeds the limit of 50"))
    <Code.LIMIT_EXCEEDED: 'LIMIT_EXCEEDED'>
    >>> code_of(GraphQLError("Cannot query field 'nope' on type 'Query'."))
    <Code.GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED'>
    """
    message = error.message
    original = error.original_error
    if isinstance(original, RegkgError):
        return Code(from_regkg(original).extensions["code"])  # type: ignore[index]
    if _LIMIT.search(message):
        return Code.LIMIT_EXCEEDED
    if message.startswith("Syntax Error"):
        return Code.GRAPHQL_PARSE_FAILED
    if _INPUT.search(message):
        return Code.BAD_USER_INPUT
    if error.path is None:
        return Code.GRAPHQL_VALIDATION_FAILED
    if original is not None and not isinstance(original, GraphQLError):
        return Code.INTERNAL_SERVER_ERROR
    if message == MASKED_MESSAGE:
        return Code.INTERNAL_SERVER_ERROR
    # A GraphQLError a resolver raised on purpose is about what was asked.
    return Code.BAD_USER_INPUT


MASKED_MESSAGE: Final = "Internal error."


def add_codes(errors: Iterable[GraphQLError]) -> None:
    """Give each error that has no `extensions.code` the code of what it is."""
    for error in errors:
        extensions = error.extensions if error.extensions is not None else {}
        if "code" not in extensions:
            error.extensions = {**extensions, "code": code_of(error).value}


def should_mask(error: GraphQLError) -> bool:
    """Whether an error's message could carry internals (a path, a value, a traceback's
    words): anything raised that is not a message we wrote on purpose (a GraphQLError, or
    a regkg error)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | RegkgError)


class MaskInternalErrors(SchemaExtension):
    """Replaces each error that `should_mask` with one that says no more than "Internal
    error.", at the same place in the query. The masked error keeps the original's
    `extensions`: regkg's schema gives every error its code before masking
    (`RegkgSchema.process_errors`), so a masked error says INTERNAL_SERVER_ERROR."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = masked(errors)  # type: ignore[union-attr]


def masked(errors: list[GraphQLError]) -> list[GraphQLError]:
    """`errors`, each that `should_mask` replaced as `MaskInternalErrors` replaces it."""
    if not any(should_mask(e) for e in errors):
        return errors
    return [_masked(e) if should_mask(e) else e for e in errors]


def _masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError(
        MASKED_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=error.extensions,
    )
