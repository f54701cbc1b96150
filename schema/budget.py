"""The time budget of one execution, enforced between fields.

Python cannot interrupt a running resolver, so the budget is checked each time a field is
about to be resolved: once the deadline has passed, every field still to come fails at
once, and the result is replaced by one error that names the limit. A query can overrun by
at most one resolver's own work, which the cost limit keeps small.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from graph.errors import RegkgError


class TimeBudgetExceeded(RegkgError):
    """An execution ran past its time budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"the query ran longer than the time budget of {seconds:g} s (--time-budget) and "
            "was stopped: ask for smaller pages (`first`), fewer nested lists or a smaller depth"
        )


def budget_extension(seconds: float) -> Callable[[], SchemaExtension]:
    """A factory of `TimeBudget` extensions for a budget of `seconds` (0: no budget)."""

    def make() -> SchemaExtension:
        return TimeBudget(seconds)

    return make


class TimeBudget(SchemaExtension):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.deadline = float("inf")
        self.exceeded: TimeBudgetExceeded | None = None

    def on_execute(self) -> Iterator[None]:
        if self.seconds > 0:
            self.deadline = time.monotonic() + self.seconds
        yield
        if self.exceeded is not None:
            # Fields resolved before the deadline would make a partial answer that looks
            # complete; the one error says what happened instead.
            error = GraphQLError(str(self.exceeded), original_error=self.exceeded)
            self.execution_context.result = ExecutionResult(data=None, errors=[error])

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        if time.monotonic() > self.deadline:
            self.exceeded = self.exceeded or TimeBudgetExceeded(self.seconds)
            raise self.exceeded
        return _next(root, info, *args, **kwargs)


def exceeded(result_errors: list[GraphQLError] | None) -> bool:
    """Whether an execution's errors say it ran out of time."""
    return any(isinstance(e.original_error, TimeBudgetExceeded) for e in result_errors or ())
