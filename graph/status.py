"""A substance's regulatory story over time: its timeline, and its status on any date."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from graph.build import KnowledgeGraph
from graph.coverage import topic_coverage
from graph.dates import PartialDate
from graph.lookup import require_kind
from graph.records import action_date
from graph.selection import (
    actions,
    enclosing_jurisdictions,
    jurisdictions_within,
    narrower_conditions,
    trials,
)
from graph.vocab import ActionTrack, track_of


class Phase(StrEnum):
    """Where a product's marketing application stands. Designations are reported beside it."""

    NO_RECORD = "no_record"
    INVESTIGATIONAL = "investigational"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"


class LegalStanding(StrEnum):
    """What regkg's record of a substance's control status and lawful access says on a date."""

    NO_RECORD = "no_record"  # no legal action here, or where it lies, on or before the date
    NOTHING_IN_FORCE = "nothing_in_force"  # petitions, failed measures: none in force
    SCHEDULE_IN_FORCE = "schedule_in_force"  # a scheduling decision, and no access route
    ACCESS_IN_FORCE = "access_in_force"  # an access route or programme, whatever the schedule


# The action kinds that move the application, and where each leaves it.
_PHASE_OF: Final[Mapping[str, Phase]] = {
    "application_submitted": Phase.UNDER_REVIEW,
    "approval": Phase.APPROVED,
    "complete_response_letter": Phase.NOT_APPROVED,
    "refusal": Phase.NOT_APPROVED,
    "application_withdrawn": Phase.INVESTIGATIONAL,
}

# Legal action kinds that place, move or remove a substance in a schedule.
SCHEDULES: Final = frozenset({"scheduling", "rescheduling", "descheduling"})
# Legal action kinds that open lawful access while in force. Laws and executive orders are
# not among them: many fund research or set up a task force, and open no access themselves
# (a law that opens a programme is recorded with the programme).
ACCESS_ROUTES: Final = frozenset(
    {
        "decriminalisation",
        "ballot_measure_passed",
        "access_programme",
        "special_access",
        "compassionate_use",
    }
)

# Action kinds that stay in force from their date until they end.
STANDING: Final = (
    frozenset(
        {
            "special_protocol_assessment",
            "breakthrough_therapy_designation",
            "fast_track_designation",
            "orphan_designation",
            "expanded_access",
            "priority_review",
            "rolling_review",
            "clinical_hold",
            "rems",
        }
    )
    | SCHEDULES
    | ACCESS_ROUTES
)

_DECISIONS: Final = frozenset(
    {"approval", "complete_response_letter", "refusal", "application_withdrawn"}
)
# A standing action ends when a later action of these kinds comes, even with no end date:
# a review ends with the decision on the application; a clinical hold ends when the held
# programme is allowed to proceed; a new schedule replaces the old one.
_ENDED_BY: Final[Mapping[str, frozenset[str]]] = {
    "priority_review": _DECISIONS,
    "rolling_review": _DECISIONS,
    "clinical_hold": frozenset({"expanded_access", "approval"}),
    **dict.fromkeys(SCHEDULES, SCHEDULES),
}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: PartialDate
    node: str  # the action, event, trial or source
    what: str  # the action kind, event type or trial milestone
    label: str
    track: ActionTrack | None = None  # None for company events, which bear on neither


@dataclass(frozen=True, slots=True)
class ApprovalStatus:
    """A product's development and marketing authorisation, from approval-track actions."""

    phase: Phase
    phase_set_by: str | None  # the action that put the application where it is
    in_force: tuple[str, ...]  # designations, agreements, reviews in force on the date
    history: tuple[str, ...]  # every approval action dated on or before the date, oldest first
    uncertain: tuple[str, ...]  # actions whose imprecise date may or may not precede it
    summary: str


