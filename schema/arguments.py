"""Arguments used by several fields, each described once."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from graph.vocab import ActionKind, ClaimStatus, ConflictStatus

Condition = Annotated[
    str | None,
    strawberry.argument(
        description="A condition, by id (`condition:ptsd`) or name or abbreviation (`PTSD`); "
        "narrower conditions are included."
    ),
]
Substance = Annotated[
    str,
    strawberry.argument(
        description="A substance, by id (`substance:mdma`) or name or synonym (`ecstasy`)."
    ),
]
JurisdictionArg = Annotated[
    str | None,
    strawberry.argument(
        description="A jurisdiction, by ISO code (`US`, `US-OR`, `EU`), name (`Oregon`) or id "
        "(`jurisdiction:US`)."
    ),
]
ActionKinds = Annotated[
    list[ActionKind] | None, strawberry.argument(description="Only these kinds of action.")
]
AsOf = Annotated[date, strawberry.argument(description="The day to report the status on.")]
EntityId = Annotated[
    str, strawberry.argument(description="A readable regkg id, e.g. `trial:NCT03537014`.")
]
OptionalId = Annotated[
    str | None, strawberry.argument(description="A readable regkg id, e.g. `substance:mdma`.")
]
Name = Annotated[
    str | None,
    strawberry.argument(description="A name, synonym or abbreviation; the best match is used."),
]
First = Annotated[
    int | None, strawberry.argument(description="Page size: 25 if not given, at most 100.")
]
After = Annotated[
    str | None,
    strawberry.argument(description="Continue after this cursor (`pageInfo.endCursor`)."),
]
ClaimStatusArg = Annotated[
    ClaimStatus | None, strawberry.argument(description="Only claims with this status.")
]
ConflictStatusArg = Annotated[
    ConflictStatus | None, strawberry.argument(description="Only open or only resolved.")
]
