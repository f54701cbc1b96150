"""Limits that keep one query from taking the server down, and the extensions enforcing them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, ValidationContext, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from graph.errors import RegkgError
from schema.cost import query_cost


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_cost: int = 50_000


def _cost_rule(limit: int) -> type[ValidationRule]:
    class CostLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            cost = query_cost(context.schema, context.document)
            if cost > limit:
                context.report_error(
                    GraphQLError(
                        f"query cost {cost} exceeds the limit of {limit}: ask for smaller "
                        "pages (`first`) or fewer nested lists"
                    )
                )

    return CostLimit


class ReportCost(SchemaExtension):
    """Puts the query's cost in the response's `extensions`, so clients can see it."""

    def on_execute(self) -> Iterator[None]:
        yield

    def get_results(self) -> dict[str, Any]:
        document = self.execution_context.graphql_document
        if document is None:
            return {}
        return {"cost": query_cost(self.execution_context.schema._schema, document)}


def _should_mask(error: GraphQLError) -> bool:
    # Messages we wrote (a GraphQLError raised on purpose, or a regkg error) are safe to
    # show; anything else could carry a path or internals, and is masked.
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | RegkgError)


def extensions(limits: Limits) -> list[Any]:
    return [
        ParserCache(maxsize=1024),
        ValidationCache(maxsize=1024),
        MaxTokensLimiter(max_token_count=limits.max_tokens),
        QueryDepthLimiter(max_depth=limits.max_depth),
        MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        AddValidationRules([_cost_rule(limits.max_cost)]),
        ReportCost,
        MaskErrors(should_mask_error=_should_mask, error_message="Internal error."),
    ]
