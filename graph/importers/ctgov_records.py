"""Typed intermediate records for ClinicalTrials.gov studies, whatever format they came in.

Both parsers (`ctgov_json` for API v2, `ctgov_xml` for the legacy XML) produce a `Study`;
the mapping to graph records (`ctgov_map`) reads only these. Values are already in the
graph's vocabularies (`graph.vocab`) where one exists; registry values with no place in
the model (MeSH terms, date types, results posting) are kept here so that they can be
reported, tested and, once the model has fields for them, written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, TypeVar

from graph.dates import PartialDate
from graph.vocab import EnrollmentType, StudyType, TrialPhase, TrialStatus

R = TypeVar("R")
V = TypeVar("V")


class SourceFormat(StrEnum):
    API_V2 = "ClinicalTrials.gov API v2 JSON"
    LEGACY_XML = "ClinicalTrials.gov legacy XML"


@dataclass(frozen=True)
class RegistryDate:
    """A date as the registry gives it; `estimated` is None when the registry says neither."""

    date: PartialDate
    estimated: bool | None = None


@dataclass(frozen=True)
class Party:
    """A sponsor or collaborator as the registry names it.

    `agency_class` uses the v2 codes (INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK,
    OTHER, ...); the legacy XML's classes are translated to them.
    """

    name: str
    agency_class: str | None = None


@dataclass(frozen=True)
class Intervention:
    name: str
    type: str | None = None  # DRUG, BIOLOGICAL, DEVICE, ... (v2 spelling)
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """A condition as listed, with the MeSH term the registry derived from it, if any."""

    name: str
    mesh_term: str | None = None


@dataclass(frozen=True)
class Reference:
    citation: str
    pmid: str | None
    kind: str  # RESULT, BACKGROUND or DERIVED (the registry's reference types)


@dataclass(frozen=True)
class Study:
    """One registry record, as far as the graph needs it."""

    nct_id: str
    origin: str  # the file (and position in it) the record was read from
    source_format: SourceFormat
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    study_type: StudyType | None = None
    phase: TrialPhase | None = None
    status: TrialStatus | None = None
    last_known_status: TrialStatus | None = None
    why_stopped: str | None = None
    enrollment: int | None = None
    enrollment_type: EnrollmentType | None = None
    first_posted: PartialDate | None = None
    last_updated: PartialDate | None = None  # the record version
    start: RegistryDate | None = None
    primary_completion: RegistryDate | None = None
    completion: RegistryDate | None = None
    lead_sponsor: Party | None = None
    collaborators: tuple[Party, ...] = ()
    responsible_investigator: str | None = None
    conditions: tuple[Condition, ...] = ()
    condition_mesh_terms: tuple[str, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    references: tuple[Reference, ...] = ()
    expanded_access_types: tuple[str, ...] = ()  # individual, intermediate, treatment
    expanded_access_nct_id: str | None = None  # this study's pointer to its EA record
    has_results: bool = False
    results_first_posted: PartialDate | None = None
    countries: tuple[str, ...] = ()
    # A download restricted with `fields=`: what it lacks may exist in the registry.
    partial: bool = False
    # Some text ends in "..." as if cut short (AACT's test copies trim long text).
    trimmed: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def title(self) -> str | None:
        return self.brief_title or self.official_title


# --- vocabularies -------------------------------------------------------------------

_V2_PHASES: Final = {
    ("EARLY_PHASE1",): TrialPhase.EARLY_PHASE1,
    ("PHASE1",): TrialPhase.PHASE1,
    ("PHASE1", "PHASE2"): TrialPhase.PHASE1_PHASE2,
    ("PHASE2",): TrialPhase.PHASE2,
    ("PHASE2", "PHASE3"): TrialPhase.PHASE2_PHASE3,
    ("PHASE3",): TrialPhase.PHASE3,
    ("PHASE4",): TrialPhase.PHASE4,
    ("NA",): TrialPhase.NA,
}

_XML_PHASES: Final = {
    "early phase 1": TrialPhase.EARLY_PHASE1,
    "phase 0": TrialPhase.EARLY_PHASE1,  # the legacy name of early phase 1
    "phase 1": TrialPhase.PHASE1,
    "phase 1/phase 2": TrialPhase.PHASE1_PHASE2,
    "phase 2": TrialPhase.PHASE2,
    "phase 2/phase 3": TrialPhase.PHASE2_PHASE3,
    "phase 3": TrialPhase.PHASE3,
    "phase 4": TrialPhase.PHASE4,
    "n/a": TrialPhase.NA,
}

_XML_STATUSES: Final = {
    "unknown status": TrialStatus.UNKNOWN,
    **{s.value.replace("_", " ").lower(): s for s in TrialStatus},
    "active, not recruiting": TrialStatus.ACTIVE_NOT_RECRUITING,
}

_XML_AGENCY_CLASSES: Final = {
    "industry": "INDUSTRY",
    "nih": "NIH",
    "u.s. fed": "FED",
    "other": "OTHER",
}


NCT_ID: Final = re.compile(r"NCT[0-9]{8}")


class StudyError(ValueError):
    """One study in a file cannot be imported; the message says why."""


def checked_nct_id(nct_id: str | None, where: str) -> str:
    """The study's NCT id; `StudyError` naming `where` it should be when it is not one."""
    if nct_id is None:
        raise StudyError(f"no {where} of the form NCT00000000")
    if not NCT_ID.fullmatch(nct_id):
        raise StudyError(f"{nct_id!r} is not an NCT id")
    return nct_id