@dataclass(frozen=True, slots=True)
class LegalStatus:
    """Control status and lawful access, from legal-track actions here and where it lies."""

    standing: LegalStanding
    schedules: tuple[str, ...]  # scheduling decisions in force, nearest jurisdiction first
    access: tuple[str, ...]  # access routes and programmes in force
    history: tuple[str, ...]
    uncertain: tuple[str, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class RegulatoryStatus:
    substance: str
    condition: str | None
    jurisdiction: str
    as_of: date
    approval: ApprovalStatus
    legal: LegalStatus
    covered: bool  # whether regkg covers the jurisdiction at all (reviewed, or holds actions)
    summary: str


def in_force_from(attrs: Mapping[str, object]) -> PartialDate | None:
    """When a standing action takes effect: its effective date, else its date."""
    effective = attrs.get("effective")
    return effective if isinstance(effective, PartialDate) else action_date(attrs)


def status_as_of(
    kg: KnowledgeGraph,
    substance: str,
    as_of: date,
    condition: str | None,
    jurisdiction: str,
) -> RegulatoryStatus:
    """The status of `substance` (for `condition`) in `jurisdiction` on `as_of`, as two
    statuses kept apart: the approval of a product, and the legal status of the substance.

    Both read the actions of the jurisdiction and of those it lies within: a federal
    schedule and an FDA approval apply in Oregon too. Where regkg holds no action of a
    track on or before the date, that track says NO_RECORD: no phase is guessed.

    Legal actions and scheduling name no condition and count for every condition; an
    approval action that names none (an approval imported without its indication) may or
    may not concern the condition asked about, so it is listed as uncertain and moves
    nothing. An action whose date is known only to a month or year counts once its whole
    period has passed; while `as_of` falls inside that period it is uncertain too.
    """
    require_kind(kg, substance, "substance")
    places = enclosing_jurisdictions(kg, jurisdiction)
    concerns = _condition_test(kg, condition)
    happened: dict[ActionTrack, list[str]] = {track: [] for track in ActionTrack}
    uncertain: dict[ActionTrack, list[str]] = {track: [] for track in ActionTrack}
    for action_id in actions(kg, substance=substance):
        attrs = kg.graph.nodes[action_id]
        if attrs["jurisdiction"] not in places:
            continue
        relevance = concerns(attrs)
        when = action_date(attrs)
        if relevance is False or when is None or when.earliest > as_of:
            continue
        track = track_of(str(attrs["action"]))
        if relevance and when.latest <= as_of:
            happened[track].append(action_id)
        else:
            uncertain[track].append(action_id)
    name = str(kg.graph.nodes[jurisdiction]["name"])
    approval = _approval(kg, happened[ActionTrack.APPROVAL], uncertain[ActionTrack.APPROVAL],
                         as_of, name)  # fmt: skip
    legal = _legal(kg, happened[ActionTrack.LEGAL], uncertain[ActionTrack.LEGAL], as_of, places)
    covered = topic_coverage(kg, jurisdiction).covered
    summary = f"Approval: {approval.summary} Legal status: {legal.summary}"
    if not covered:
        summary += (
            f" {name} is outside regkg's coverage: it was never reviewed and holds no action."
        )
    return RegulatoryStatus(
        substance, condition, jurisdiction, as_of, approval, legal, covered, summary
    )


def statuses_as_of(
    kg: KnowledgeGraph,
    substance: str,
    as_of: date,
    condition: str | None = None,
    within: str | None = None,
    include_subdivisions: bool = False,
) -> list[RegulatoryStatus]:
    """One status per jurisdiction where regkg holds actions on `substance`, a country
    before its states (the United States, then Oregon).

    With `within`, that jurisdiction comes first whether or not it holds any, followed,
    when `include_subdivisions`, by those inside it that hold some.
    """
    require_kind(kg, substance, "substance")
    nodes = kg.graph.nodes
    recorded = {str(nodes[a]["jurisdiction"]) for a in actions(kg, substance=substance)}
    if within is not None:
        inside = jurisdictions_within(kg, within) if include_subdivisions else [within]
        recorded = {within} | (recorded & set(inside))

    def tree_order(place: str) -> tuple[str, ...]:
        return tuple(str(nodes[p]["code"]) for p in reversed(enclosing_jurisdictions(kg, place)))

    ordered = sorted(recorded, key=lambda p: (p != within, tree_order(p)))
    return [status_as_of(kg, substance, as_of, condition, place) for place in ordered]


def _approval(
    kg: KnowledgeGraph, happened: list[str], uncertain: list[str], as_of: date, place: str
) -> ApprovalStatus:
    nodes = kg.graph.nodes
    # A phase needs a record: a sourced action on the approval track.
    phase, phase_set_by = (Phase.INVESTIGATIONAL if happened else Phase.NO_RECORD), None
    for action_id in happened:
        moved_to = _PHASE_OF.get(str(nodes[action_id]["action"]))
        if moved_to is not None:
            phase, phase_set_by = moved_to, action_id
    in_force = tuple(a for a in happened if _stands(kg, a, happened, as_of))
    headline = {
        Phase.NO_RECORD: f"No record of a marketing application, designation or other "
        f"approval step in {place} on or before {as_of}",
        Phase.INVESTIGATIONAL: "Investigational: no marketing application decided or pending",
        Phase.UNDER_REVIEW: "Application under review",
        Phase.APPROVED: "Approved",
        Phase.NOT_APPROVED: "Not approved",
    }[phase]
    if phase_set_by is not None:
        headline += f": {_describe(kg, phase_set_by)}"
    if in_force:
        headline += ". In force: " + "; ".join(_describe(kg, a) for a in in_force)
    return ApprovalStatus(
        phase, phase_set_by, in_force, tuple(happened), tuple(uncertain), headline + "."
    )


def _legal(
    kg: KnowledgeGraph, happened: list[str], uncertain: list[str], as_of: date, places: list[str]
) -> LegalStatus:
    nodes = kg.graph.nodes
    in_force = [a for a in happened if _stands(kg, a, happened, as_of)]

    def nearest_first(action_id: str) -> int:
        return places.index(str(nodes[action_id]["jurisdiction"]))

    schedules = tuple(
        sorted((a for a in in_force if nodes[a]["action"] in SCHEDULES), key=nearest_first)
    )
    access = tuple(a for a in in_force if nodes[a]["action"] in ACCESS_ROUTES)
    place = str(nodes[places[0]]["name"])
    if access:
        standing = LegalStanding.ACCESS_IN_FORCE
    elif schedules:
        standing = LegalStanding.SCHEDULE_IN_FORCE
    elif happened:
        standing = LegalStanding.NOTHING_IN_FORCE
    else:
        standing = LegalStanding.NO_RECORD
    parts = []
    if standing is LegalStanding.NO_RECORD:
        where = " or ".join(str(nodes[p]["name"]) for p in places)
        parts.append(f"No record of its legal status in {where} on or before {as_of}")
    if schedules:
        parts.append("Schedule in force: " + "; ".join(_describe(kg, a, True) for a in schedules))
    if access:
        parts.append("Access in force: " + "; ".join(_describe(kg, a, True) for a in access))
    if standing is LegalStanding.NOTHING_IN_FORCE:
        recent = "; ".join(_describe(kg, a, True) for a in happened[-3:])
        parts.append(f"Nothing in force in {place}; on record: {recent}")
    return LegalStatus(
        standing, schedules, access, tuple(happened), tuple(uncertain), ". ".join(parts) + "."
    )


def _condition_test(
    kg: KnowledgeGraph, condition: str | None
) -> Callable[[Mapping[str, object]], bool | None]:
    """Whether an action concerns `condition` (or a narrower one): True, False, or None when
    it is an approval action naming no condition. A legal action naming none concerns every
    use of the substance."""
    if condition is None:
        return lambda _: True
    wanted = narrower_conditions(kg, condition)

    def concerns(attrs: Mapping[str, object]) -> bool | None:
        named = attrs.get("condition")
        if named is None:
            return True if track_of(str(attrs["action"])) is ActionTrack.LEGAL else None
        return named in wanted

    return concerns


def _stands(kg: KnowledgeGraph, action_id: str, happened: list[str], as_of: date) -> bool:
    attrs = kg.graph.nodes[action_id]
    kind = str(attrs["action"])
    if kind not in STANDING:
        return False
    start = in_force_from(attrs)
    if start is None or start.latest > as_of:
        return False
    ended = attrs.get("ended")
    if isinstance(ended, PartialDate) and ended.latest <= as_of:
        return False
    enders = _ENDED_BY.get(kind, frozenset())
    own_date = action_date(attrs)
    later = (
        other
        for other in happened
        if other != action_id
        and kg.graph.nodes[other]["action"] in enders
        and _same_matter(attrs, kg.graph.nodes[other])
    )
    for other in later:
        other_date = action_date(kg.graph.nodes[other])
        if (
            own_date is not None
            and other_date is not None
            and other_date.earliest > own_date.latest
        ):
            return False
    return True


def _same_matter(first: Mapping[str, object], second: Mapping[str, object]) -> bool:
    """Whether one action can end another: same jurisdiction, and same indication when both
    name one (a decision on one indication does not end the review of another)."""
    if first["jurisdiction"] != second["jurisdiction"]:
        return False
    a, b = first.get("condition"), second.get("condition")
    return a is None or b is None or a == b


def _describe(kg: KnowledgeGraph, action_id: str, where: bool = False) -> str:
    attrs = kg.graph.nodes[action_id]
    when = in_force_from(attrs)
    kind = str(attrs["action"]).replace("_", " ")
    details = [str(when)] if when else []
    if where:
        details.append(str(kg.graph.nodes[attrs["jurisdiction"]]["code"]))
    return f"{kind} ({', '.join(details)})" if details else kind


def timeline(
    kg: KnowledgeGraph,
    substance: str,
    condition: str | None = None,
    jurisdiction: str | None = None,
    include_trials: bool = True,
    include_subdivisions: bool = False,
    track: ActionTrack | None = None,
) -> list[TimelineEntry]:
    """Everything dated that concerns `substance`, oldest first, each entry saying which
    status it bears on.

    Regulatory and legal actions (filtered by condition and jurisdiction, and with
    `include_subdivisions` the jurisdictions inside it), events about the substance or its
    actions' sponsors, and, when `include_trials`, trial starts, primary completions and
    results publications (a product's development: the approval track). With `track`,
    only the entries on that track, so no events.
    """
    require_kind(kg, substance, "substance")
    nodes = kg.graph.nodes
    entries: list[TimelineEntry] = []
    sponsors: set[str] = set()
    concerns = _condition_test(kg, condition)
    found = actions(
        kg,
        substance=substance,
        jurisdiction=jurisdiction,
        include_subdivisions=include_subdivisions,
        tracks=() if track is None else (track,),
    )
    for action_id in found:
        attrs = nodes[action_id]
        if concerns(attrs) is False:
            continue
        when = action_date(attrs)
        if when is not None:
            kind = str(attrs["action"])
            entries.append(
                TimelineEntry(when, action_id, kind, str(attrs["label"]), track_of(kind))
            )
        sponsor = attrs.get("sponsor")
        if isinstance(sponsor, str):
            sponsors.add(sponsor)
    # Events reach the substance through `about`, and its sponsors through `involves`.
    linked = {(substance, "about")} | {(sponsor, "involves") for sponsor in sponsors}
    event_ids = {
        source
        for target, relation in linked
        for source, _, key in kg.graph.in_edges(target, keys=True)
        if key == relation and nodes[source]["kind"] == "event"
    }
    for event_id in event_ids if track is None else ():
        attrs = nodes[event_id]
        entries.append(
            TimelineEntry(attrs["date"], event_id, str(attrs["type"]), str(attrs["label"]))
        )
    if include_trials and track in (None, ActionTrack.APPROVAL):
        entries.extend(_trial_milestones(kg, trials(kg, substance=substance, condition=condition)))
    return sorted(entries, key=lambda e: (e.date.earliest, e.date.latest, e.node, e.what))


def _trial_milestones(kg: KnowledgeGraph, trial_ids: list[str]) -> list[TimelineEntry]:
    nodes = kg.graph.nodes
    entries: list[TimelineEntry] = []
    for trial_id in trial_ids:
        attrs = nodes[trial_id]
        name = str(attrs.get("acronym") or attrs.get("registry_id"))
        for field, what in (
            ("start", "trial_start"),
            ("primary_completion", "trial_primary_completion"),
        ):
            when = attrs.get(field)
            if isinstance(when, PartialDate):
                label = f"{name} {what.removeprefix('trial_').replace('_', ' ')}: {attrs['label']}"
                entries.append(TimelineEntry(when, trial_id, what, label, ActionTrack.APPROVAL))
        for source in attrs.get("publications", ()):
            published = nodes[source].get("published")
            if isinstance(published, PartialDate):
                label = f"{name} results published: {nodes[source]['label']}"
                entries.append(
                    TimelineEntry(published, source, "trial_results", label, ActionTrack.APPROVAL)
                )
    return entries
