"""One GraphQL type per kind of node.

Each type's root is its node's attribute mapping; plain fields are read from it by the
schema's default resolver, and each field is declared here once, with the description
the model gives it (`graph.model`), so GraphiQL's docs pane and the data format agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Final

import strawberry

from graph import provenance
from graph.attributes import Attributes
from graph.coverage import topic_coverage
from graph.dates import PartialDate
from graph.lookup import name_on
from graph.model import KINDS, SOURCES_FIELD
from graph.records import action_date
from graph.selection import actions as select_actions
from graph.selection import claims as select_claims
from graph.selection import trials as select_trials
from graph.status import LegalStanding, Phase, status_as_of, statuses_as_of, timeline
from graph.vocab import (
    ActionKind,
    ActionTrack,
    ClaimStatus,
    ConflictStatus,
    Disclosure,
    EffectDirection,
    EnrollmentType,
    EventType,
    JurisdictionLevel,
    OrganisationType,
    SourceType,
    StudyType,
    TargetType,
    TrialPhase,
    TrialStatus,
    UsSchedule,
    track_of,
)
from schema import arguments as arg
from schema import enums as _enums  # noqa: F401  (registers the vocabularies as enums)
from schema.context import Info
from schema.enums import TimelineKind
from schema.relay import Node
from schema.resolve import (
    NodeAttrs,
    follow,
    follow_all,
    graph_call,
    incoming,
    node_at,
    nodes,
    resolve_optional,
)
from schema.scalars import Url, last_day

Parent = strawberry.Parent[NodeAttrs]


def doc(kind: str, name: str) -> Any:
    """A field described as the model describes it."""
    return strawberry.field(description=KINDS[kind].by_name[name].doc)


def part_doc(kind: str, name: str, part: str) -> str:
    """The model's description of one part of a structured field (a vote's `yes`)."""
    spec = SOURCES_FIELD if name == SOURCES_FIELD.name else KINDS[kind].by_name[name]
    return next(p.doc for p in spec.parts if p.name == part)


def _snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _is(kind: str) -> Any:
    def is_type_of(cls: type, obj: object, info: Any) -> bool:
        # Asked of every node an answer holds: a graph node's class is checked first, as
        # testing for any Mapping goes through the abc machinery.
        if type(obj) is Attributes:
            return bool(obj["kind"] == kind)
        return isinstance(obj, Mapping) and obj.get("kind") == kind

    return classmethod(is_type_of)


@strawberry.type(description="A source cited for a fact, with the quote that supports it.")
class Citation:
    quote: str | None = strawberry.field(description=part_doc("source", "sources", "quote"))
    note: str | None = strawberry.field(description=part_doc("source", "sources", "note"))
    derived: str | None = strawberry.field(description=part_doc("source", "sources", "derived"))

    @strawberry.field(description="The cited source.")
    def source(self, root: strawberry.Parent[Any], info: Info) -> Source:
        return node_at(info, root.source)

    @strawberry.field(
        description="Fields this citation supports (GraphQL names); empty means the whole record."
    )
    def supports(self, root: strawberry.Parent[Any]) -> list[str]:
        return [_snake_to_camel(name) for name in root.supports]


@strawberry.type(
    description="The best kind of source a record rests on, so that a reader can keep to "
    "facts that rest on the body that acted or on the record itself."
)
class Evidence:
    best_source_kind: SourceType | None = strawberry.field(
        description="The kind of its best-ranked source (regulator first, secondary copy "
        "last); for a source, its own kind; null for a record that cites nothing."
    )
    primary: bool = strawberry.field(
        description="True when that kind is primary: a regulator, legislature, court, "
        "registry, journal or the sponsor itself, not the press, a reference work or a copy."
    )


@strawberry.interface(
    description="An entity with its citations, a ready-made citation line, and the claims "
    "sources make about it."
)
class Sourced(Node):
    @strawberry.field(
        description="Every citation backing this entity, with quotes, the sources closest to "
        "the fact first (the regulator's own page before the press, the press before a copy)."
    )
    def sources(self, root: Parent, info: Info) -> list[Citation]:
        return provenance.ranked(info.context.kg, root)  # type: ignore[return-value]

    # Named for what it says: `evidence` is an effect's own field (how strong the research is).
    @strawberry.field(description="The best kind of source this entity rests on.")
    def rests_on(self, root: Parent, info: Info) -> Evidence:
        return provenance.evidence(info.context.kg, str(root["id"]))  # type: ignore[return-value]

    @strawberry.field(description="A ready-made citation line: what, which sources, data version.")
    def how_to_cite(self, root: Parent, info: Info) -> str:
        return provenance.how_to_cite(info.context.kg, str(root["id"]))

    @strawberry.field(description="Statements that sources make about this entity.")
    def claims(self, root: Parent, info: Info) -> list[Claim]:
        return nodes(info, select_claims(info.context.kg, about=str(root["id"])))

    @strawberry.field(description="Where the record is curated (file:line in data/).")
    def origin(self, root: Parent) -> str:
        return str(root["origin"])


@strawberry.type(description=KINDS["source"].doc)
class Source(Sourced):
    is_type_of = _is("source")
    url: Url | None = doc("source", "url")
    title: str = doc("source", "title")
    publisher: str = doc("source", "publisher")
    published: PartialDate | None = doc("source", "published")
    type: SourceType = doc("source", "type")
    retrieved: PartialDate | None = doc("source", "retrieved")
    licence: str | None = doc("source", "licence")
    original: str | None = doc("source", "original")
    held: str | None = doc("source", "held")
    sponsor_affiliated: bool | None = doc("source", "sponsor_affiliated")
    caveat: str | None = doc("source", "caveat")
    machine_written: bool | None = doc("source", "machine_written")

    @strawberry.field(description="How many records cite this source.")
    def cited_by_count(self, root: Parent, info: Info) -> int:
        return len(provenance.cited_by(info.context.kg, str(root["id"])))

    @strawberry.field(
        description="What rests on this source: every citation of it, with the record or "
        "claim that makes it (a claim's `status` says whether it holds), by record id."
    )
    def supports(self, root: Parent, info: Info) -> list[Support]:
        return provenance.citations_of(info.context.kg, str(root["id"]))  # type: ignore[return-value]


@strawberry.type(description="One citation of a source, and the record that makes it.")
class Support:
    @strawberry.field(description="The record or claim citing the source.")
    def record(self, root: strawberry.Parent[Any], info: Info) -> Sourced:
        return node_at(info, root[0])

    @strawberry.field(
        description="The citation: its quote, the fields it supports, and how a value was "
        "derived where the quote cannot carry it."
    )
    def citation(self, root: strawberry.Parent[Any]) -> Citation:
        return root[1]


@strawberry.type(description="A name an organisation used, and when.")
class NameInUse:
    name: str = strawberry.field(description=part_doc("organisation", "names", "name"))

    @strawberry.field(name="from", description=part_doc("organisation", "names", "from"))
    def from_(self, root: Parent) -> PartialDate | None:
        return root.get("from")

    @strawberry.field(name="to", description=part_doc("organisation", "names", "to"))
    def to(self, root: Parent) -> PartialDate | None:
        return root.get("to")


@strawberry.type(description="An advisory committee's vote on one question.")
class Vote:
    question: str = strawberry.field(description=part_doc("action", "votes", "question"))
    yes: int = strawberry.field(description=part_doc("action", "votes", "yes"))
    no: int = strawberry.field(description=part_doc("action", "votes", "no"))
    abstain: int | None = strawberry.field(description=part_doc("action", "votes", "abstain"))


# A substance's status and timeline are asked on the substance and at the root (by name):
# both read their arguments here.
def status_of(
    info: Info, substance: str, as_of: date, condition: str | None, jurisdiction: str | None
) -> Any:
    return graph_call(
        status_as_of,
        info.context.kg,
        substance,
        as_of,
        resolve_optional(info, "condition", condition),
        resolve_optional(info, "jurisdiction", jurisdiction),
    )


def statuses_of(
    info: Info,
    substance: str,
    as_of: date,
    condition: str | None,
    jurisdiction: str | None,
    include_subdivisions: bool,
) -> Any:
    return graph_call(
        statuses_as_of,
        info.context.kg,
        substance,
        as_of,
        resolve_optional(info, "condition", condition),
        resolve_optional(info, "jurisdiction", jurisdiction),
        include_subdivisions,
    )


def timeline_of(
    info: Info,
    substance: str,
    condition: str | None,
    jurisdiction: str | None,
    include_subdivisions: bool,
    track: Any,
    include_trials: bool = True,
) -> Any:
    return graph_call(
        timeline,
        info.context.kg,
        substance,
        condition=resolve_optional(info, "condition", condition),
        jurisdiction=resolve_optional(info, "jurisdiction", jurisdiction),
        include_trials=include_trials,
        include_subdivisions=include_subdivisions,
        track=track,
    )


@strawberry.type(description=KINDS["substance"].doc)
class Substance(Sourced):
    is_type_of = _is("substance")
    name: str = doc("substance", "name")
    inn: str | None = doc("substance", "inn")
    chemical_name: str | None = doc("substance", "chemical_name")
    code_names: list[str] = doc("substance", "code_names")
    brand_names: list[str] = doc("substance", "brand_names")
    synonyms: list[str] = doc("substance", "synonyms")
    drug_class: str | None = doc("substance", "drug_class")
    us_schedule: UsSchedule | None = doc("substance", "us_schedule")
    description: str | None = doc("substance", "description")
    reviewed: PartialDate | None = doc("substance", "reviewed")
    gaps: list[str] = doc("substance", "gaps")

    @strawberry.field(description=KINDS["substance"].by_name["street_form_of"].doc)
    def street_form_of(self, root: Parent, info: Info) -> Substance | None:
        return follow(info, root, "street_form_of")

    @strawberry.field(description="Street products sold as this substance (ecstasy for MDMA).")
    def street_forms(self, root: Parent, info: Info) -> list[Substance]:
        return incoming(info, root, "street_form_of")

    @strawberry.field(description=KINDS["substance"].by_name["analog_of"].doc)
    def analog_of(self, root: Parent, info: Info) -> Substance | None:
        return follow(info, root, "analog_of")

    @strawberry.field(description=KINDS["substance"].by_name["developers"].doc)
    def developers(self, root: Parent, info: Info) -> list[Organisation]:
        return follow_all(info, root, "developers")

    @strawberry.field(description="Trials testing it, optionally for one condition (id or name).")
    def trials(self, root: Parent, info: Info, condition: arg.Condition = None) -> list[Trial]:
        kg = info.context.kg
        wanted = resolve_optional(info, "condition", condition)
        return nodes(info, graph_call(select_trials, kg, substance=root["id"], condition=wanted))

    @strawberry.field(description="Regulatory actions concerning it, oldest first.")
    def actions(
        self,
        root: Parent,
        info: Info,
        kinds: arg.ActionKinds = None,
        jurisdiction: arg.JurisdictionArg = None,
        condition: arg.Condition = None,
    ) -> list[RegulatoryAction]:
        ids = graph_call(
            select_actions,
            info.context.kg,
            kinds=kinds or (),
            jurisdiction=resolve_optional(info, "jurisdiction", jurisdiction),
            substance=root["id"],
            condition=resolve_optional(info, "condition", condition),
        )
        return nodes(info, ids)

    @strawberry.field(
        description="What regkg covers on it: review date, gaps, actions and the newest one."
    )
    def coverage(self, root: Parent, info: Info) -> TopicCoverage:
        return topic_coverage(info.context.kg, str(root["id"]))  # type: ignore[return-value]

    @strawberry.field(description="What it does to neurotransmitters, hormones and brain regions.")
    def effects(self, root: Parent, info: Info) -> list[Effect]:
        return incoming(info, root, "has_effect_of")

    @strawberry.field(
        description="Its status in one jurisdiction on a date, optionally for one condition: "
        "the approval of a product and the legal status, apart, with the actions behind them."
    )
    def status(
        self,
        root: Parent,
        info: Info,
        as_of: arg.AsOf,
        jurisdiction: arg.Jurisdiction,
        condition: arg.Condition = None,
    ) -> RegulatoryStatus:
        return status_of(info, root["id"], last_day(as_of), condition, jurisdiction)

    @strawberry.field(
        description="Its status on a date in every jurisdiction where regkg holds actions on "
        "it, a country before its states; with `jurisdiction`, that one first and, with "
        "`includeSubdivisions`, those inside it that hold actions."
    )
    def statuses(
        self,
        root: Parent,
        info: Info,
        as_of: arg.AsOf,
        condition: arg.Condition = None,
        jurisdiction: arg.JurisdictionArg = None,
        include_subdivisions: arg.IncludeSubdivisions = False,
    ) -> list[RegulatoryStatus]:
        return statuses_of(
            info, root["id"], last_day(as_of), condition, jurisdiction, include_subdivisions
        )

    @strawberry.field(description="Everything dated about it, oldest first.")
    def timeline(
        self,
        root: Parent,
        info: Info,
        condition: arg.Condition = None,
        jurisdiction: arg.JurisdictionArg = None,
        include_subdivisions: arg.IncludeSubdivisions = False,
        track: arg.Track = None,
    ) -> list[TimelineEntry]:
        return timeline_of(info, root["id"], condition, jurisdiction, include_subdivisions, track)


@strawberry.type(description=KINDS["condition"].doc)
class Condition(Sourced):
    is_type_of = _is("condition")
    name: str = doc("condition", "name")
    abbreviations: list[str] = doc("condition", "abbreviations")
    synonyms: list[str] = doc("condition", "synonyms")
    description: str | None = doc("condition", "description")

    @strawberry.field(description=KINDS["condition"].by_name["broader"].doc)
    def broader(self, root: Parent, info: Info) -> list[Condition]:
        return follow_all(info, root, "broader")

    @strawberry.field(description="Conditions directly under this one.")
    def narrower(self, root: Parent, info: Info) -> list[Condition]:
        return incoming(info, root, "narrower_than")

    @strawberry.field(description="Trials studying it or a narrower condition.")
    def trials(self, root: Parent, info: Info) -> list[Trial]:
        return nodes(info, select_trials(info.context.kg, condition=str(root["id"])))

    @strawberry.field(description="Regulatory actions for it or a narrower condition.")
    def actions(self, root: Parent, info: Info) -> list[RegulatoryAction]:
        return nodes(info, select_actions(info.context.kg, condition=str(root["id"])))


@strawberry.type(description=KINDS["organisation"].doc)
class Organisation(Sourced):
    is_type_of = _is("organisation")
    name: str = doc("organisation", "name")
    names: list[NameInUse] = doc("organisation", "names")
    abbreviations: list[str] = doc("organisation", "abbreviations")
    type: OrganisationType = doc("organisation", "type")
    founded: PartialDate | None = doc("organisation", "founded")
    description: str | None = doc("organisation", "description")

    @strawberry.field(description=KINDS["organisation"].by_name["parent"].doc)
    def parent(self, root: Parent, info: Info) -> Organisation | None:
        return follow(info, root, "parent")

    @strawberry.field(description=KINDS["organisation"].by_name["country"].doc)
    def country(self, root: Parent, info: Info) -> Jurisdiction | None:
        return follow(info, root, "country")

    @strawberry.field(description="The name it went by on a date (its current name if unknown).")
    def name_on(
        self,
        root: Parent,
        on: Annotated[date, strawberry.argument(description="The day.")],
    ) -> str:
        return name_on(root, on)

    @strawberry.field(description="Trials it sponsors as lead sponsor.")
    def sponsored_trials(self, root: Parent, info: Info) -> list[Trial]:
        return incoming(info, root, "sponsored_by")

    @strawberry.field(description="Regulatory actions where it is the applicant or sponsor.")
    def applications(self, root: Parent, info: Info) -> list[RegulatoryAction]:
        return incoming(info, root, "applicant")

    @strawberry.field(description="Regulatory actions it took, for a regulator.")
    def actions_taken(self, root: Parent, info: Info) -> list[RegulatoryAction]:
        return incoming(info, root, "by_agency")


@strawberry.type(description=KINDS["trial"].doc)
class Trial(Sourced):
    is_type_of = _is("trial")
    registry_id: str = doc("trial", "registry_id")
    title: str = doc("trial", "title")
    acronym: str | None = doc("trial", "acronym")
    study_type: StudyType | None = doc("trial", "study_type")
    phase: TrialPhase | None = doc("trial", "phase")
    status: TrialStatus | None = doc("trial", "status")
    why_stopped: str | None = doc("trial", "why_stopped")
    enrollment: int | None = doc("trial", "enrollment")
    enrollment_type: EnrollmentType | None = doc("trial", "enrollment_type")
    first_posted: PartialDate | None = doc("trial", "first_posted")
    start: PartialDate | None = doc("trial", "start")
    primary_completion: PartialDate | None = doc("trial", "primary_completion")
    completion: PartialDate | None = doc("trial", "completion")
    summary: str | None = doc("trial", "summary")

    @strawberry.field(description="The record's page on its registry.")
    def registry_url(self, root: Parent) -> Url | None:
        registry_id = str(root["registry_id"])
        if registry_id.startswith("NCT"):
            return Url(f"https://clinicaltrials.gov/study/{registry_id}")
        return None

    @strawberry.field(description=KINDS["trial"].by_name["sponsor"].doc)
    def sponsor(self, root: Parent, info: Info) -> Organisation | None:
        return follow(info, root, "sponsor")

    @strawberry.field(description=KINDS["trial"].by_name["collaborators"].doc)
    def collaborators(self, root: Parent, info: Info) -> list[Organisation]:
        return follow_all(info, root, "collaborators")

    @strawberry.field(description=KINDS["trial"].by_name["substances"].doc)
    def substances(self, root: Parent, info: Info) -> list[Substance]:
        return follow_all(info, root, "substances")

    @strawberry.field(description=KINDS["trial"].by_name["conditions"].doc)
    def conditions(self, root: Parent, info: Info) -> list[Condition]:
        return follow_all(info, root, "conditions")

    @strawberry.field(description=KINDS["trial"].by_name["publications"].doc)
    def publications(self, root: Parent, info: Info) -> list[Source]:
        return follow_all(info, root, "publications")

    @strawberry.field(description=KINDS["trial"].by_name["expanded_access_record"].doc)
    def expanded_access_record(self, root: Parent, info: Info) -> Trial | None:
        return follow(info, root, "expanded_access_record")

    @strawberry.field(description="Regulatory actions that cover this trial or record.")
    def actions(self, root: Parent, info: Info) -> list[RegulatoryAction]:
        return incoming(info, root, "covers")


@strawberry.type(name="RegulatoryAction", description=KINDS["action"].doc)
class RegulatoryAction(Sourced):
    is_type_of = _is("action")
    action: ActionKind = doc("action", "action")
    summary: str = doc("action", "summary")
    date: PartialDate | None = doc("action", "date")
    announced: PartialDate | None = doc("action", "announced")
    effective: PartialDate | None = doc("action", "effective")
    ended: PartialDate | None = doc("action", "ended")
    date_note: str | None = doc("action", "date_note")
    disclosure: Disclosure = doc("action", "disclosure")
    application_number: str | None = doc("action", "application_number")
    product: str | None = doc("action", "product")
    outcome: str | None = doc("action", "outcome")
    votes: list[Vote] = doc("action", "votes")
    status: ClaimStatus | None = doc("action", "status")

    @strawberry.field(
        description="Which status the action bears on: a product's approval, or the "
        "substance's legal status and lawful access."
    )
    def track(self, root: Parent) -> ActionTrack:
        return track_of(str(root["action"]))

    @strawberry.field(description=KINDS["action"].by_name["agency"].doc)
    def agency(self, root: Parent, info: Info) -> Organisation:
        return follow(info, root, "agency")

    @strawberry.field(description=KINDS["action"].by_name["jurisdiction"].doc)
    def jurisdiction(self, root: Parent, info: Info) -> Jurisdiction:
        return follow(info, root, "jurisdiction")

    @strawberry.field(description=KINDS["action"].by_name["substance"].doc)
    def substance(self, root: Parent, info: Info) -> Substance:
        return follow(info, root, "substance")

    @strawberry.field(description=KINDS["action"].by_name["condition"].doc)
    def condition(self, root: Parent, info: Info) -> Condition | None:
        return follow(info, root, "condition")

    @strawberry.field(description=KINDS["action"].by_name["sponsor"].doc)
    def sponsor(self, root: Parent, info: Info) -> Organisation | None:
        return follow(info, root, "sponsor")

    @strawberry.field(
        description="The sponsor's name on the action's date (names change); null when the "
        "action has no date or no sponsor."
    )
    def sponsor_name_then(self, root: Parent, info: Info) -> str | None:
        sponsor = follow(info, root, "sponsor")
        when = action_date(root)
        if sponsor is None or when is None:
            return None
        return name_on(sponsor, when.earliest)

    @strawberry.field(description=KINDS["action"].by_name["trials"].doc)
    def trials(self, root: Parent, info: Info) -> list[Trial]:
        return follow_all(info, root, "trials")


@strawberry.type(description=KINDS["event"].doc)
class Event(Sourced):
    is_type_of = _is("event")
    summary: str = doc("event", "summary")
    type: EventType = doc("event", "type")
    date: PartialDate = doc("event", "date")
    date_note: str | None = doc("event", "date_note")
    status: ClaimStatus | None = doc("event", "status")

    @strawberry.field(description=KINDS["event"].by_name["organisations"].doc)
    def organisations(self, root: Parent, info: Info) -> list[Organisation]:
        return follow_all(info, root, "organisations")

    @strawberry.field(description=KINDS["event"].by_name["substances"].doc)
    def substances(self, root: Parent, info: Info) -> list[Substance]:
        return follow_all(info, root, "substances")


@strawberry.type(description=KINDS["target"].doc)
class Target(Sourced):
    is_type_of = _is("target")
    name: str = doc("target", "name")
    type: TargetType = doc("target", "type")
    synonyms: list[str] = doc("target", "synonyms")
    role: str | None = doc("target", "role")

    @strawberry.field(description="What substances do to it.")
    def effects(self, root: Parent, info: Info) -> list[Effect]:
        return incoming(info, root, "acts_on")


@strawberry.type(description=KINDS["effect"].doc)
class Effect(Sourced):
    is_type_of = _is("effect")
    summary: str = doc("effect", "summary")
    direction: EffectDirection = doc("effect", "direction")
    population: str | None = doc("effect", "population")
    evidence: str | None = doc("effect", "evidence")
    status: ClaimStatus | None = doc("effect", "status")

    @strawberry.field(description=KINDS["effect"].by_name["substance"].doc)
    def substance(self, root: Parent, info: Info) -> Substance:
        return follow(info, root, "substance")

    @strawberry.field(description=KINDS["effect"].by_name["target"].doc)
    def target(self, root: Parent, info: Info) -> Target:
        return follow(info, root, "target")


@strawberry.type(description=KINDS["claim"].doc)
class Claim(Sourced):
    is_type_of = _is("claim")
    statement: str = doc("claim", "statement")
    predicate: str = doc("claim", "predicate")
    value: str | None = doc("claim", "value")
    status: ClaimStatus = doc("claim", "status")
    valid_from: PartialDate | None = doc("claim", "valid_from")
    valid_to: PartialDate | None = doc("claim", "valid_to")
    assessment: str | None = doc("claim", "assessment")

    @strawberry.field(description=KINDS["claim"].by_name["subject"].doc)
    def subject(self, root: Parent, info: Info) -> Sourced:
        return follow(info, root, "subject")

    @strawberry.field(description="Conflicts this claim is part of.")
    def conflicts(self, root: Parent, info: Info) -> list[Conflict]:
        return incoming(info, root, "between")

    @strawberry.field(description="The publication date of its newest dated source.")
    def newest_source_date(self, root: Parent, info: Info) -> PartialDate | None:
        return provenance.newest_source_date(info.context.kg, str(root["id"]))


@strawberry.type(description=KINDS["conflict"].doc)
class Conflict(Sourced):
    is_type_of = _is("conflict")
    question: str = doc("conflict", "question")
    status: ConflictStatus = doc("conflict", "status")
    resolution: str | None = doc("conflict", "resolution")

    @strawberry.field(description=KINDS["conflict"].by_name["claims"].doc)
    def claims(self, root: Parent, info: Info) -> list[Claim]:
        return follow_all(info, root, "claims")


_UNCERTAIN: Final = "Actions known only to a month or year that may or may not precede the date."


def _status_actions(attribute: str, description: str) -> Any:
    """A status's list of actions: the ids the status holds in `attribute`, as actions."""

    def actions(root: strawberry.Parent[Any], info: Info) -> list[RegulatoryAction]:
        return nodes(info, list(getattr(root, attribute)))

    return strawberry.field(resolver=actions, description=description)


