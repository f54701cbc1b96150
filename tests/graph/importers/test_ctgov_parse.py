"""Parsing ClinicalTrials.gov downloads into `Study` records: every fixture, exact values."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.dates import PartialDate
from graph.importers.ctgov import ReadResult, parse_document
from graph.importers.ctgov_records import (
    Condition,
    Intervention,
    Party,
    Reference,
    RegistryDate,
    SourceFormat,
    Study,
)
from graph.vocab import EnrollmentType, StudyType, TrialPhase, TrialStatus


def d(text: str) -> PartialDate:
    return PartialDate.parse(text)


def studies(path: Path) -> list[Study]:
    result = ReadResult()
    parse_document(path.name, path.read_bytes(), result)
    assert result.rejected == []
    return result.studies


def one(path: Path) -> Study:
    found = studies(path)
    assert len(found) == 1
    return found[0]


def test_v2_terminated_with_month_dates(external: Path) -> None:
    study = one(external / "ctgov-v2/NCT00184067_terminated_whyStopped.json")
    assert study.source_format is SourceFormat.API_V2
    assert study.nct_id == "NCT00184067"
    assert study.brief_title == (
        "Continuation Booster Trial After a Vaccine Combining Tyrosinase/GP100/MART-1 Peptides "
        "Emulsified With Montanide ISA 51 With or Without GM-CSF for Patients With Melanoma"
    )
    assert study.study_type is StudyType.INTERVENTIONAL
    assert study.phase is TrialPhase.PHASE2
    assert study.status is TrialStatus.TERMINATED
    assert study.why_stopped == "Primary PI left institution"
    assert (study.enrollment, study.enrollment_type) == (23, EnrollmentType.ACTUAL)
    # Month-only dates stay month-only; the start has no type at all.
    assert study.start == RegistryDate(d("2004-05"), None)
    assert study.primary_completion == RegistryDate(d("2007-04"), False)
    assert study.completion == RegistryDate(d("2009-09"), False)
    assert str(study.start.date) == "2004-05"
    assert study.first_posted == d("2005-09-16")
    assert study.last_updated == d("2014-05-21")
    assert study.lead_sponsor == Party("University of Southern California", "OTHER")
    assert study.conditions == (Condition("Melanoma", "Melanoma"),)
    assert study.interventions == (Intervention("Montanide ISA 51", "BIOLOGICAL"),)
    assert (study.partial, study.trimmed, study.has_results) == (False, False, False)


def test_v2_active_not_recruiting_with_estimated_completion(external: Path) -> None:
    study = one(external / "ctgov-v2/NCT03934567_phase2_active-not-recruiting.json")
    assert study.status is TrialStatus.ACTIVE_NOT_RECRUITING
    assert study.lead_sponsor == Party("Xynomic Pharmaceuticals, Inc.", "INDUSTRY")
    assert study.completion == RegistryDate(d("2025-10-30"), True)
    assert study.conditions == (Condition("Lymphoma, Follicular", "Lymphoma, Follicular"),)
    assert study.condition_mesh_terms == ("Lymphoma", "Lymphoma, Follicular")
    assert study.countries == ("China",)


def test_v2_expanded_access_record(external: Path) -> None:
    study = one(
        external / "ctgov-v2/NCT03955679_expanded-access_approved-for-marketing_EXTRACTED.json"
    )
    assert study.study_type is StudyType.EXPANDED_ACCESS
    assert study.status is TrialStatus.APPROVED_FOR_MARKETING
    assert study.expanded_access_types == ("treatment",)
    assert (study.phase, study.enrollment, study.start) == (None, None, None)
    assert study.collaborators == (Party("AveXis, Inc.", "INDUSTRY"),)
    assert study.conditions == (Condition("Spinal Muscular Atrophy", "Muscular Atrophy, Spinal"),)
    assert [r.kind for r in study.references] == ["BACKGROUND"] * 5


def test_v2_pointer_to_expanded_access_record(external: Path) -> None:
    study = one(
        external / "ctgov-v2/NCT04174157_observational_links-expanded-access-record_EXTRACTED.json"
    )
    assert study.study_type is StudyType.OBSERVATIONAL
    assert study.expanded_access_nct_id == "NCT03955679"
    assert study.conditions == (
        Condition("Spinal Muscular Atrophy (SMA)", "Muscular Atrophy, Spinal"),
    )
    assert study.enrollment_type is EnrollmentType.ESTIMATED


def test_v2_withdrawn_phase_na(external: Path) -> None:
    study = one(external / "ctgov-v2/aact_NCT00973089_withdrawn_phase-NA.json")
    assert study.status is TrialStatus.WITHDRAWN
    assert study.phase is TrialPhase.NA
    assert (study.enrollment, study.enrollment_type) == (0, EnrollmentType.ACTUAL)
    assert study.why_stopped == (
        "recruiting or enrolling participants has halted prematurely and will not resume"
    )
    assert study.responsible_investigator == "Moti Moskovitz"
    assert study.conditions == (Condition("Caries, Dental", "Dental Caries"),)
    assert study.interventions[0].other_names == ("Indirect pulp capping",)


def test_v2_unknown_status_keeps_last_known_and_results_references(external: Path) -> None:
    study = one(external / "ctgov-v2/aact_NCT03475563_observational_unknown-status.json")
    assert study.status is TrialStatus.UNKNOWN
    assert study.last_known_status is TrialStatus.RECRUITING
    assert study.acronym == "BIOSS"
    assert [(r.kind, r.pmid) for r in study.references] == [
        ("RESULT", "25828372"),
        ("RESULT", "25689548"),
        ("RESULT", "26465375"),
    ]


def test_v2_behavioural_with_derived_references(external: Path) -> None:
    study = one(external / "ctgov-v2/aact_NCT03630471_behavioral_mental-health_phase-NA.json")
    assert study.phase is TrialPhase.NA
    assert [i.type for i in study.interventions] == ["BEHAVIORAL", "BEHAVIORAL"]
    assert {r.kind for r in study.references} == {"BACKGROUND", "DERIVED"}
    assert study.collaborators == (
        Party("Harvard Medical School (HMS and HSDM)", "OTHER"),
        Party("London School of Hygiene and Tropical Medicine", "OTHER"),
    )


def test_v2_trimmed_text_is_flagged(external: Path) -> None:
    study = one(
        external / "ctgov-v2/aact_NCT03418623_alcohol-use-disorder_phase2_TEXT-TRIMMED.json"
    )
    assert study.trimmed is True
    assert study.official_title == "Effect of GET73 on Magnetic Resonance Spectroscopy Measures..."
    assert study.conditions == (Condition("Alcohol Use Disorder", "Alcoholism"),)


def test_v2_search_page_with_next_page_token(external: Path) -> None:
    result = ReadResult()
    path = external / "ctgov-v2/search_page_pageSize1_nextPageToken.json"
    parse_document("page.json", path.read_bytes(), result)
    assert [s.nct_id for s in result.studies] == ["NCT05147467"]
    assert result.studies[0].origin == "page.json [studies[0]]"
    assert result.studies[0].primary_completion == RegistryDate(d("2024-09"), True)
    assert result.notices == [
        "page.json: a search page with more results (nextPageToken); download the following "
        "pages to import them too"
    ]


def test_v2_fields_filtered_pages_are_partial(external: Path) -> None:
    page1 = studies(external / "ctgov-v2/biomcp_search_phelan-mcdermid_page1_fields-filtered.json")
    page2 = studies(external / "ctgov-v2/biomcp_search_phelan-mcdermid_page2_fields-filtered.json")
    assert [s.nct_id for s in page1] == [
        "NCT02710084",
        "NCT05105685",
        "NCT01525901",
        "NCT03493607",
        "NCT07119606",
    ]
    assert len(page2) == 5
    assert all(s.partial and s.last_updated is None for s in page1 + page2)
    combined = page1[1]
    assert combined.phase is TrialPhase.PHASE1_PHASE2  # phases: ["PHASE1", "PHASE2"]
    assert combined.enrollment == 6
    assert combined.enrollment_type is None
    assert page1[0].lead_sponsor == Party("Alexander Kolevzon", None)
    assert page1[0].start == RegistryDate(d("2016-04-29"), None)


def test_v2_single_fields_filtered_record(external: Path) -> None:
    study = one(external / "ctgov-v2/biomcp_get_NCT02576665_fields-filtered.json")
    assert study.partial is True
    assert study.phase is TrialPhase.PHASE1
    assert study.start == RegistryDate(d("2016-07"), None)
    assert study.interventions[1] == Intervention(
        "Toca FC", None, ("Flucytosine", "5-FC", "5-Fluorocytosine")
    )
    assert len(study.conditions) == 12


@pytest.mark.parametrize(
    ("name", "phase", "status"),
    [
        ("NCT03228394_depression_phase2.xml", TrialPhase.PHASE2, TrialStatus.RECRUITING),
        (
            "NCT02586688_major-depressive-disorder_device-tms.xml",
            TrialPhase.NA,
            TrialStatus.ACTIVE_NOT_RECRUITING,
        ),
        ("NCT03424005_phase1-phase2.xml", TrialPhase.PHASE1_PHASE2, TrialStatus.RECRUITING),
        (
            "NCT01534533_phase2-phase3_with-results.xml",
            TrialPhase.PHASE2_PHASE3,
            TrialStatus.COMPLETED,
        ),
        (
            "NCT02654730_phase2-phase3_terminated.xml",
            TrialPhase.PHASE2_PHASE3,
            TrialStatus.TERMINATED,
        ),
        ("NCT02591810_withdrawn.xml", TrialPhase.NA, TrialStatus.WITHDRAWN),
        ("NCT03182660_withheld_minimal-record.xml", None, TrialStatus.WITHHELD),
        ("NCT03147742_expanded-access_ruxolitinib.xml", None, TrialStatus.AVAILABLE),
        ("NCT03245528_expanded-access_available.xml", TrialPhase.NA, TrialStatus.AVAILABLE),
        ("NCT01220531_expanded-access_thymus-tissue.xml", None, TrialStatus.AVAILABLE),
        (
            "NCT01076361_observational-patient-registry_with-results.xml",
            None,
            TrialStatus.COMPLETED,
        ),
    ],
)
def test_xml_phase_and_status(
    external: Path, name: str, phase: TrialPhase | None, status: TrialStatus
) -> None:
    study = one(external / "ctgov-xml" / name)
    assert study.source_format is SourceFormat.LEGACY_XML
    assert (study.phase, study.status) == (phase, status)


def test_xml_day_dates_with_types(external: Path) -> None:
    study = one(external / "ctgov-xml/NCT03228394_depression_phase2.xml")
    assert study.start == RegistryDate(d("2017-06-27"), False)
    assert study.completion == RegistryDate(d("2018-08-17"), True)  # "Anticipated"
    assert (study.enrollment, study.enrollment_type) == (60, EnrollmentType.ESTIMATED)
    assert study.first_posted == d("2017-07-24")
    assert study.last_updated == d("2018-03-06")
    assert study.lead_sponsor == Party("Marinus Pharmaceuticals", "INDUSTRY")
    assert study.conditions[2] == Condition("Depression, Postpartum", "Depression, Postpartum")
    assert study.conditions[-1] == Condition("PPD", None)


def test_xml_terminated_month_dates_and_why_stopped(external: Path) -> None:
    study = one(external / "ctgov-xml/NCT02654730_phase2-phase3_terminated.xml")
    # The XML wraps text over indented lines; the layout is not content.
    assert study.why_stopped == (
        "Enrollment took longer than anticipated; it was financially and logistically "
        "impossible to recruit the final cohort (G6PDd 0.4mg/kg PQ)."
    )
    assert study.start == RegistryDate(d("2015-12"), None)
    assert study.completion == RegistryDate(d("2016-12"), True)
    assert study.collaborators == (Party("Medical Research Council Unit, The Gambia", "OTHER"),)
    assert study.acronym == "SAFEPRIM-II"


def test_xml_withdrawn_enrollment_zero(external: Path) -> None:
    study = one(external / "ctgov-xml/NCT02591810_withdrawn.xml")
    assert (study.enrollment, study.enrollment_type) == (0, EnrollmentType.ACTUAL)
    assert study.lead_sponsor == Party("Orlando Health, Inc.", "OTHER")


def test_xml_withheld_minimal_record(external: Path) -> None:
    study = one(external / "ctgov-xml/NCT03182660_withheld_minimal-record.xml")
    assert study.study_type is None  # "N/A"
    assert study.lead_sponsor == Party("[Redacted]", None)
    assert study.brief_title == "[Trial of device that is not approved or cleared by the U.S. FDA]"
    assert (study.start, study.enrollment, study.conditions) == (None, None, ())


def test_xml_expanded_access_types(external: Path) -> None:
    rux = one(external / "ctgov-xml/NCT03147742_expanded-access_ruxolitinib.xml")
    assert rux.study_type is StudyType.EXPANDED_ACCESS
    assert rux.expanded_access_types == ("intermediate",)
    assert rux.interventions == (Intervention("Ruxolitinib", "DRUG", ("INCB018424",)),)
    assert rux.countries == ()
    thymus = one(external / "ctgov-xml/NCT01220531_expanded-access_thymus-tissue.xml")
    assert thymus.expanded_access_types == ("intermediate", "treatment")
    assert thymus.start == RegistryDate(d("2010-12"), None)
    assert thymus.lead_sponsor == Party("M. Louise Markert", "OTHER")
    assert len(thymus.collaborators) == 4
    assert thymus.collaborators[0] == Party("National Institutes of Health (NIH)", "NIH")
    ljpc = one(external / "ctgov-xml/NCT03245528_expanded-access_available.xml")
    assert ljpc.expanded_access_types == ("treatment",)


def test_xml_results_and_results_references(external: Path) -> None:
    lutein = one(external / "ctgov-xml/NCT01534533_phase2-phase3_with-results.xml")
    assert lutein.has_results is True
    assert lutein.results_first_posted == d("2012-10-15")
    assert lutein.primary_completion == RegistryDate(d("2011-06"), False)
    assert [r.kind for r in lutein.references] == ["BACKGROUND"]
    registry = one(
        external / "ctgov-xml/NCT01076361_observational-patient-registry_with-results.xml"
    )
    assert registry.study_type is StudyType.OBSERVATIONAL  # "Observational [Patient Registry]"
    assert registry.has_results is True
    assert registry.start == RegistryDate(d("1999-09"), None)
    tms = one(external / "ctgov-xml/NCT02586688_major-depressive-disorder_device-tms.xml")
    assert [(r.kind, r.pmid) for r in tms.references] == [
        ("RESULT", "17573044"),
        ("RESULT", "22689344"),
        ("RESULT", "21951987"),
    ]
    assert tms.references[0] == Reference(tms.references[0].citation, "17573044", "RESULT")
    assert tms.conditions == (Condition("Major Depressive Disorder", "Depressive Disorder, Major"),)
