"""Controlled vocabularies: the values an enumerated field may take, declared once.

The model validates data against them and the GraphQL schema exposes them as enums.
"""

from __future__ import annotations

from enum import StrEnum


class JurisdictionLevel(StrEnum):
    """Where a jurisdiction sits: a union of countries, a country, a state or province, a city."""

    SUPRANATIONAL = "supranational"
    COUNTRY = "country"
    SUBDIVISION = "subdivision"
    CITY = "city"


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
    """What kind of document a source is, declared in order of how close it stands to the
    fact: the body that acted first, copies of someone else's text last."""

    REGULATOR = "regulator"
    LEGISLATURE = "legislature"
    COURT = "court"
    REGISTRY = "registry"
    JOURNAL = "journal"
    SPONSOR = "sponsor"  # a sponsor's or company's own release, filing or page
    PRESS = "press"
    REFERENCE = "reference"  # an encyclopaedia or database page
    SECONDARY_COPY = "secondary_copy"  # a mirror, repost or summary of another's text


# Kinds that speak for the body that acted or the record itself; the rest report on it.
PRIMARY_SOURCE_TYPES = frozenset(
    {
        SourceType.REGULATOR,
        SourceType.LEGISLATURE,
        SourceType.COURT,
        SourceType.REGISTRY,
        SourceType.JOURNAL,
        SourceType.SPONSOR,
    }
)


_SOURCE_RANKS = {kind.value: rank for rank, kind in enumerate(SourceType)}


def source_rank(source_type: str) -> int:
    """How close a kind of source stands to the fact: 0 is closest.

    >>> source_rank("regulator") < source_rank("press") < source_rank("secondary_copy")
    True
    """
    # Every citation of every answer is ranked: looked up, not searched for in the enum.
    rank = _SOURCE_RANKS.get(source_type)
    return rank if rank is not None else list(SourceType).index(SourceType(source_type))


class OrganisationType(StrEnum):
    """What kind of organisation."""

    REGULATOR = "regulator"
    NONPROFIT = "nonprofit"
    COMPANY = "company"
    ACADEMIC = "academic"
    GOVERNMENT = "government"
    LEGISLATURE = "legislature"
    COURT = "court"


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
    """What kind of regulatory or legal action it is."""

    # A product's development and marketing authorisation.
    REGULATOR_MEETING = "regulator_meeting"
    DESIGNATION_REQUESTED = "designation_requested"
    SPECIAL_PROTOCOL_ASSESSMENT = "special_protocol_assessment"
    BREAKTHROUGH_THERAPY_DESIGNATION = "breakthrough_therapy_designation"
    FAST_TRACK_DESIGNATION = "fast_track_designation"
    ORPHAN_DESIGNATION = "orphan_designation"
    PRIORITY_VOUCHER = "priority_voucher"
    ROLLING_REVIEW = "rolling_review"
    EXPANDED_ACCESS = "expanded_access"
    CLINICAL_HOLD = "clinical_hold"
    APPLICATION_SUBMITTED = "application_submitted"
    PRIORITY_REVIEW = "priority_review"
    ADVISORY_COMMITTEE_SCHEDULED = "advisory_committee_scheduled"
    ADVISORY_COMMITTEE_VOTE = "advisory_committee_vote"
    APPROVAL = "approval"
    COMPLETE_RESPONSE_LETTER = "complete_response_letter"
    COMPLETE_RESPONSE_LETTER_PUBLISHED = "complete_response_letter_published"
    REFUSAL = "refusal"
    APPLICATION_WITHDRAWN = "application_withdrawn"
    REMS = "rems"
    # Control status and lawful access.
    SCHEDULING = "scheduling"
    RESCHEDULING = "rescheduling"
    SCHEDULING_PETITION = "scheduling_petition"
    SCHEDULING_PROPOSAL = "scheduling_proposal"
    DESCHEDULING = "descheduling"
    DECRIMINALISATION = "decriminalisation"
    BALLOT_MEASURE_PASSED = "ballot_measure_passed"
    BALLOT_MEASURE_FAILED = "ballot_measure_failed"
    LEGISLATION_ENACTED = "legislation_enacted"
    LEGISLATION_FAILED = "legislation_failed"
    ACCESS_PROGRAMME = "access_programme"
    LICENSING_MILESTONE = "licensing_milestone"
    SPECIAL_ACCESS = "special_access"
    COMPASSIONATE_USE = "compassionate_use"
    EXECUTIVE_ORDER = "executive_order"
    RESEARCH_FUNDING = "research_funding"


class ActionTrack(StrEnum):
    """Which of a substance's two statuses an action bears on. A substance can be in
    Schedule I and lawfully given in a state programme on the same day: the status of a
    product's application and the legal status of the substance are kept apart."""

    APPROVAL = "approval"
    LEGAL = "legal"


_LEGAL_KINDS = frozenset(
    {
        ActionKind.SCHEDULING,
        ActionKind.RESCHEDULING,
        ActionKind.SCHEDULING_PETITION,
        ActionKind.SCHEDULING_PROPOSAL,
        ActionKind.DESCHEDULING,
        ActionKind.DECRIMINALISATION,
        ActionKind.BALLOT_MEASURE_PASSED,
        ActionKind.BALLOT_MEASURE_FAILED,
        ActionKind.LEGISLATION_ENACTED,
        ActionKind.LEGISLATION_FAILED,
        ActionKind.ACCESS_PROGRAMME,
        ActionKind.LICENSING_MILESTONE,
        ActionKind.SPECIAL_ACCESS,
        ActionKind.COMPASSIONATE_USE,
        ActionKind.EXECUTIVE_ORDER,
        ActionKind.RESEARCH_FUNDING,
    }
)


def track_of(kind: str) -> ActionTrack:
    """The status an action kind bears on.

    >>> track_of("ballot_measure_passed"), track_of("approval")
    (<ActionTrack.LEGAL: 'legal'>, <ActionTrack.APPROVAL: 'approval'>)
    """
    return ActionTrack.LEGAL if kind in _LEGAL_KINDS else ActionTrack.APPROVAL


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
