"""Limits that keep one query from taking the server down, and the extensions enforcing them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, ValidationRule
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from graph.errors import RegkgError
from schema.cost import query_cost, widest_selection


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_cost: int = 50_000
    max_breadth: int = 100


def _budget_rule(limits: Limits) -> type[ValidationRule]:
    class QueryBudget(ValidationRule):
        """Refuses a document over the breadth or cost limit before any other rule works on
        it: graphql-core's overlapping-fields rule is quadratic in a selection's breadth, so
        a query of a thousand repeated fields would otherwise cost seconds to refuse."""

        def enter_document(self, node: DocumentNode, *_: object) -> None:
            breadth = widest_selection(node)
            if breadth > limits.max_breadth:
                raise ValidationAbortedError(
                    f"a selection of {breadth} fields exceeds the limit of "
                    f"{limits.max_breadth} fields in one selection"
                )
            cost = query_cost(self.context.schema, node)
            if cost > limits.max_cost:
                raise ValidationAbortedError(
                    f"query cost {cost} exceeds the limit of {limits.max_cost}: ask for smaller "
                    "pages (`first`) or fewer nested lists"
                )

    return QueryBudget


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
    """Extension factories: strawberry builds fresh extensions for each request.

    The validation rules are built once, here: the validation cache is keyed by the rule
    classes, and strawberry's limiters would make new classes for every request, so no
    validation would ever be served from the cache.
    """
    rules: list[type[ASTValidationRule]] = [
        depth_validator(limits.max_depth, None, None),
        aliases_validator(limits.max_aliases),
        _budget_rule(limits),
    ]
    return [
        lambda: ParserCache(maxsize=1024),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=1024),
        ReportCost,
        lambda: MaskErrors(should_mask_error=_should_mask, error_message="Internal error."),
    ]
