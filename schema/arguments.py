"""Arguments used by several fields, each described once."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from graph.vocab import ActionKind, ActionTrack, ClaimStatus, ConflictStatus

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
Jurisdiction = Annotated[
    str,
    strawberry.argument(
        description="The jurisdiction, by ISO code (`US`, `US-OR`, `EU`), name (`Oregon`) or id "
        "(`jurisdiction:US`). A status is per jurisdiction: for all of them at once, ask for "
        "the list of statuses."
    ),
]
IncludeSubdivisions = Annotated[
    bool,
    strawberry.argument(
        description="Also the jurisdictions inside the one given, at any depth (the United "
        "States and its states and cities); false: that jurisdiction alone."
    ),
]
Track = Annotated[
    ActionTrack | None,
    strawberry.argument(
        description="Only what bears on a product's approval, or only on the substance's "
        "legal status and lawful access."
    ),
]
ActionKinds = Annotated[
    list[ActionKind] | None, strawberry.argument(description="Only these kinds of action.")
]
AsOfOrToday = Annotated[
    date | None,
    strawberry.argument(
        description="The day, YYYY-MM-DD; a month (YYYY-MM) means its last day; today if not given."
    ),
]
AsOf = Annotated[
    date,
    strawberry.argument(
        description="The day to report the status on, YYYY-MM-DD; a month (YYYY-MM) means its "
        "last day."
    ),
]
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
Last = Annotated[
    int | None,
    strawberry.argument(description="The last this many items (at most 100), instead of `first`."),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="Stop before this cursor (`pageInfo.startCursor`)."),
]


def _id(example: str) -> str:
    return f"A readable regkg id, e.g. `{example}`."


# One per kind, so that each lookup's example is an id of its own kind.
SubstanceId = Annotated[str | None, strawberry.argument(description=_id("substance:mdma"))]
ConditionId = Annotated[str | None, strawberry.argument(description=_id("condition:ptsd"))]
OrganisationId = Annotated[str | None, strawberry.argument(description=_id("organisation:fda"))]
TrialId = Annotated[str | None, strawberry.argument(description=_id("trial:NCT03537014"))]
JurisdictionId = Annotated[str | None, strawberry.argument(description=_id("jurisdiction:US-OR"))]
ActionId = Annotated[str, strawberry.argument(description=_id("action:mdma-ptsd-crl"))]
SourceId = Annotated[str, strawberry.argument(description=_id("source:usona-faq"))]
