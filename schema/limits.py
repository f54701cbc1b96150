"""Limits that keep one query from taking the server down, and the extensions enforcing them."""

from __future__ import annotations

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

from graph.errors import RegkgError
from schema.cost import measure, query_cost, widest_selection


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_cost: int = 50_000
    max_breadth: int = 100


def _budget_rule(limits: Limits) -> type[ValidationRule]:
    class QueryBudget(ValidationRule):
        """Refuses a document over a limit before any other rule works on it: graphql-core's
        overlapping-fields rule is quadratic in a selection's breadth, and expanding every
        fragment spread is exponential in a document whose fragments spread each other."""

        def enter_document(self, node: DocumentNode, *_: object) -> None:
            breadth = widest_selection(node)
            if breadth > limits.max_breadth:
                self._refuse(
                    f"a selection of {breadth} fields exceeds the limit of "
                    f"{limits.max_breadth} fields in one selection"
                )
            sizes = measure(self.context.schema, node)
            for operation in sizes:
                if operation.size.depth > limits.max_depth:
                    self._refuse(
                        f"'{operation.name}' exceeds maximum operation depth of {limits.max_depth}"
                    )
            aliases = sum(op.size.aliases for op in sizes)
            if aliases > limits.max_aliases:
                self._refuse(f"{aliases} aliases found. Allowed: {limits.max_aliases}")
            cost = max((op.size.cost for op in sizes), default=0)
            if cost > limits.max_cost:
                self._refuse(
                    f"query cost {cost} exceeds the limit of {limits.max_cost}: ask for smaller "
                    "pages (`first`) or fewer nested lists"
                )

        def _refuse(self, message: str) -> None:
            # Aborting stops every other rule at once, before the expensive ones run.
            raise ValidationAbortedError(message)

    return QueryBudget


class ReportCost(SchemaExtension):
    """Puts the query's cost in the response's `extensions`, so clients can see it."""

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

    The validation rule is built once, here: the validation cache is keyed by the rule
    classes, so a class made per request would never be served from the cache.
    """
    rules: list[type[ASTValidationRule]] = [_budget_rule(limits)]
    return [
        lambda: ParserCache(maxsize=1024),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=1024),
        ReportCost,
        lambda: MaskErrors(should_mask_error=_should_mask, error_message="Internal error."),
    ]