@strawberry.type(
    description="Where a product's marketing authorisation stood: approval-track actions in "
    "the jurisdiction and in those it lies within (an FDA decision holds in Oregon)."
)
class ApprovalStatus:
    phase: Phase = strawberry.field(
        description="Where the marketing application stood; NO_RECORD when regkg holds no "
        "approval-track action there on or before the date (no phase is guessed)."
    )
    summary: str = strawberry.field(description="The approval status in one sentence, with dates.")

    @strawberry.field(description="The action that put the application where it stood.")
    def phase_set_by(self, root: strawberry.Parent[Any], info: Info) -> RegulatoryAction | None:
        return None if root.phase_set_by is None else node_at(info, root.phase_set_by)

    in_force = _status_actions(
        "in_force",
        "Designations, agreements, reviews and access in force on the date.",
    )

    history = _status_actions(
        "history",
        "Every approval-track action dated on or before the date.",
    )

    uncertain = _status_actions("uncertain", _UNCERTAIN)


@strawberry.type(
    description="A substance's control status and lawful access: legal-track actions in the "
    "jurisdiction and in those it lies within, so a state's status shows its country's "
    "schedule beside its own programmes."
)
class LegalStatus:
    standing: LegalStanding = strawberry.field(
        description="What is in force: an access route, a schedule only, nothing, or "
        "NO_RECORD when regkg holds no legal action there on or before the date."
    )
    summary: str = strawberry.field(description="The legal status in one sentence, with dates.")

    schedules = _status_actions(
        "schedules",
        "Scheduling decisions in force, the jurisdiction's own first, then its "
        "country's: a state's schedule, then the federal one.",
    )

    access = _status_actions(
        "access",
        "Access routes in force: regulated-access programmes, special access, "
        "compassionate use, decriminalisation, ballot measures passed. Laws and executive "
        "orders are in `history`.",
    )

    history = _status_actions(
        "history",
        "Every legal-track action dated on or before the date.",
    )

    uncertain = _status_actions("uncertain", _UNCERTAIN)


