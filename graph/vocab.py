"""Controlled vocabularies: the values an enumerated field may take, declared once.

The model validates data against them and the GraphQL schema exposes them as enums.
"""

from __future__ import annotations

from enum import StrEnum


class Jurisdiction(StrEnum):
    """Where a regulatory action applies."""

    US = "US"
    AU = "AU"
    EU = "EU"
    UK = "UK"
    CA = "CA"


class UsSchedule(StrEnum):
    """US Controlled Substances Act schedule."""

    I = "I"  # noqa: E741  (the schedule is called I)
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"
    UNSCHEDULED = "unscheduled"


class StudyType(StrEnum):
    """Kind of study."""

    INTERVENTIONAL = "INTERVENTIONAL"
    OBSERVATIONAL = "OBSERVATIONAL"
    EXPANDED_ACCESS = "EXPANDED_ACCESS"


class EnrollmentType(StrEnum):
    """Whether enrollment is a count or an estimate."""

    ACTUAL = "ACTUAL"
    ESTIMATED = "ESTIMATED"


class EventType(StrEnum):
    """What kind of event."""

    CORPORATE = "corporate"
    LEADERSHIP = "leadership"
    FINANCING = "financing"
    PUBLICATION = "publication"
    RETRACTION = "retraction"


class TargetType(StrEnum):
    """What kind of target."""

    NEUROTRANSMITTER = "neurotransmitter"
    HORMONE = "hormone"
    BRAIN_REGION = "brain_region"


class EffectDirection(StrEnum):
    """Whether a substance raises or lowers."""

    INCREASES = "increases"
    DECREASES = "decreases"


class ConflictStatus(StrEnum):
    """Whether a conflict is settled."""

    OPEN = "open"
    RESOLVED = "resolved"


class SourceType(StrEnum):
    """What kind of document a source is."""

    REGULATOR = "regulator"
    REGISTRY = "registry"
    JOURNAL = "journal"
    PRESS_RELEASE = "press_release"
    NEWS = "news"
    SECONDARY_COPY = "secondary_copy"
    FILING = "filing"
    REFERENCE = "reference"


class OrganisationType(StrEnum):
    """What kind of organisation."""

    REGULATOR = "regulator"
    NONPROFIT = "nonprofit"
    COMPANY = "company"
    ACADEMIC = "academic"
    GOVERNMENT = "government"


class TrialPhase(StrEnum):
    """Clinical trial phase; NA is 'not applicable' (devices, behavioural studies)."""

    EARLY_PHASE1 = "EARLY_PHASE1"
    PHASE1 = "PHASE1"
    PHASE1_PHASE2 = "PHASE1_PHASE2"
    PHASE2 = "PHASE2"
    PHASE2_PHASE3 = "PHASE2_PHASE3"
    PHASE3 = "PHASE3"
    PHASE4 = "PHASE4"
    NA = "NA"


class TrialStatus(StrEnum):
    """Overall recruitment status as ClinicalTrials.gov reports it, expanded access included."""

    NOT_YET_RECRUITING = "NOT_YET_RECRUITING"
    RECRUITING = "RECRUITING"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION"
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    COMPLETED = "COMPLETED"
    WITHDRAWN = "WITHDRAWN"
    UNKNOWN = "UNKNOWN"
    AVAILABLE = "AVAILABLE"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING"
    WITHHELD = "WITHHELD"


class ActionKind(StrEnum):
    """What kind of regulatory action it is."""

    SCHEDULING = "scheduling"
    RESCHEDULING = "rescheduling"
    REGULATOR_MEETING = "regulator_meeting"
    DESIGNATION_REQUESTED = "designation_requested"
    SPECIAL_PROTOCOL_ASSESSMENT = "special_protocol_assessment"
    BREAKTHROUGH_THERAPY_DESIGNATION = "breakthrough_therapy_designation"
    EXPANDED_ACCESS = "expanded_access"
    CLINICAL_HOLD = "clinical_hold"
    APPLICATION_SUBMITTED = "application_submitted"
    PRIORITY_REVIEW = "priority_review"
    ADVISORY_COMMITTEE_SCHEDULED = "advisory_committee_scheduled"
    ADVISORY_COMMITTEE_VOTE = "advisory_committee_vote"
    APPROVAL = "approval"
    COMPLETE_RESPONSE_LETTER = "complete_response_letter"
    COMPLETE_RESPONSE_LETTER_PUBLISHED = "complete_response_letter_published"


class Disclosure(StrEnum):
    """Who made an action public. The FDA does not publish breakthrough designations:
    those are known from the sponsor."""

    REGULATOR = "regulator"
    SPONSOR = "sponsor"
    PRESS = "press"
    REGISTRY = "registry"


class ClaimStatus(StrEnum):
    """How a statement stands against the sources."""

    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    DISPUTED = "disputed"
    CONTRADICTED = "contradicted"
    SUPERSEDED = "superseded"
