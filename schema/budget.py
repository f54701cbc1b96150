"""The time budget of one execution, enforced between objects.

Python cannot interrupt a running resolver, so the budget is checked each time the fields
of an object are about to be resolved: once the deadline has passed, every object still to
come fails at once, and the result is replaced by one error that names the limit. A query
can overrun by at most one object's fields, which the cost limit keeps few.

The check lives in graphql-core's execution (strawberry's `execution_context_class`), once
per object, rather than in a per-field middleware: that would wrap every field of every
answer, while a page of 100 items has a few hundred objects and thousands of fields.
"""

from __future__ import annotations

import math
import time
from typing import Any

from graphql import ExecutionResult, GraphQLError

from graph.errors import RegkgError
from schema.executor import RegkgExecutor


class TimeBudgetExceeded(RegkgError):
    """An execution ran past its time budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"the query ran longer than the time budget of {seconds:g} s (--time-budget) and "
            "was stopped: ask for smaller pages (`first`), fewer nested lists or a smaller depth"
        )


def budgeted_execution(seconds: float) -> type[RegkgExecutor]:
    """An execution class that stops an execution after `seconds` (0: no budget)."""

    class BudgetedExecution(RegkgExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # Built as the execution starts, after parsing and validation.
            self.deadline = time.monotonic() + seconds if seconds > 0 else math.inf
            self.exceeded: TimeBudgetExceeded | None = None

        def out_of_time(self) -> None:
            self.exceeded = self.exceeded or TimeBudgetExceeded(seconds)
            raise self.exceeded

        def build_response(self, *args: Any, **kwargs: Any) -> Any:
            response = super().build_response(*args, **kwargs)
            if self.exceeded is not None and isinstance(response, ExecutionResult):
                # Fields resolved before the deadline would make a partial answer that
                # looks complete; the one error says what happened instead.
                error = GraphQLError(str(self.exceeded), original_error=self.exceeded)
                return ExecutionResult(data=None, errors=[error])
            return response

    return BudgetedExecution


def exceeded(result_errors: list[GraphQLError] | None) -> bool:
    """Whether an execution's errors say it ran out of time."""
    return any(isinstance(e.original_error, TimeBudgetExceeded) for e in result_errors or ())
