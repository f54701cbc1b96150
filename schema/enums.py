"""The controlled vocabularies of `graph.vocab`, exposed as GraphQL enums."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from graph import vocab
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