@strawberry.type(
    description="The status of a substance in one jurisdiction on a date: the approval of a "
    "product and the legal status of the substance, kept apart, each with its actions."
)
class RegulatoryStatus:
    as_of: date = strawberry.field(description="The date asked about.")
    approval: ApprovalStatus = strawberry.field(
        description="A product's development and marketing authorisation."
    )
    legal: LegalStatus = strawberry.field(
        description="Control status (schedules) and lawful access (programmes, special access)."
    )
    summary: str = strawberry.field(
        description="Both statuses in a few sentences, with dates, and a note when the "
        "jurisdiction is outside regkg's coverage."
    )

    @strawberry.field(description="The substance.")
    def substance(self, root: strawberry.Parent[Any], info: Info) -> Substance:
        return node_at(info, root.substance)

    @strawberry.field(description="The condition, if asked.")
    def condition(self, root: strawberry.Parent[Any], info: Info) -> Condition | None:
        return None if root.condition is None else node_at(info, root.condition)

    @strawberry.field(description="The jurisdiction.")
    def jurisdiction(self, root: strawberry.Parent[Any], info: Info) -> Jurisdiction:
        return node_at(info, root.jurisdiction)

    @strawberry.field(
        description="What regkg covers in the jurisdiction: when it was reviewed, what is "
        "missing, how many actions it holds there; `covered` false: outside the coverage."
    )
    def coverage(self, root: strawberry.Parent[Any], info: Info) -> TopicCoverage:
        return topic_coverage(info.context.kg, root.jurisdiction)  # type: ignore[return-value]


