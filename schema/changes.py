"""What changed in the data: `changes(since:)`, read from the data's recorded history."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError

from graph import diff
from graph.diff import CITATIONS, show
from graph.history import net_changes_since, parse_since
from schema import arguments as arg
from schema.context import Info
from schema.relay import Connection, Node, paginate
from schema.resolve import graph_call
from schema.types import Source


@strawberry.enum(description="How a record changed.")
class ChangeType(Enum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@strawberry.type(description="One field of a record before and after a change.")
class FieldChange:
    field: str = strawberry.field(description="The field's name as in the data files.")

    @strawberry.field(description="The value before, as written (lists as JSON); null if unset.")
    def old(self, root: strawberry.Parent[Any]) -> str | None:
        return None if root.old is None else show(root.old)

    @strawberry.field(description="The value after, as written (lists as JSON); null if unset.")
    def new(self, root: strawberry.Parent[Any]) -> str | None:
        return None if root.new is None else show(root.new)


@strawberry.type(description="A citation added to or removed from a record.")
class CitationChange:
    @strawberry.field(description="regkg id of the cited source.")
    def source_id(self, root: strawberry.Parent[Any]) -> str:
        return str(root.get("source", ""))

    @strawberry.field(description="The cited source, if the data still holds it.")
    def source(self, root: strawberry.Parent[Any], info: Info) -> Source | None:
        found = root.get("source")
        kg = info.context.kg
        return kg.node(found) if isinstance(found, str) and found in kg else None  # type: ignore[return-value]

    @strawberry.field(description="The quotation.")
    def quote(self, root: strawberry.Parent[Any]) -> str | None:
        quote = root.get("quote")
        return quote if isinstance(quote, str) else None

    @strawberry.field(description="The fields the citation supports; empty: all of them.")
    def supports(self, root: strawberry.Parent[Any]) -> list[str]:
        supports = root.get("supports")
        return [str(s) for s in supports] if isinstance(supports, list) else []


@strawberry.type(description="A record added, changed or removed, and what changed in it.")
class RecordChange:
    regkg_id: str = strawberry.field(description="The record's id, e.g. `trial:NCT03537014`.")
    label: str = strawberry.field(description="Its name, title or summary.")
    kind: str = strawberry.field(description="Its kind: trial, action, claim...")
    data_version: str = strawberry.field(description="The data version that made the change.")
    recorded: datetime = strawberry.field(description="When that data version was written.")

    @strawberry.field(description="Added, changed or removed.")
    def change(self, root: strawberry.Parent[Any]) -> ChangeType:
        return ChangeType(root.change.value)

    @strawberry.field(description="The fields that changed, before and after (citations apart).")
    def fields(self, root: strawberry.Parent[Any]) -> list[FieldChange]:
        return [f for f in root.fields if f.field != CITATIONS]

    @strawberry.field(description="Citations the change added.")
    def citations_added(self, root: strawberry.Parent[Any]) -> list[CitationChange]:
        return [c for c in root.citations()[0] if isinstance(c, dict)]  # type: ignore[misc]

    @strawberry.field(description="Citations the change removed.")
    def citations_removed(self, root: strawberry.Parent[Any]) -> list[CitationChange]:
        return [c for c in root.citations()[1] if isinstance(c, dict)]  # type: ignore[misc]

    @strawberry.field(description="The record as served now; null once removed.")
    def entity(self, root: strawberry.Parent[Any], info: Info) -> Node | None:
        kg = info.context.kg
        return kg.node(root.id) if root.id in kg else None  # type: ignore[return-value]


@strawberry.type
class ChangesQuery:
    """The root field, kept apart so the root query only inherits it."""

    @strawberry.field(
        description="Records added, changed or removed since a day or a data version, one "
        "entry per record with its net change, newest first. Only changes recorded by "
        "imports and syncs are known."
    )
    def changes(
        self,
        info: Info,
        since: Annotated[
            str,
            strawberry.argument(
                description="A day (YYYY-MM-DD, UTC; changes on and after it) or a data "
                "version (`meta { dataVersion }`; changes after it)."
            ),
        ],
        first: arg.First = None,
        after: arg.After = None,
    ) -> Connection[RecordChange]:
        try:
            start = parse_since(since)
        except ValueError as exc:
            raise GraphQLError(str(exc)) from None
        found = graph_call(net_changes_since, info.context.kg, start)
        return paginate(found, first, after, load=_Row)


class _Row:
    """A `graph.diff.RecordChange` as the GraphQL type reads it."""

    def __init__(self, change: diff.RecordChange) -> None:
        self.id = change.id
        self.regkg_id = change.id
        self.label = change.label
        self.kind = change.kind
        self.data_version = change.version
        self.recorded = change.recorded
        self.change = change.change
        self.fields = change.fields
        self.citations = change.citations
