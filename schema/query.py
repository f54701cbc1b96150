"""The root Query: lookups, filtered lists, search, status, paths and provenance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError

from graph import paths, provenance
from graph.coverage import coverage
from graph.dates import PartialDate
from graph.lookup import require_kind, resolve, trial_by_registry_id
from graph.orders import Backwards, Picked
from graph.search import SearchHit as GraphSearchHit
from graph.selection import claims_of_status, matching_actions, ordered_trials
from graph.vocab import (
    ActionKind,
    ActionTrack,
    Disclosure,
    JurisdictionLevel,
    TrialPhase,
    TrialStatus,
)
from schema import arguments as arg
from schema.changes import ChangesQuery
from schema.context import Info
from schema.enums import Relation
from schema.errors import bad_input, not_found
from schema.relay import MAX_PAGE, Connection, Node, from_global_id, paginate
from schema.resolve import graph_call, nodes, resolve_optional
from schema.scalars import last_day
from schema.types import (
    Claim,
    Condition,
    Conflict,
    Effect,
    Event,
    Jurisdiction,
    Organisation,
    RegulatoryAction,
    RegulatoryStatus,
    Source,
    Substance,
    Target,
    TimelineEntry,
    TopicCoverage,
    Trial,
    status_of,
    statuses_of,
    timeline_of,
)


@strawberry.enum(description="The kinds of entity in the graph.")
class Kind(Enum):
    SOURCE = "source"
    SUBSTANCE = "substance"
    CONDITION = "condition"
    ORGANISATION = "organisation"
    TRIAL = "trial"
    ACTION = "action"
    EVENT = "event"
    TARGET = "target"
    EFFECT = "effect"
    CLAIM = "claim"
    CONFLICT = "conflict"
    JURISDICTION = "jurisdiction"


@strawberry.enum(description="Orders for lists browsed by name or title.")
class NameOrder(Enum):
    NAME_ASC = "name_asc"
    NAME_DESC = "name_desc"


@strawberry.enum(description="Orders for lists of regulatory actions.")
class ActionOrder(Enum):
    DATE_ASC = "date_asc"
    DATE_DESC = "date_desc"


@strawberry.enum(description="Orders for lists of trials.")
class TrialOrder(Enum):
    # The values are graph.orders.TRIAL_ORDERS.
    REGISTRY_ID = "registry_id"
    START_ASC = "start"
    START_DESC = "-start"
    ENROLLMENT_DESC = "-enrollment"


@strawberry.input(description="Which regulatory actions to list; every filter given must match.")
class ActionFilter:
    kinds: list[ActionKind] | None = strawberry.field(default=None, description="Action kinds.")
    agency: str | None = strawberry.field(default=None, description="Regulator, by id or name.")
    jurisdiction: str | None = strawberry.field(
        default=None, description="Jurisdiction, by ISO code (`US`, `US-OR`), name or id."
    )
    include_subdivisions: bool = strawberry.field(
        default=False,
        description="With `jurisdiction`: also the jurisdictions inside it, at any depth (the "
        "United States and its states); false: that jurisdiction alone.",
    )
    track: ActionTrack | None = strawberry.field(
        default=None,
        description="Only actions bearing on a product's approval, or only on legal status.",
    )
    jurisdiction_levels: list[JurisdictionLevel] | None = strawberry.field(
        default=None,
        description="Only actions applying at these levels: `[SUBDIVISION, CITY]` for what "
        "states and cities did, `[COUNTRY, SUPRANATIONAL]` for national and EU decisions.",
    )
    rests_on_primary_source: bool | None = strawberry.field(
        default=None,
        description="True: only actions resting on a primary source (the body that acted, a "
        "registry, a journal, the sponsor); false: only those reported by the press or a copy "
        "alone.",
    )
    substance: str | None = strawberry.field(default=None, description="Substance, id or name.")
    condition: str | None = strawberry.field(
        default=None, description="Condition, id or name; narrower conditions are included."
    )
    disclosure: Disclosure | None = strawberry.field(
        default=None, description="Who made the action public."
    )
    since: date | None = strawberry.field(default=None, description="Dated on or after this day.")
    until: date | None = strawberry.field(default=None, description="Dated on or before this day.")


@strawberry.input(description="Which trials to list; every filter given must match.")
class TrialFilter:
    substance: str | None = strawberry.field(default=None, description="Substance, id or name.")
    condition: str | None = strawberry.field(
        default=None, description="Condition, id or name; narrower conditions are included."
    )
    phases: list[TrialPhase] | None = strawberry.field(default=None, description="Phases.")
    statuses: list[TrialStatus] | None = strawberry.field(default=None, description="Statuses.")


@strawberry.type(description="A search match: the entity, and which of its names matched.")
class SearchHit:
    kind: Kind = strawberry.field(description="The entity's kind.")
    label: str = strawberry.field(description="The entity's name or title.")
    matched: str = strawberry.field(description="The name or synonym that matched, as written.")
    field: str = strawberry.field(description="Which field holds that name (name, synonyms...).")
    score: float = strawberry.field(description="0 to 100; 100 is an exact match.")

    @strawberry.field(description="The matching entity.")
    def node(self, root: strawberry.Parent[GraphSearchHit], info: Info) -> Node:
        return info.context.kg.node(root.id)  # type: ignore[return-value]


@strawberry.type(description="One edge walked on a path.")
class PathStep:
    relation: Relation = strawberry.field(  # type: ignore[valid-type]
        description="The relation (TESTS, SPONSORED_BY...)."
    )
    forward: bool = strawberry.field(
        description="True when the edge points from `source` to `target`."
    )

    @strawberry.field(description="Where the step starts.")
    def source(self, root: strawberry.Parent[Any], info: Info) -> Node:
        return info.context.kg.node(root.source)  # type: ignore[return-value]

    @strawberry.field(description="Where the step ends.")
    def target(self, root: strawberry.Parent[Any], info: Info) -> Node:
        return info.context.kg.node(root.target)  # type: ignore[return-value]


@strawberry.type(description="A path between two entities.")
class Path:
    steps: list[PathStep] = strawberry.field(description="The edges walked, in order.")
    length: int = strawberry.field(description="Number of edges.")


@strawberry.type(description="An edge between two entities of a neighbourhood.")
class NeighbourhoodEdge:
    source: str = strawberry.field(description="regkg id of the edge's start.")
    target: str = strawberry.field(description="regkg id of the edge's end.")
    relation: Relation = strawberry.field(description="The relation.")  # type: ignore[valid-type]


@strawberry.type(description="Entities near one entity, and the edges among them.")
class Neighbourhood:
    nodes: list[Node] = strawberry.field(description="The entities, nearest first.")
    edges: list[NeighbourhoodEdge] = strawberry.field(description="Edges among them.")


@strawberry.type(description="A claim whose newest source predates the date asked about.")
class StaleClaim:
    newest_source_date: PartialDate | None = strawberry.field(
        description="Publication date of its newest dated source; null if none is dated."
    )
    claim: Claim = strawberry.field(description="The claim.")


@strawberry.type(description="How many entities of one kind the graph holds.")
class KindCount:
    kind: Kind = strawberry.field(description="The kind.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="About the data being served.")
class Meta:
    data_version: str = strawberry.field(
        description="Digest of the data files; changes whenever the data does. Cite it."
    )
    built_at: datetime = strawberry.field(description="When this server loaded the data (UTC).")
    counts: list[KindCount] = strawberry.field(description="Entities per kind.")

    @strawberry.field(
        description="What regkg covers, per substance and per jurisdiction: when each was "
        "last reviewed against its sources, what is known to be missing, how many actions it "
        "holds and the newest."
    )
    def coverage(self, info: Info) -> Coverage:
        kg = info.context.kg
        return Coverage(
            substances=coverage(kg, "substance"),  # type: ignore[arg-type]
            jurisdictions=coverage(kg, "jurisdiction"),  # type: ignore[arg-type]
        )


@strawberry.type(description="What regkg covers, topic by topic.")
class Coverage:
    substances: list[TopicCoverage] = strawberry.field(description="Every substance, by name.")
    jurisdictions: list[TopicCoverage] = strawberry.field(
        description="Every jurisdiction, by name."
    )


def _list_of(kind: str) -> Any:
    def resolver(
        info: Info,
        order: Annotated[NameOrder, strawberry.argument(description="Sort order.")] = (
            NameOrder.NAME_ASC
        ),
        first: arg.First = None,
        after: arg.After = None,
        last: arg.Last = None,
        before: arg.Before = None,
    ) -> Any:
        kg = info.context.kg
        ids: Sequence[str] = kg.by_label[kind]
        if order is NameOrder.NAME_DESC:
            ids = Backwards(ids)
        return paginate(ids, first, after, load=kg.node, last=last, before=before)

    return resolver


def _one(
    info: Info, kind: str, id: str | None, name: str | None = None, what: str = "`id` or `name`"
) -> Any:
    """The `kind` with that id, or the best match for a name; null with a NOT_FOUND error
    when there is none, as for every lookup."""
    kg = info.context.kg
    if id is not None and name is not None:
        raise bad_input(f"give {what} to look up a {kind}, not both")
    if id is not None:
        if id not in kg:
            raise not_found(f"no {kind} with id {id!r}")
        return graph_call(require_kind, kg, id, kind)
    if name is not None:
        return kg.node(graph_call(resolve, kg, kind, name))
    raise GraphQLError(f"give {what} to look up a {kind}")


def _neighbourhood(
    info: Info,
    id: arg.EntityId,
    depth: Annotated[int, strawberry.argument(description="1, 2 or 3 edges.")] = 1,
) -> Neighbourhood:
    if not 1 <= depth <= 3:
        raise GraphQLError(f"`depth` is {depth}; it must be 1, 2 or 3")
    ids, edges = graph_call(paths.neighbourhood, info.context.kg, id, depth=depth)
    return Neighbourhood(
        nodes=nodes(info, ids),
        edges=[NeighbourhoodEdge(source=s, target=t, relation=r) for s, t, r in edges],
    )


def _substance(info: Info, id_or_name: str) -> str:
    return graph_call(resolve, info.context.kg, "substance", id_or_name)


@strawberry.type(description="Ask the regulatory-status graph. Every answer carries its sources.")
class Query(ChangesQuery):
    @strawberry.field(description="Any entity by its global id.")
    def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        node_id = from_global_id(str(id))
        if node_id not in info.context.kg:
            raise not_found(f"no entity with id {id!r}")
        return info.context.kg.node(node_id)  # type: ignore[return-value]

    @strawberry.field(description="Entities by global ids, in order; null for unknown ids.")
    def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids.")],
    ) -> list[Node | None]:
        kg = info.context.kg
        if len(ids) > MAX_PAGE:
            raise GraphQLError(f"{len(ids)} ids asked for; the limit is {MAX_PAGE}")
        found = [from_global_id(str(i)) for i in ids]
        return [kg.node(n) if n in kg else None for n in found]  # type: ignore[misc]

    @strawberry.field(description="Any entity by its readable regkg id (`trial:NCT03537014`).")
    def entity(self, info: Info, id: arg.EntityId) -> Node | None:
        if id not in info.context.kg:
            raise not_found(f"no entity with id {id!r}")
        return info.context.kg.node(id)  # type: ignore[return-value]

    @strawberry.field(description="A substance by id (`substance:mdma`) or by name or synonym.")
    def substance(
        self, info: Info, id: arg.SubstanceId = None, name: arg.Name = None
    ) -> Substance | None:
        return _one(info, "substance", id, name)

    @strawberry.field(description="A condition by id or by name, synonym or abbreviation.")
    def condition(
        self, info: Info, id: arg.ConditionId = None, name: arg.Name = None
    ) -> Condition | None:
        return _one(info, "condition", id, name)

    @strawberry.field(description="An organisation by id or by name (former names included).")
    def organisation(
        self, info: Info, id: arg.OrganisationId = None, name: arg.Name = None
    ) -> Organisation | None:
        return _one(info, "organisation", id, name)

    @strawberry.field(description="A trial by id (`trial:NCT03537014`) or registry id.")
    def trial(
        self,
        info: Info,
        id: arg.TrialId = None,
        registry_id: Annotated[
            str | None, strawberry.argument(description="Registry id, e.g. `NCT03537014`.")
        ] = None,
    ) -> Trial | None:
        if id is not None and registry_id is not None:
            raise bad_input("give `id` or `registryId` to look up a trial, not both")
        if registry_id is not None:
            found = trial_by_registry_id(info.context.kg, registry_id.strip())
            if found is None:
                raise not_found(f"no trial with registry id {registry_id.strip()!r}")
            return _one(info, "trial", found)
        return _one(info, "trial", id, what="`id` or `registryId`")

    @strawberry.field(
        description="A jurisdiction by id (`jurisdiction:US-OR`), ISO code (`US-OR`) or name."
    )
    def jurisdiction(
        self, info: Info, id: arg.JurisdictionId = None, name: arg.Name = None
    ) -> Jurisdiction | None:
        return _one(info, "jurisdiction", id, name)

    @strawberry.field(description="A regulatory action by id.")
    def regulatory_action(self, info: Info, id: arg.ActionId) -> RegulatoryAction | None:
        return _one(info, "action", id)

    @strawberry.field(description="A source by id.")
    def source(self, info: Info, id: arg.SourceId) -> Source | None:
        return _one(info, "source", id)

    substances: Connection[Substance] = strawberry.field(
        resolver=_list_of("substance"), description="All substances, by name."
    )
    conditions: Connection[Condition] = strawberry.field(
        resolver=_list_of("condition"), description="All conditions, by name."
    )
    organisations: Connection[Organisation] = strawberry.field(
        resolver=_list_of("organisation"), description="All organisations, by name."
    )
    sources: Connection[Source] = strawberry.field(
        resolver=_list_of("source"), description="All sources, by title."
    )
    events: Connection[Event] = strawberry.field(
        resolver=_list_of("event"), description="All events, by summary."
    )
    targets: Connection[Target] = strawberry.field(
        resolver=_list_of("target"), description="Neurotransmitters, hormones, brain regions."
    )
    jurisdictions: Connection[Jurisdiction] = strawberry.field(
        resolver=_list_of("jurisdiction"), description="All jurisdictions, by name."
    )
    effects: Connection[Effect] = strawberry.field(
        resolver=_list_of("effect"), description="Effects of substances on targets."
    )

    @strawberry.field(description="Trials matching a filter.")
    def trials(
        self,
        info: Info,
        filter: Annotated[
            TrialFilter | None, strawberry.argument(description="Which trials.")
        ] = None,
        order: Annotated[TrialOrder, strawberry.argument(description="Sort order.")] = (
            TrialOrder.REGISTRY_ID
        ),
        first: Annotated[
            int | None, strawberry.argument(description="Page size (max 100).")
        ] = None,
        after: arg.After = None,
        last: arg.Last = None,
        before: arg.Before = None,
    ) -> Connection[Trial]:
        kg = info.context.kg
        f = filter or TrialFilter()
        ids = graph_call(
            ordered_trials,
            kg,
            order.value,
            substance=resolve_optional(info, "substance", f.substance),
            condition=resolve_optional(info, "condition", f.condition),
            phases=[p.value for p in f.phases or ()],
            statuses=[s.value for s in f.statuses or ()],
        )
        return paginate(ids, first, after, load=info.context.kg.node, last=last, before=before)

    @strawberry.field(description="Regulatory actions matching a filter, by date.")
    def regulatory_actions(
        self,
        info: Info,
        filter: Annotated[
            ActionFilter | None, strawberry.argument(description="Which actions.")
        ] = None,
        order: Annotated[ActionOrder, strawberry.argument(description="Sort order.")] = (
            ActionOrder.DATE_ASC
        ),
        first: Annotated[
            int | None, strawberry.argument(description="Page size (max 100).")
        ] = None,
        after: arg.After = None,
        last: arg.Last = None,
        before: arg.Before = None,
    ) -> Connection[RegulatoryAction]:
        f = filter or ActionFilter()
        ids = graph_call(
            matching_actions,
            info.context.kg,
            kinds=[k.value for k in f.kinds or ()],
            agency=resolve_optional(info, "organisation", f.agency),
            jurisdiction=resolve_optional(info, "jurisdiction", f.jurisdiction),
            include_subdivisions=f.include_subdivisions,
            tracks=() if f.track is None else (f.track.value,),
            jurisdiction_levels=[level.value for level in f.jurisdiction_levels or ()],
            substance=resolve_optional(info, "substance", f.substance),
            condition=resolve_optional(info, "condition", f.condition),
            disclosure=f.disclosure.value if f.disclosure else None,
            since=f.since,
            until=last_day(f.until) if f.until else None,
            rests_on_primary_source=f.rests_on_primary_source,
            newest=order is ActionOrder.DATE_DESC,
        )
        return paginate(ids, first, after, load=info.context.kg.node, last=last, before=before)

    @strawberry.field(description="Claims, optionally only those of one status.")
    def claims(
        self,
        info: Info,
        status: arg.ClaimStatusArg = None,
        first: Annotated[
            int | None, strawberry.argument(description="Page size (max 100).")
        ] = None,
        after: arg.After = None,
        last: arg.Last = None,
        before: arg.Before = None,
    ) -> Connection[Claim]:
        kg = info.context.kg
        ids = claims_of_status(kg, status.value if status else None)
        return paginate(ids, first, after, load=kg.node, last=last, before=before)

    @strawberry.field(
        description="Entities whose name or synonym matches the text, best first: the best "
        "100 matches, a page at a time."
    )
    def search(
        self,
        info: Info,
        text: Annotated[str, strawberry.argument(description="What to look for.")],
        kinds: Annotated[
            list[Kind] | None, strawberry.argument(description="Only these kinds.")
        ] = None,
        first: Annotated[
            int | None,
            strawberry.argument(description="How many matches (max 100); 10 if not given."),
        ] = None,
        after: arg.After = None,
        last: arg.Last = None,
        before: arg.Before = None,
    ) -> Connection[SearchHit]:
        kg = info.context.kg
        wanted = tuple(k.value for k in kinds or ())
        # The next page of a search reads the matches found for the first.
        hits = kg.kept.get(
            ("search", text, wanted), lambda: kg.names.search(text, kinds=wanted, limit=MAX_PAGE)
        )
        if first is None and last is None:
            first = 10
        return paginate(hits, first, after, last=last, before=before)

    @strawberry.field(
        description="The status of a substance in one jurisdiction on a date (default today), "
        "optionally for a condition: the approval of a product and the legal status of the "
        "substance, apart, each with the actions that produced it. NO_RECORD where regkg holds "
        "none. For every jurisdiction at once, ask `regulatoryStatuses`."
    )
    def regulatory_status(
        self,
        info: Info,
        substance: arg.Substance,
        jurisdiction: arg.Jurisdiction,
        condition: arg.Condition = None,
        as_of: arg.AsOfOrToday = None,
    ) -> RegulatoryStatus:
        day = last_day(as_of) if as_of else date.today()
        return status_of(info, _substance(info, substance), day, condition, jurisdiction)

    @strawberry.field(
        description="The status of a substance on a date (default today) in every "
        "jurisdiction where regkg holds actions on it, one status each, a country before its "
        "states. With `jurisdiction`, that one first (even with nothing recorded) and, with "
        "`includeSubdivisions`, those inside it that hold actions."
    )
    def regulatory_statuses(
        self,
        info: Info,
        substance: arg.Substance,
        condition: arg.Condition = None,
        jurisdiction: arg.JurisdictionArg = None,
        include_subdivisions: arg.IncludeSubdivisions = False,
        as_of: arg.AsOfOrToday = None,
    ) -> list[RegulatoryStatus]:
        day = last_day(as_of) if as_of else date.today()
        return statuses_of(
            info, _substance(info, substance), day, condition, jurisdiction, include_subdivisions
        )

    @strawberry.field(description="Everything dated about a substance, oldest first.")
    def timeline(
        self,
        info: Info,
        substance: arg.Substance,
        condition: arg.Condition = None,
        jurisdiction: arg.JurisdictionArg = None,
        include_trials: Annotated[
            bool, strawberry.argument(description="Include trial milestones.")
        ] = True,
        include_subdivisions: arg.IncludeSubdivisions = False,
        track: arg.Track = None,
    ) -> list[TimelineEntry]:
        return timeline_of(
            info,
            _substance(info, substance),
            condition,
            jurisdiction,
            include_subdivisions,
            track,
            include_trials,
        )

    @strawberry.field(description="Shortest paths between two entities (regkg ids), any direction.")
    def path(
        self,
        info: Info,
        from_: Annotated[
            str, strawberry.argument(name="from", description="regkg id of the start.")
        ],
        to: Annotated[str, strawberry.argument(description="regkg id of the end.")],
        first: Annotated[int, strawberry.argument(description="How many paths (max 20).")] = 5,
    ) -> list[Path]:
        if not 1 <= first <= 20:
            raise GraphQLError(f"`first` is {first}; it must be between 1 and 20")
        found = graph_call(paths.shortest_paths, info.context.kg, from_, to, limit=first)
        return [Path(steps=steps, length=len(steps)) for steps in found]

    neighbourhood: Neighbourhood = strawberry.field(
        resolver=_neighbourhood,
        description="Entities within `depth` edges of one entity (max depth 3).",
    )
    neighborhood: Neighbourhood = strawberry.field(
        resolver=_neighbourhood,
        description="Entities within `depth` edges of one entity (max depth 3).",
        deprecation_reason="Use `neighbourhood`: one spelling for the field and its type. "
        "Deprecated 2026-12-02; removed no sooner than 2027-06-02.",
    )

    @strawberry.field(description="Where sources disagree: claims in conflict, and how it stands.")
    def conflicts(self, info: Info, status: arg.ConflictStatusArg = None) -> list[Conflict]:
        kg = info.context.kg
        every = kg.by_kind["conflict"]
        if status is None:
            return nodes(info, list(every))
        # Read where the conflicts of that status stand, kept since loading.
        return nodes(info, Picked(every, [kg.indexes.conflicts_of(status.value)])[:])

    @strawberry.field(description="Claims whose newest source was published before a date.")
    def stale_claims(
        self,
        info: Info,
        older_than: Annotated[
            date, strawberry.argument(description="Claims whose sources all predate this.")
        ],
        first: arg.First = None,
        after: arg.After = None,
        last: arg.Last = None,
        before: arg.Before = None,
    ) -> Connection[StaleClaim]:
        kg = info.context.kg

        def load(found: tuple[str, PartialDate | None]) -> StaleClaim:
            claim, newest = found
            return StaleClaim(newest_source_date=newest, claim=kg.node(claim))  # type: ignore[arg-type]

        return paginate(
            provenance.stale_claims(kg, older_than),
            first,
            after,
            load=load,
            last=last,
            before=before,
        )

    @strawberry.field(description="The data version, load time and counts.")
    def meta(self, info: Info) -> Meta:
        kg = info.context.kg
        return Meta(
            data_version=kg.version,
            built_at=kg.built_at,
            counts=[KindCount(kind=Kind(k), count=len(v)) for k, v in sorted(kg.by_kind.items())],
        )
