"""The controlled vocabularies of `graph.vocab`, exposed as GraphQL enums."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from graph import vocab
from graph.model import triples
from graph.status import Phase


def _expose(enum: type[StrEnum]) -> None:
    strawberry.enum(enum, description=(enum.__doc__ or enum.__name__).strip())


for _vocabulary in (
    vocab.ActionKind,
    vocab.ClaimStatus,
    vocab.ConflictStatus,
    vocab.Disclosure,
    vocab.EffectDirection,
    vocab.EnrollmentType,
    vocab.EventType,
    vocab.JurisdictionLevel,
    vocab.ActionTrack,
    vocab.OrganisationType,
    vocab.SourceType,
    vocab.StudyType,
    vocab.TargetType,
    vocab.TrialPhase,
    vocab.TrialStatus,
    vocab.UsSchedule,
    Phase,
):
    _expose(_vocabulary)


def _union(name: str, doc: str, values: set[str]) -> type[StrEnum]:
    """A GraphQL enum of a fixed set of values that the graph derives, by upper-case name."""
    enum = StrEnum(name, {value.upper(): value for value in sorted(values)})  # type: ignore[misc]
    enum.__doc__ = doc
    _expose(enum)
    return enum


# The trial milestones a timeline shows beside actions and events (graph.status).
TRIAL_MILESTONES = {"trial_start", "trial_primary_completion", "trial_results"}

TimelineKind = _union(
    "TimelineKind",
    "What a timeline entry is: a kind of regulatory action, a type of event, or a trial "
    "milestone (TRIAL_START, TRIAL_PRIMARY_COMPLETION, TRIAL_RESULTS).",
    {a.value for a in vocab.ActionKind} | {e.value for e in vocab.EventType} | TRIAL_MILESTONES,
)
Relation = _union(
    "Relation",
    "How two entities are related: each names the reference field it comes from "
    "(SPONSORED_BY: a trial's sponsor; CITES: a record cites a source).",
    {relation for _, relation, _ in triples()},
)
