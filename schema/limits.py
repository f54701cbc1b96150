"""Limits that keep one query from taking the server down, and the extensions enforcing them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import ASTValidationRule, DocumentNode, ValidationRule
from graphql.validation.validate import ValidationAbortedError

from schema.cost import measure, widest_selection
from schema.documents import DocumentCache
from schema.errors import MaskInternalErrors


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_cost: int = 50_000
    max_breadth: int = 100
    time_budget: float = 5.0  # seconds one execution may take; 0 for no budget
    document_cache_bytes: int = 64 * 2**20


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


def extensions(limits: Limits, documents: DocumentCache) -> list[Any]:
    """Extension factories: strawberry builds fresh extensions for each request.

    Documents are parsed (with the token limit) and validated through `documents`, whose
    entries keep their validation and cost; the rules are fixed for the schema, so the
    query text is key enough. Each request reports its cost from the same entry.
    """
    rules: list[type[ASTValidationRule]] = [_budget_rule(limits)]
    return [documents.extension(rules), MaskInternalErrors]