@strawberry.type(
    description="What regkg covers on one topic (a substance or a jurisdiction) and how fresh "
    "it is."
)
class TopicCoverage:
    reviewed: PartialDate | None = strawberry.field(
        description="When curators last reviewed the topic against its sources; null if never."
    )
    gaps: list[str] = strawberry.field(description="What is known to be missing.")
    covered: bool = strawberry.field(
        description="True when the topic was reviewed or holds actions; false: regkg says "
        "nothing on it, and an empty answer means nothing."
    )

    @strawberry.field(description="The substance or jurisdiction.")
    def topic(self, root: strawberry.Parent[Any], info: Info) -> Sourced:
        return node_at(info, root.topic)

    @strawberry.field(description="How many regulatory and legal actions it holds.")
    def action_count(self, root: strawberry.Parent[Any]) -> int:
        return int(root.actions)

    @strawberry.field(description="Its newest dated action.")
    def newest_action(self, root: strawberry.Parent[Any], info: Info) -> RegulatoryAction | None:
        return None if root.newest_action is None else node_at(info, root.newest_action)


@strawberry.type(description="One dated entry in a substance's story.")
class TimelineEntry:
    date: PartialDate = strawberry.field(description="When, at the precision known.")
    what: TimelineKind = strawberry.field(  # type: ignore[valid-type]
        description="The action kind, event type, or trial milestone."
    )
    label: str = strawberry.field(description="One line for a reader.")
    track: ActionTrack | None = strawberry.field(
        description="Which status the entry bears on: a product's approval (trial milestones "
        "too) or the legal status; null for company events."
    )

    @strawberry.field(description="The action, event, trial or source behind the entry.")
    def node(self, root: strawberry.Parent[Any], info: Info) -> Node:
        return node_at(info, root.node)