def known(
    raw: R | None, convert: Callable[[R], V | None], warnings: list[str], what: str
) -> V | None:
    """`convert(raw)`; a value the model has no place for is noted in `warnings` and left out."""
    if not raw:
        return None
    value = convert(raw)
    if value is None:
        warnings.append(f"{what}; left out")
    return value


def phase_from_v2(phases: list[str]) -> TrialPhase | None:
    """["PHASE2", "PHASE3"] -> PHASE2_PHASE3; None for an empty or unknown combination."""
    return _V2_PHASES.get(tuple(sorted(set(phases))))


def phase_from_xml(text: str) -> TrialPhase | None:
    """ "Phase 1/Phase 2" -> PHASE1_PHASE2, "N/A" -> NA."""
    return _XML_PHASES.get(" ".join(text.lower().split()))


def status_from_v2(text: str) -> TrialStatus | None:
    try:
        return TrialStatus(text)
    except ValueError:
        return None


def status_from_xml(text: str) -> TrialStatus | None:
    """ "Active, not recruiting" -> ACTIVE_NOT_RECRUITING, "Unknown status" -> UNKNOWN."""
    return _XML_STATUSES.get(" ".join(text.lower().split()))


def study_type_from(text: str) -> StudyType | None:
    """v2 ("EXPANDED_ACCESS") or legacy ("Observational [Patient Registry]") spelling."""
    key = text.split("[")[0].strip().upper().replace(" ", "_")
    try:
        return StudyType(key)
    except ValueError:
        return None


def enrollment_type_from(text: str) -> EnrollmentType | None:
    """ACTUAL, or ESTIMATED (the legacy XML says "Anticipated" or "Estimate")."""
    key = text.strip().upper()
    if key == "ACTUAL":
        return EnrollmentType.ACTUAL
    if key in ("ESTIMATED", "ESTIMATE", "ANTICIPATED"):
        return EnrollmentType.ESTIMATED
    return None


def agency_class_from_xml(text: str | None) -> str | None:
    if text is None:
        return None
    return _XML_AGENCY_CLASSES.get(text.strip().lower(), text.strip().upper())


def intervention_type_from_xml(text: str | None) -> str | None:
    """ "Dietary Supplement" -> DIETARY_SUPPLEMENT, the v2 spelling."""
    return "_".join(text.upper().split()) if text and text.strip() else None


def looks_trimmed(value: str) -> bool:
    return value.rstrip().endswith(("...", "\u2026"))
