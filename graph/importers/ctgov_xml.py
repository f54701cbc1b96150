"""The legacy ClinicalTrials.gov XML (``<clinical_study>``), retired in 2023-24 but still
what older downloads and bulk archives hold."""

from __future__ import annotations

import xml.etree.ElementTree as ET
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
    agency_class_from_xml,
    checked_nct_id,
    enrollment_type_from,
    intervention_type_from_xml,
    known,
    looks_trimmed,
    phase_from_xml,
    status_from_xml,
    study_type_from,
)
from graph.importers.regdates import parse_registry_date
from graph.search import normalise


def _text(element: ET.Element | None, path: str = ".") -> str | None:
    """The element's text with whitespace collapsed: the XML wraps long text in
    indented lines (``<textblock>``), which are layout, not content."""
    if element is None:
        return None
    found = element.find(path)
    if found is None:
        return None
    joined = " ".join("".join(found.itertext()).split())
    return joined or None


def _texts(element: ET.Element, path: str) -> list[str]:
    return [t for e in element.findall(path) if (t := _text(e))]


def _date(root: ET.Element, tag: str) -> PartialDate | None:
    return parse_registry_date(_text(root, tag))


def _registry_date(root: ET.Element, tag: str) -> RegistryDate | None:
    element = root.find(tag)
    date = parse_registry_date(_text(element))
    if element is None or date is None:
        return None
    kind = element.get("type")
    return RegistryDate(date, None if kind is None else kind.strip().lower() != "actual")


def parse_clinical_study(root: ET.Element, origin: str) -> Study:
    """One ``<clinical_study>`` element; `StudyError` when it has no NCT id."""
    nct_id = checked_nct_id(_text(root, "id_info/nct_id"), "<id_info><nct_id>")
    warnings: list[str] = []
    phase_text = _text(root, "phase")
    phase = known(
        phase_text, phase_from_xml, warnings, f"phase {phase_text!r} has no place in the model"
    )
    status_text = _text(root, "overall_status")
    status = known(
        status_text, status_from_xml, warnings, f"status {status_text!r} is not one the model knows"
    )
    last_known = _text(root, "last_known_status")
    type_text = _text(root, "study_type")
    enrollment = root.find("enrollment")
    enrollment_text = _text(enrollment)
    ea_info = root.find("expanded_access_info")
    mesh_terms = tuple(_texts(root, "condition_browse/mesh_term"))

    return Study(
        nct_id=nct_id,
        origin=origin,
        source_format=SourceFormat.LEGACY_XML,
        brief_title=_text(root, "brief_title"),
        official_title=_text(root, "official_title"),
        acronym=_text(root, "acronym"),
        study_type=study_type_from(type_text) if type_text else None,
        phase=phase,
        status=status,
        last_known_status=status_from_xml(last_known) if last_known else None,
        why_stopped=_text(root, "why_stopped"),
        enrollment=int(enrollment_text)
        if enrollment_text and enrollment_text.isascii() and enrollment_text.isdigit()
        else None,
        enrollment_type=enrollment_type_from(enrollment.get("type", ""))
        if enrollment is not None
        else None,
        first_posted=_date(root, "study_first_posted"),
        last_updated=_date(root, "last_update_posted") or _date(root, "lastchanged_date"),
        start=_registry_date(root, "start_date"),
        primary_completion=_registry_date(root, "primary_completion_date"),
        completion=_registry_date(root, "completion_date"),
        lead_sponsor=_party(root.find("sponsors/lead_sponsor")),
        collaborators=tuple(
            p for p in map(_party, root.findall("sponsors/collaborator")) if p is not None
        ),
        responsible_investigator=_text(root, "responsible_party/investigator_full_name"),
        conditions=_conditions(root, mesh_terms),
        condition_mesh_terms=mesh_terms,
        interventions=tuple(_interventions(root)),
        references=tuple(_references(root)),
        expanded_access_types=tuple(
            name
            for name in ("individual", "intermediate", "treatment")
            if ea_info is not None
            and (_text(ea_info, f"expanded_access_type_{name}") or "").lower() == "yes"
        ),
        has_results=root.find("clinical_results") is not None,
        results_first_posted=_date(root, "results_first_posted"),
        countries=tuple(sorted(set(_texts(root, "location_countries/country")))),
        trimmed=any(looks_trimmed(t) for e in root.iter() if (t := (e.text or "").strip())),
        warnings=tuple(warnings),
    )


def _party(element: ET.Element | None) -> Party | None:
    name = _text(element, "agency")
    return Party(name, agency_class_from_xml(_text(element, "agency_class"))) if name else None


def _conditions(root: ET.Element, mesh_terms: tuple[str, ...]) -> tuple[Condition, ...]:
    # The legacy XML does not say which condition a MeSH term came from; a term is
    # attached only when it names the condition itself, possibly inverted
    # ("Depression, Postpartum" for "Postpartum Depression").
    by_key: dict[str, str] = {}
    for term in mesh_terms:
        by_key.setdefault(normalise(term), term)
        head, sep, tail = term.partition(", ")
        if sep and ", " not in tail:
            by_key.setdefault(normalise(f"{tail} {head}"), term)
    listed = dict.fromkeys(_texts(root, "condition"))
    return tuple(Condition(c, by_key.get(normalise(c))) for c in listed)


def _interventions(root: ET.Element) -> Iterator[Intervention]:
    for element in root.findall("intervention"):
        name = _text(element, "intervention_name")
        if name:
            yield Intervention(
                name,
                intervention_type_from_xml(_text(element, "intervention_type")),
                tuple(_texts(element, "other_name")),
            )


def _references(root: ET.Element) -> Iterator[Reference]:
    for tag, kind in (("results_reference", "RESULT"), ("reference", "BACKGROUND")):
        for element in root.findall(tag):
            citation = _text(element, "citation")
            if citation:
                yield Reference(citation, _text(element, "PMID"), kind)
