"""A substance's regulatory story over time: its timeline, and its status on any date."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.errors import NeedsJurisdiction
from graph.lookup import require_kind
from graph.records import action_date
from graph.selection import actions, narrower_conditions, trials


class Phase(StrEnum):
    """Where an application stands. Designations and scheduling are reported beside it."""

    INVESTIGATIONAL = "investigational"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"


# The action kinds that move the application, and where each leaves it.
_PHASE_OF: Final[Mapping[str, Phase]] = {
    "application_submitted": Phase.UNDER_REVIEW,
    "approval": Phase.APPROVED,
    "complete_response_letter": Phase.NOT_APPROVED,
}

# Action kinds that stay in force from their date until they end.
STANDING: Final = frozenset(
    {
        "scheduling",
        "rescheduling",
        "special_protocol_assessment",
        "breakthrough_therapy_designation",
        "expanded_access",
        "priority_review",
        "clinical_hold",
    }
)

# Actions that name no condition because they concern every use of the substance.
_EVERY_CONDITION: Final = frozenset({"scheduling", "rescheduling"})

# A standing action ends when a later action of these kinds comes, even with no end date:
# priority review is a review of an application, and ends with the decision on it; a
# clinical hold ends when the held programme is allowed to proceed; a new schedule
# replaces the old one.
_ENDED_BY: Final[Mapping[str, frozenset[str]]] = {
    "priority_review": frozenset({"approval", "complete_response_letter"}),
    "clinical_hold": frozenset({"expanded_access", "approval"}),
    "scheduling": frozenset({"scheduling", "rescheduling"}),
    "rescheduling": frozenset({"scheduling", "rescheduling"}),
}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: PartialDate
    node: str  # the action, event, trial or source
    what: str  # the action kind, event type or trial milestone
    label: str


@dataclass(frozen=True, slots=True)
class RegulatoryStatus:
    substance: str
    condition: str | None
    jurisdiction: str | None
    as_of: date
    phase: Phase
    phase_set_by: str | None  # the action that put the application where it is
    in_force: tuple[str, ...]  # standing actions in force on `as_of`
    history: tuple[str, ...]  # every action dated on or before `as_of`, oldest first
    uncertain: tuple[str, ...]  # actions whose imprecise date may or may not precede `as_of`
    summary: str


def in_force_from(attrs: Mapping[str, object]) -> PartialDate | None:
    """When a standing action takes effect: its effective date, else its date."""
    effective = attrs.get("effective")
    return effective if isinstance(effective, PartialDate) else action_date(attrs)


def status_as_of(
    kg: KnowledgeGraph,
    substance: str,
    as_of: date,
    condition: str | None = None,
    jurisdiction: str | None = None,
) -> RegulatoryStatus:
    """The status of `substance` (for `condition`, in `jurisdiction`) on `as_of`.

    A scheduling decision names no condition and counts for every condition; any other
    action that names none (an approval imported without its indication) may or may not
    concern the condition asked about, so it is listed as uncertain and moves nothing. An
    action whose date is known only to a month or year counts once its whole period has
    passed; while `as_of` falls inside that period it is uncertain too.

    Statuses differ between regulators: without a `jurisdiction`, the actions must all be
    in one, else `NeedsJurisdiction` says which there are.
    """
    require_kind(kg, substance, "substance")
    nodes = kg.graph.nodes
    concerns = _condition_test(kg, condition)
    found = actions(kg, substance=substance, jurisdiction=jurisdiction)
    if jurisdiction is None:
        jurisdictions = sorted({str(nodes[nodes[a]["jurisdiction"]]["code"]) for a in found})
        if len(jurisdictions) > 1:
            raise NeedsJurisdiction(substance, jurisdictions)
    happened: list[str] = []
    uncertain: list[str] = []
    for action_id in found:
        relevance = concerns(nodes[action_id])
        when = action_date(nodes[action_id])
        if relevance is False or when is None or when.earliest > as_of:
            continue
        if relevance and when.latest <= as_of:
            happened.append(action_id)
        else:
            uncertain.append(action_id)

    phase, phase_set_by = Phase.INVESTIGATIONAL, None
    for action_id in happened:
        moved_to = _PHASE_OF.get(str(nodes[action_id]["action"]))
        if moved_to is not None:
            phase, phase_set_by = moved_to, action_id

    in_force = tuple(a for a in happened if _stands(kg, a, happened, as_of))
    summary = _summarise(kg, phase, phase_set_by, in_force)
    return RegulatoryStatus(
        substance, condition, jurisdiction, as_of, phase, phase_set_by, in_force,
        tuple(happened), tuple(uncertain), summary,
    )  # fmt: skip


def _condition_test(
    kg: KnowledgeGraph, condition: str | None
) -> Callable[[Mapping[str, object]], bool | None]:
    """Whether an action concerns `condition` (or a narrower one): True, False, or None when
    it names no condition and is not a scheduling decision, which concerns them all."""
    if condition is None:
        return lambda _: True
    wanted = narrower_conditions(kg, condition)

    def concerns(attrs: Mapping[str, object]) -> bool | None:
        named = attrs.get("condition")
        if named is None:
            return True if attrs["action"] in _EVERY_CONDITION else None
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


def _describe(kg: KnowledgeGraph, action_id: str) -> str:
    attrs = kg.graph.nodes[action_id]
    when = in_force_from(attrs)
    kind = str(attrs["action"]).replace("_", " ")
    return f"{kind} ({when})" if when else kind


def _summarise(
    kg: KnowledgeGraph, phase: Phase, phase_set_by: str | None, in_force: tuple[str, ...]
) -> str:
    headline = {
        Phase.INVESTIGATIONAL: "Investigational: no marketing application decided or pending",
        Phase.UNDER_REVIEW: "Application under review",
        Phase.APPROVED: "Approved",
        Phase.NOT_APPROVED: "Not approved",
    }[phase]
    if phase_set_by is not None and phase is not Phase.INVESTIGATIONAL:
        headline += f": {_describe(kg, phase_set_by)}"
    if in_force:
        headline += ". In force: " + "; ".join(_describe(kg, a) for a in in_force)
    return headline + "."


def timeline(
    kg: KnowledgeGraph,
    substance: str,
    condition: str | None = None,
    jurisdiction: str | None = None,
    include_trials: bool = True,
) -> list[TimelineEntry]:
    """Everything dated that concerns `substance`, oldest first.

    Regulatory actions (filtered by condition and jurisdiction), events about the
    substance or its actions' sponsors, and, when `include_trials`, trial starts,
    primary completions and results publications.
    """
    require_kind(kg, substance, "substance")
    nodes = kg.graph.nodes
    entries: list[TimelineEntry] = []
    sponsors: set[str] = set()
    concerns = _condition_test(kg, condition)
    for action_id in actions(kg, substance=substance, jurisdiction=jurisdiction):
        attrs = nodes[action_id]
        if concerns(attrs) is False:
            continue
        when = action_date(attrs)
        if when is not None:
            entries.append(
                TimelineEntry(when, action_id, str(attrs["action"]), str(attrs["label"]))
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
    for event_id in event_ids:
        attrs = nodes[event_id]
        entries.append(
            TimelineEntry(attrs["date"], event_id, str(attrs["type"]), str(attrs["label"]))
        )
    if include_trials:
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
                entries.append(TimelineEntry(when, trial_id, what, label))
        for source in attrs.get("publications", ()):
            published = nodes[source].get("published")
            if isinstance(published, PartialDate):
                label = f"{name} results published: {nodes[source]['label']}"
                entries.append(TimelineEntry(published, source, "trial_results", label))
    return entries
