"""ClinicalTrials.gov API v2 JSON: a single study (``/api/v2/studies/NCT...``) or a search
page (``{"studies": [...], "nextPageToken": ...}``), full or restricted with ``fields=``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.dates import PartialDate
from graph.importers.ctgov_records import (
    Condition,
    Intervention,
    Party,
    Reference,
    RegistryDate,
    SourceFormat,
    Study,
    checked_nct_id,
    enrollment_type_from,
    known,
    looks_trimmed,
    phase_from_v2,
    status_from_v2,
    study_type_from,
)
from graph.importers.jsonutil import JsonObject, flag, integer, obj, objects, text, texts
from graph.importers.regdates import parse_registry_date
from graph.search import normalise
from graph.vocab import EnrollmentType


def parse_study(study: JsonObject, origin: str) -> Study:
    """One v2 study object; `StudyError` when it has no usable NCT id."""
    protocol = obj(study, "protocolSection")
    ident = obj(protocol, "identificationModule")
    nct_id = checked_nct_id(text(ident, "nctId"), "protocolSection.identificationModule.nctId")
    status = obj(protocol, "statusModule")
    design = obj(protocol, "designModule")
    sponsors = obj(protocol, "sponsorCollaboratorsModule")
    enrollment = obj(design, "enrollmentInfo")
    warnings: list[str] = []

    phases = texts(design, "phases")
    phase = known(
        phases, phase_from_v2, warnings, f"phase {'/'.join(phases)} has no place in the model"
    )
    overall = text(status, "overallStatus")
    status_value = known(
        overall, status_from_v2, warnings, f"status {overall} is not one the model knows"
    )
    last_known = text(status, "lastKnownStatus")
    study_type = text(design, "studyType")
    ea_info = obj(status, "expandedAccessInfo")
    ea_types = obj(design, "expandedAccessTypes")
    results_posted = obj(status, "resultsFirstPostDateStruct")

    return Study(
        nct_id=nct_id,
        origin=origin,
        source_format=SourceFormat.API_V2,
        brief_title=text(ident, "briefTitle"),
        official_title=text(ident, "officialTitle"),
        acronym=text(ident, "acronym"),
        study_type=study_type_from(study_type) if study_type else None,
        phase=phase,
        status=status_value,
        last_known_status=status_from_v2(last_known) if last_known else None,
        why_stopped=text(status, "whyStopped"),
        enrollment=integer(enrollment, "count"),
        enrollment_type=_enrollment_type(enrollment),
        first_posted=_date(obj(status, "studyFirstPostDateStruct")),
        last_updated=_date(obj(status, "lastUpdatePostDateStruct")),
        start=_registry_date(obj(status, "startDateStruct")),
        primary_completion=_registry_date(obj(status, "primaryCompletionDateStruct")),
        completion=_registry_date(obj(status, "completionDateStruct")),
        lead_sponsor=_party(obj(sponsors, "leadSponsor")),
        collaborators=tuple(
            p for p in map(_party, objects(sponsors, "collaborators")) if p is not None
        ),
        responsible_investigator=text(obj(sponsors, "responsibleParty"), "investigatorFullName"),
        conditions=_conditions(study, protocol),
        condition_mesh_terms=tuple(
            t
            for m in objects(obj(study, "derivedSection", "conditionBrowseModule"), "meshes")
            if (t := text(m, "term"))
        ),
        interventions=tuple(_interventions(protocol)),
        references=tuple(_references(protocol)),
        expanded_access_types=tuple(
            name for name in ("individual", "intermediate", "treatment") if flag(ea_types, name)
        ),
        expanded_access_nct_id=text(ea_info, "nctId")
        if flag(ea_info, "hasExpandedAccess")
        else None,
        has_results=bool(flag(study, "hasResults")) or "resultsSection" in study,
        results_first_posted=_date(results_posted),
        countries=tuple(
            sorted(
                {
                    c
                    for loc in objects(obj(protocol, "contactsLocationsModule"), "locations")
                    if (c := text(loc, "country"))
                }
            )
        ),
        # Every full v2 record carries its last-update date; a `fields=` download may not.
        partial=obj(status, "lastUpdatePostDateStruct") is None,
        trimmed=any(looks_trimmed(s) for s in _strings(protocol)),
        warnings=tuple(warnings),
    )


def _date(struct: JsonObject | None) -> PartialDate | None:
    return parse_registry_date(text(struct, "date"))


def _registry_date(struct: JsonObject | None) -> RegistryDate | None:
    date = parse_registry_date(text(struct, "date"))
    if date is None:
        return None
    kind = text(struct, "type")
    return RegistryDate(date, None if kind is None else kind.upper() != "ACTUAL")


def _enrollment_type(enrollment: JsonObject | None) -> EnrollmentType | None:
    kind = text(enrollment, "type")
    return enrollment_type_from(kind) if kind else None


def _party(value: JsonObject | None) -> Party | None:
    name = text(value, "name")
    return Party(name, text(value, "class")) if name else None


def _conditions(study: JsonObject, protocol: JsonObject | None) -> tuple[Condition, ...]:
    # The registry says which listed condition each MeSH term was derived from
    # (`asFound`); only terms that are the study's own MeSH conditions (`meshes`, not
    # their ancestors) and whose source text is the whole condition are attached.
    browse = obj(study, "derivedSection", "conditionBrowseModule")
    own_terms = {t for m in objects(browse, "meshes") if (t := text(m, "term"))}
    found: dict[str, str] = {}
    for leaf in objects(browse, "browseLeaves"):
        name, as_found = text(leaf, "name"), text(leaf, "asFound")
        if name in own_terms and as_found and name:
            found.setdefault(normalise(as_found), name)
    listed = texts(obj(protocol, "conditionsModule"), "conditions")
    return tuple(Condition(c, _mesh_for(c, found)) for c in dict.fromkeys(listed))


def _mesh_for(condition: str, found: dict[str, str]) -> str | None:
    key = normalise(condition)
    if key in found:
        return found[key]
    base = re.sub(r"\s*\([^)]*\)\s*$", "", condition)  # "Spinal Muscular Atrophy (SMA)"
    return found.get(normalise(base))


def _interventions(protocol: JsonObject | None) -> Iterator[Intervention]:
    for item in objects(obj(protocol, "armsInterventionsModule"), "interventions"):
        name = text(item, "name")
        if name:
            yield Intervention(name, text(item, "type"), tuple(texts(item, "otherNames")))


def _references(protocol: JsonObject | None) -> Iterator[Reference]:
    for item in objects(obj(protocol, "referencesModule"), "references"):
        citation = text(item, "citation")
        if citation:
            yield Reference(citation, text(item, "pmid"), (text(item, "type") or "").upper())


def _strings(value: object) -> Iterator[str]:
    """Every string inside `value`; iterative, so nesting depth cannot overflow the stack."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            yield current
        elif isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
