"""Custom scalars, mapped onto the Python types that the graph stores."""

from __future__ import annotations

from collections.abc import Mapping

import strawberry
from strawberry.types.scalar import ScalarDefinition

from graph.dates import PartialDate


def _parse_partial_date(value: object) -> PartialDate:
    if not isinstance(value, str):
        raise ValueError("a PartialDate is a string: YYYY, YYYY-MM or YYYY-MM-DD")
    return PartialDate.parse(value)


SCALARS: Mapping[object, ScalarDefinition] = {
    PartialDate: strawberry.scalar(
        name="PartialDate",
        description=(
            "A date at the precision its source gives: YYYY, YYYY-MM or YYYY-MM-DD. "
            "A month-only date is never padded to the first of the month."
        ),
        serialize=str,
        parse_value=_parse_partial_date,
    )
}