@strawberry.type(description=KINDS["jurisdiction"].doc)
class Jurisdiction(Sourced):
    is_type_of = _is("jurisdiction")
    name: str = doc("jurisdiction", "name")
    code: str = doc("jurisdiction", "code")
    level: JurisdictionLevel = doc("jurisdiction", "level")
    synonyms: list[str] = doc("jurisdiction", "synonyms")
    reviewed: PartialDate | None = doc("jurisdiction", "reviewed")
    gaps: list[str] = doc("jurisdiction", "gaps")

    @strawberry.field(description=KINDS["jurisdiction"].by_name["parent"].doc)
    def parent(self, root: Parent, info: Info) -> Jurisdiction | None:
        return follow(info, root, "parent")

    @strawberry.field(description="The jurisdictions that lie directly within it.")
    def parts(self, root: Parent, info: Info) -> list[Jurisdiction]:
        return incoming(info, root, "part_of")

    @strawberry.field(description="Regulatory and legal actions that apply in it, oldest first.")
    def actions(
        self,
        root: Parent,
        info: Info,
        include_subdivisions: arg.IncludeSubdivisions = False,
        track: arg.Track = None,
    ) -> list[RegulatoryAction]:
        found = select_actions(
            info.context.kg,
            jurisdiction=str(root["id"]),
            include_subdivisions=include_subdivisions,
            tracks=() if track is None else (track,),
        )
        return nodes(info, found)

    @strawberry.field(
        description="What regkg covers here: review date, gaps, actions and the newest one."
    )
    def coverage(self, root: Parent, info: Info) -> TopicCoverage:
        return topic_coverage(info.context.kg, str(root["id"]))  # type: ignore[return-value]


# The GraphQL type of each kind of node.
TYPE_OF_KIND: dict[str, type] = {
    "source": Source,
    "substance": Substance,
    "condition": Condition,
    "organisation": Organisation,
    "trial": Trial,
    "action": RegulatoryAction,
    "event": Event,
    "target": Target,
    "effect": Effect,
    "claim": Claim,
    "conflict": Conflict,
    "jurisdiction": Jurisdiction,
}
NODE_TYPES: tuple[type, ...] = tuple(TYPE_OF_KIND.values())
