"""Importing ClinicalTrials.gov records into a scratch copy of data/: the YAML written,
the graph it gives, and re-imports (idempotent, updating, never overwriting curation)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from graph.dates import Precision
from graph.importers.ctgov_map import STRUCTURED
from graph.load import load_graph
from tests.graph.importers.conftest import add_records, at, records_in, run_capture, snapshot

TERMINATED = "ctgov-v2/NCT00184067_terminated_whyStopped.json"
IMPORTED = Path("imported/ctgov")

EXPECTED_NCT00184067 = """\
# Imported by `python -m graph import ctgov` from ClinicalTrials.gov record NCT00184067
# as last updated on 2014-05-21, read from ClinicalTrials.gov API v2 JSON.
# A re-import rewrites this file: edit a field only together with a citation of
# another source, which marks it as curated and keeps it.

- id: source:ctgov-NCT00184067
  url: https://clinicaltrials.gov/study/NCT00184067
  title: ClinicalTrials.gov record NCT00184067
  publisher: ClinicalTrials.gov (U.S. National Library of Medicine)
  published: 2014-05-21
  type: registry

- id: trial:NCT00184067
  registry_id: NCT00184067
  title: Continuation Booster Trial After a Vaccine Combining Tyrosinase/GP100/MART-1 Peptides \
Emulsified With Montanide ISA 51 With or Without GM-CSF for Patients With Melanoma
  study_type: INTERVENTIONAL
  phase: PHASE2
  status: TERMINATED
  why_stopped: Primary PI left institution
  enrollment: 23
  enrollment_type: ACTUAL
  first_posted: 2005-09-16
  start: 2004-05
  primary_completion: 2007-04
  completion: 2009-09
  sponsor: organisation:university-of-southern-california
  conditions: [condition:melanoma]
  sources:
    - source: source:ctgov-NCT00184067
      quote: Continuation Booster Trial After a Vaccine Combining Tyrosinase/GP100/MART-1 \
Peptides Emulsified With Montanide ISA 51 With or Without GM-CSF for Patients With Melanoma
      derived: Read from the registry record's structured fields, not from a quoted passage.
  note: "Interventions not linked to a substance in regkg: Montanide ISA 51 (biological)."
"""


@pytest.fixture
def all_ctgov(external: Path) -> list[Path]:
    return [external / "ctgov-v2", external / "ctgov-xml"]


def test_imports_every_fixture_as_reviewable_valid_yaml(
    all_ctgov: list[Path], data_copy: Path, external: Path
) -> None:
    code, out, err = run_capture("ctgov", all_ctgov, data_copy)
    assert (code, err) == (0, "")
    assert "import ctgov: 23 inputs, 31 records read" in out
    assert "  created                                             31" in out
    text = (data_copy / IMPORTED / "NCT00184067.yaml").read_text(encoding="utf-8")
    assert text == EXPECTED_NCT00184067
    kg = load_graph(data_copy)
    assert len([n for n in kg.by_kind["trial"] if n.startswith("trial:NCT")]) == 16 + 31


def test_reimport_is_byte_identical(all_ctgov: list[Path], data_copy: Path) -> None:
    run_capture("ctgov", all_ctgov, data_copy)
    first = snapshot(data_copy)
    code, out, _ = run_capture("ctgov", all_ctgov, data_copy)
    assert code == 0
    assert snapshot(data_copy) == first
    assert "  unchanged                                           31" in out
    assert "wrote 0 files" in out


def test_mapped_values_of_odd_cases(all_ctgov: list[Path], data_copy: Path) -> None:
    run_capture("ctgov", all_ctgov, data_copy)
    folder = data_copy / IMPORTED

    withdrawn = records_in(folder / "NCT00973089.yaml")["trial:NCT00973089"]
    assert (withdrawn["status"], withdrawn["phase"], withdrawn["enrollment"]) == (
        "WITHDRAWN",
        "NA",
        "0",
    )
    unknown = records_in(folder / "NCT03475563.yaml")["trial:NCT03475563"]
    assert unknown["status"] == "UNKNOWN"
    assert unknown["publications"] == [
        "source:pubmed-25828372",
        "source:pubmed-25689548",
        "source:pubmed-26465375",
    ]
    assert unknown["sources"] == [
        {
            "source": "source:ctgov-NCT03475563",
            "quote": "BiOSS Study (BiOSS LIM C Stent Registry in Bifurcated Lesions)",
            "note": "The registry gives these dates as estimates: primary_completion, "
            "completion. Last known status: RECRUITING.",
            "derived": STRUCTURED,
        }
    ]
    combined = records_in(folder / "NCT03424005.yaml")["trial:NCT03424005"]
    assert (combined["phase"], combined["acronym"]) == ("PHASE1_PHASE2", "Morpheus-TNBC")
    terminated = records_in(folder / "NCT02654730.yaml")["trial:NCT02654730"]
    assert terminated["phase"] == "PHASE2_PHASE3"
    assert terminated["why_stopped"] == (
        "Enrollment took longer than anticipated; it was financially and logistically "
        "impossible to recruit the final cohort (G6PDd 0.4mg/kg PQ)."
    )
    results = records_in(folder / "NCT01534533.yaml")["trial:NCT01534533"]
    assert at(results, "sources", 0, "note") == "Results were posted on the registry on 2012-10-15."
    trimmed = records_in(folder / "NCT03418623.yaml")["source:ctgov-NCT03418623"]
    assert trimmed["caveat"] == (
        "Some text in the copy read ends in '...' as if cut short; check it against the registry."
    )
    partial = records_in(folder / "NCT02576665.yaml")["source:ctgov-NCT02576665"]
    assert "published" not in partial
    assert str(partial["caveat"]).startswith("Read from a download restricted to some fields")
    withheld = records_in(folder / "NCT03182660.yaml")["trial:NCT03182660"]
    assert withheld["title"] == "[Trial of device that is not approved or cleared by the U.S. FDA]"
    assert "sponsor" not in withheld
    assert withheld["note"] == "The registry withholds the lead sponsor's name ([Redacted])."
    person = records_in(folder / "NCT02710084.yaml")["trial:NCT02710084"]
    assert "sponsor" not in person
    assert str(person["note"]).startswith(
        "The registry names Alexander Kolevzon as lead sponsor, a person rather than an "
        "organisation"
    )
    mdd = records_in(folder / "NCT02586688.yaml")["trial:NCT02586688"]
    assert mdd["conditions"] == ["condition:mdd"]  # matched to the curated condition


def test_shared_records_are_created_once_and_cite_every_record(
    all_ctgov: list[Path], data_copy: Path
) -> None:
    run_capture("ctgov", all_ctgov, data_copy)
    conditions = records_in(data_copy / IMPORTED / "conditions.yaml")
    sma = conditions["condition:spinal-muscular-atrophy"]
    assert sma["name"] == "Spinal Muscular Atrophy"
    assert sma["synonyms"] == ["Muscular Atrophy, Spinal"]
    assert sma["sources"] == [
        {"source": "source:ctgov-NCT03955679", "quote": "Spinal Muscular Atrophy"},
        {"source": "source:ctgov-NCT04174157", "quote": "Spinal Muscular Atrophy (SMA)"},
    ]
    assert conditions["condition:autism-spectrum-disorder"]["abbreviations"] == ["ASD"]
    pms = conditions["condition:phelan-mcdermid-syndrome"]
    assert len(at(pms, "sources") or []) == 9
    organisations = records_in(data_copy / IMPORTED / "organisations.yaml")
    assert organisations["organisation:xynomic-pharmaceuticals-inc"] == {
        "id": "organisation:xynomic-pharmaceuticals-inc",
        "name": "Xynomic Pharmaceuticals, Inc.",
        "type": "company",
        "sources": [
            {"source": "source:ctgov-NCT03934567", "quote": "Xynomic Pharmaceuticals, Inc."}
        ],
    }
    assert organisations["organisation:sangath"]["type"] == "nonprofit"
    assert organisations["organisation:sangath"]["note"] == (
        "Type not given (registry class OTHER); nonprofit is a guess, check it."
    )
    publications = records_in(data_copy / IMPORTED / "publications.yaml")
    assert publications["source:pubmed-25689548"] == {
        "id": "source:pubmed-25689548",
        "url": "https://pubmed.ncbi.nlm.nih.gov/25689548/",
        "title": "First-in-man study of dedicated bifurcation sirolimus-eluting stent: "
        "12-month results of BiOSS LIM(R) Registry",
        "publisher": "J Interv Cardiol",
        "published": "2015-02",
        "type": "journal",
        "caveat": "Listed as a results publication on ClinicalTrials.gov; the paper itself "
        "was not read by the importer.",
    }


def test_graph_links_trials_to_substances_sponsors_conditions_and_expanded_access(
    external: Path, data_with_substances: Path
) -> None:
    paths = [
        external / "ctgov-xml/NCT03147742_expanded-access_ruxolitinib.xml",
        external / "ctgov-xml/NCT03228394_depression_phase2.xml",
        # The pointing record first: the link must not depend on the order of files.
        external / "ctgov-v2/NCT04174157_observational_links-expanded-access-record_EXTRACTED.json",
        external / "ctgov-v2/NCT03955679_expanded-access_approved-for-marketing_EXTRACTED.json",
        external / "ctgov-v2/biomcp_search_phelan-mcdermid_page2_fields-filtered.json",
    ]
    code, out, _ = run_capture("ctgov", paths, data_with_substances)
    assert code == 0, out
    kg = load_graph(data_with_substances)
    edges = set(kg.graph.edges(keys=True))
    assert ("trial:NCT03228394", "substance:ganaxolone", "tests") in edges
    assert ("trial:NCT03228394", "organisation:marinus-pharmaceuticals", "sponsored_by") in edges
    # Postpartum depression is curated (condition:ppd), so the import links to it.
    assert ("trial:NCT03228394", "condition:ppd", "studies") in edges
    assert ("trial:NCT04174157", "trial:NCT03955679", "has_expanded_access") in edges
    assert ("trial:NCT05025241", "substance:nnz-2591", "tests") in edges
    assert ("trial:NCT07281079", "substance:nnz-2591", "tests") in edges
    action = "action:expanded-access-NCT03147742-ruxolitinib"
    assert {(u, v, k) for u, v, k in edges if u == action} == {
        (action, "substance:ruxolitinib", "concerns"),
        (action, "organisation:fda", "by_agency"),
        (action, "jurisdiction:US", "applies_in"),
        (action, "organisation:incyte-corporation", "applicant"),
        (action, "condition:graft-versus-host-disease", "for_condition"),
        (action, "trial:NCT03147742", "covers"),
        (action, "source:ctgov-NCT03147742", "cites"),
    }
    records = records_in(data_with_substances / IMPORTED / "NCT03147742.yaml")
    assert records[action] == {
        "id": action,
        "action": "expanded_access",
        "summary": "Incyte Corporation registered expanded access (intermediate-size "
        "population) to Ruxolitinib on ClinicalTrials.gov (NCT03147742); its status there is "
        "available.",
        "agency": "organisation:fda",
        "jurisdiction": "jurisdiction:US",
        "substance": "substance:ruxolitinib",
        "condition": "condition:graft-versus-host-disease",
        "sponsor": "organisation:incyte-corporation",
        "trials": ["trial:NCT03147742"],
        "announced": "2017-05-10",
        "date_note": "The registry does not say when the FDA allowed the programme; announced "
        "is the day the record was first posted.",
        "disclosure": "registry",
        "sources": [
            {
                "source": "source:ctgov-NCT03147742",
                "quote": "An Expanded Access Program of Ruxolitinib for the Treatment of "
                "Graft-Versus-Host Disease Following Allogeneic Hematopoietic Stem Cell Transplant",
                "note": "Agency and jurisdiction are inferred: expanded access registered on "
                "ClinicalTrials.gov is access to an investigational drug under FDA rules.",
                "derived": STRUCTURED,
            }
        ],
    }
    condition = kg.node("condition:graft-versus-host-disease")
    assert (condition["name"], condition["abbreviations"]) == (
        "Graft-versus-host Disease",
        ("GVHD",),
    )
    start = kg.node("trial:NCT03228394")["start"]
    assert str(start) == "2017-06-27"


def test_month_only_dates_stay_month_only(external: Path, data_copy: Path) -> None:
    run_capture("ctgov", [external / TERMINATED], data_copy)
    trial = load_graph(data_copy).node("trial:NCT00184067")
    start = trial["start"]
    assert str(start) == "2004-05"
    assert getattr(start, "precision", None) is Precision.MONTH


def _edited_copy(source: Path, target: Path, edit: Mapping[str, object]) -> Path:
    """A copy of a v2 study with statusModule/designModule values replaced."""
    study = json.loads(source.read_text(encoding="utf-8"))
    for dotted, value in edit.items():
        *parents, last = dotted.split(".")
        node = study["protocolSection"]
        for part in parents:
            node = node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value
    target.write_text(json.dumps(study), encoding="utf-8")
    return target


NEWER = {
    "statusModule.lastUpdatePostDateStruct": {"date": "2015-01-10", "type": "ACTUAL"},
    "statusModule.overallStatus": "COMPLETED",
    "designModule.enrollmentInfo": {"count": 30, "type": "ACTUAL"},
}


def test_newer_version_updates_and_reports_each_change(
    external: Path, data_copy: Path, tmp_path: Path
) -> None:
    run_capture("ctgov", [external / TERMINATED], data_copy)
    newer = _edited_copy(external / TERMINATED, tmp_path / "newer.json", NEWER)
    code, out, _ = run_capture("ctgov", [newer], data_copy)
    assert code == 0
    assert f"updated: NCT00184067 ({newer})" in out
    assert "    source:ctgov-NCT00184067: published: 2014-05-21 -> 2015-01-10" in out
    assert "    trial:NCT00184067: status: TERMINATED -> COMPLETED" in out
    assert "    trial:NCT00184067: enrollment: 23 -> 30" in out
    text = (data_copy / IMPORTED / "NCT00184067.yaml").read_text(encoding="utf-8")
    assert "# as last updated on 2015-01-10, read from ClinicalTrials.gov API v2 JSON." in text
    # The older copy no longer replaces the newer import.
    code, out, _ = run_capture("ctgov", [external / TERMINATED], data_copy)
    assert code == 0
    assert "older than the imported version, left unchanged: NCT00184067" in out
    assert "this copy was last updated 2014-05-21; the import has 2015-01-10" in out


def test_curated_trial_is_left_unchanged(external: Path, data_copy: Path) -> None:
    add_records(
        data_copy,
        "curated-trial.yaml",
        """
- id: trial:NCT00184067
  registry_id: NCT00184067
  title: A curated title
  sources: [{source: source:seed-mnt, derived: test}]
""",
    )
    code, out, _ = run_capture("ctgov", [external / TERMINATED], data_copy)
    assert code == 0
    assert "curated, left unchanged: NCT00184067" in out
    assert "trial:NCT00184067 is curated; left unchanged" in out
    assert not (data_copy / IMPORTED).exists()


def test_fields_curated_from_other_sources_are_never_overwritten(
    external: Path, data_copy: Path, tmp_path: Path
) -> None:
    run_capture("ctgov", [external / TERMINATED], data_copy)
    path = data_copy / IMPORTED / "NCT00184067.yaml"
    text = path.read_text(encoding="utf-8").replace("enrollment: 23", "enrollment: 25")
    text = text.replace(
        '  note: "Interventions',
        "    - source: source:seed-mnt\n"
        "      quote: a curator's reading of another source, 25 enrolled\n"
        "      supports: [enrollment]\n"
        '  note: "Interventions',
    )
    path.write_text(text, encoding="utf-8")
    newer = _edited_copy(external / TERMINATED, tmp_path / "newer.json", NEWER)
    code, out, _ = run_capture("ctgov", [newer], data_copy)
    assert code == 0, out
    trial = records_in(path)["trial:NCT00184067"]
    assert (trial["status"], trial["enrollment"]) == ("COMPLETED", "25")
    supports = at(trial, "sources", 0, "supports")
    assert isinstance(supports, list)
    assert "enrollment" not in supports
    assert "status" in supports
    assert at(trial, "sources", 1) == {
        "source": "source:seed-mnt",
        "quote": "a curator's reading of another source, 25 enrolled",
        "supports": ["enrollment"],
    }
    load_graph(data_copy)  # still valid


def test_fields_filtered_download_merges_without_removing(
    external: Path, data_copy: Path, tmp_path: Path
) -> None:
    run_capture("ctgov", [external / TERMINATED], data_copy)
    partial = _edited_copy(
        external / TERMINATED,
        tmp_path / "partial.json",
        {
            "statusModule.lastUpdatePostDateStruct": None,
            "designModule.enrollmentInfo": None,
            "statusModule.overallStatus": "COMPLETED",
        },
    )
    code, out, _ = run_capture("ctgov", [partial], data_copy)
    assert code == 0, out
    records = records_in(data_copy / IMPORTED / "NCT00184067.yaml")
    trial = records["trial:NCT00184067"]
    assert (trial["status"], trial["enrollment"]) == ("COMPLETED", "23")
    assert records["source:ctgov-NCT00184067"]["published"] == "2014-05-21"


def test_a_record_that_would_not_validate_is_rejected_alone(
    external: Path, data_copy: Path, tmp_path: Path
) -> None:
    impossible = _edited_copy(
        external / TERMINATED,
        tmp_path / "impossible.json",
        {"statusModule.completionDateStruct": {"date": "2003-01", "type": "ACTUAL"}},
    )
    other = external / "ctgov-xml/NCT02591810_withdrawn.xml"
    code, out, _ = run_capture("ctgov", [impossible, other], data_copy)
    assert code == 1
    assert "rejected: NCT00184067" in out
    assert (
        "imported/ctgov/NCT00184067.yaml:25: impossible dates: completion 2003-01 is before "
        "start 2004-05"
    ) in out
    assert not (data_copy / IMPORTED / "NCT00184067.yaml").exists()
    assert (data_copy / IMPORTED / "NCT02591810.yaml").exists()
    conditions = records_in(data_copy / IMPORTED / "conditions.yaml")
    assert "condition:melanoma" not in conditions  # nothing of the rejected record remains
    load_graph(data_copy)


def test_registry_source_already_curated_is_cited_not_duplicated(
    external: Path, data_copy: Path
) -> None:
    add_records(
        data_copy,
        "curated-source.yaml",
        """
- id: source:curated-registry-page
  url: https://clinicaltrials.gov/study/NCT00184067
  title: The registry page, read by a curator
  publisher: ClinicalTrials.gov
  type: registry
""",
    )
    code, out, _ = run_capture("ctgov", [external / TERMINATED], data_copy)
    assert code == 0, out
    records = records_in(data_copy / IMPORTED / "NCT00184067.yaml")
    assert list(records) == ["trial:NCT00184067"]
    trial = records["trial:NCT00184067"]
    assert at(trial, "sources", 0, "source") == "source:curated-registry-page"


def test_dry_run_reports_without_writing(all_ctgov: list[Path], data_copy: Path) -> None:
    before = snapshot(data_copy)
    code, out, _ = run_capture("ctgov", all_ctgov, data_copy, dry_run=True)
    assert code == 0
    assert "dry run: 34 files would change under" in out
    assert snapshot(data_copy) == before


def test_unmatched_interventions_are_reported_not_invented(external: Path, data_copy: Path) -> None:
    code, out, _ = run_capture("ctgov", [external / TERMINATED], data_copy)
    assert code == 0
    assert "unmatched interventions or products (not linked, nothing invented):" in out
    assert "    NCT00184067: Montanide ISA 51 (biological)" in out
    assert "  unmatched interventions or products                  1" in out
    substances = load_graph(data_copy).by_kind["substance"]
    assert "substance:montanide-isa-51" not in substances


EA_RECORD = "ctgov-v2/NCT03955679_expanded-access_approved-for-marketing_EXTRACTED.json"
ZOLGENSMA = """
- id: substance:onasemnogene-abeparvovec
  name: Onasemnogene abeparvovec
  code_names: [AVXS-101]
  sources: [{source: source:seed-mnt, derived: test}]
"""
EA_ACTION = "action:expanded-access-NCT03955679-onasemnogene-abeparvovec"
EA_TITLE = "AveXis Managed Access Program Cohort for Access to AVXS-101"


def _ea_with_status(external: Path, tmp_path: Path, status: str, updated: str) -> Path:
    return _edited_copy(
        external / EA_RECORD,
        tmp_path / f"{status}.json",
        {
            "statusModule.overallStatus": status,
            "statusModule.lastUpdatePostDateStruct": {"date": updated, "type": "ACTUAL"},
        },
    )


@pytest.mark.parametrize(
    ("status", "label"),
    [("AVAILABLE", "available"), ("APPROVED_FOR_MARKETING", "approved for marketing")],
)
def test_open_expanded_access_programme_is_a_standing_action(
    external: Path, data_copy: Path, tmp_path: Path, status: str, label: str
) -> None:
    add_records(data_copy, "zolgensma.yaml", ZOLGENSMA)
    path = _ea_with_status(external, tmp_path, status, "2020-08-28")
    code, out, _ = run_capture("ctgov", [path], data_copy)
    assert code == 0, out
    records = records_in(data_copy / IMPORTED / "NCT03955679.yaml")
    assert list(records) == ["source:ctgov-NCT03955679", "trial:NCT03955679", EA_ACTION]
    assert "note" not in records["trial:NCT03955679"]
    assert records[EA_ACTION] == {
        "id": EA_ACTION,
        "action": "expanded_access",
        "summary": "United BioSource, LLC registered expanded access (treatment IND or "
        "protocol) to Onasemnogene abeparvovec on ClinicalTrials.gov (NCT03955679); its "
        f"status there is {label}.",
        "agency": "organisation:fda",
        "jurisdiction": "jurisdiction:US",
        "substance": "substance:onasemnogene-abeparvovec",
        "condition": "condition:spinal-muscular-atrophy",
        "sponsor": "organisation:united-biosource-llc",
        "trials": ["trial:NCT03955679"],
        "announced": "2019-05-20",
        "date_note": "The registry does not say when the FDA allowed the programme; announced "
        "is the day the record was first posted.",
        "disclosure": "registry",
        "sources": [
            {
                "source": "source:ctgov-NCT03955679",
                "quote": EA_TITLE,
                "note": "Agency and jurisdiction are inferred: expanded access registered on "
                "ClinicalTrials.gov is access to an investigational drug under FDA rules.",
                "derived": STRUCTURED,
            }
        ],
    }


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("NO_LONGER_AVAILABLE", "is no longer available"),
        ("TEMPORARILY_NOT_AVAILABLE", "is temporarily not available"),
        ("WITHDRAWN", "was withdrawn"),
    ],
)
def test_closed_expanded_access_programme_gets_no_standing_action(
    external: Path, data_copy: Path, tmp_path: Path, status: str, said: str
) -> None:
    add_records(data_copy, "zolgensma.yaml", ZOLGENSMA)
    path = _ea_with_status(external, tmp_path, status, "2020-08-28")
    code, out, _ = run_capture("ctgov", [path], data_copy)
    assert code == 0, out
    assert (
        f"created: NCT03955679 ({path})\n"
        f"    no expanded-access action: the registry says the programme {said} and gives no "
        "date it stopped, so a standing action would stay in force with no end\n"
    ) in out
    records = records_in(data_copy / IMPORTED / "NCT03955679.yaml")
    assert list(records) == ["source:ctgov-NCT03955679", "trial:NCT03955679"]
    trial = records["trial:NCT03955679"]
    assert (trial["status"], trial["substances"]) == (
        status,
        ["substance:onasemnogene-abeparvovec"],
    )
    assert trial["note"] == (
        f"No expanded-access action was imported: the registry says the programme {said} but "
        "not since when, so the action would have no end date; add it with `ended` from "
        "another source."
    )
    kg = load_graph(data_copy)
    assert not [a for a in kg.by_kind["action"] if "NCT03955679" in a]


def test_programme_that_closes_loses_its_standing_action_on_reimport(
    external: Path, data_copy: Path, tmp_path: Path
) -> None:
    add_records(data_copy, "zolgensma.yaml", ZOLGENSMA)
    available = _ea_with_status(external, tmp_path, "AVAILABLE", "2020-08-28")
    run_capture("ctgov", [available], data_copy)
    assert EA_ACTION in records_in(data_copy / IMPORTED / "NCT03955679.yaml")
    closed = _ea_with_status(external, tmp_path, "NO_LONGER_AVAILABLE", "2021-02-01")
    code, out, _ = run_capture("ctgov", [closed], data_copy)
    assert code == 0, out
    assert f"updated: NCT03955679 ({closed})\n" in out
    assert "    trial:NCT03955679: status: AVAILABLE -> NO_LONGER_AVAILABLE\n" in out
    records = records_in(data_copy / IMPORTED / "NCT03955679.yaml")
    assert list(records) == ["source:ctgov-NCT03955679", "trial:NCT03955679"]


def test_curated_trial_under_another_id_is_left_unchanged(external: Path, data_copy: Path) -> None:
    add_records(
        data_copy,
        "curated-trial.yaml",
        """
- id: trial:booster-study
  registry_id: NCT00184067
  title: A curated title
  sources: [{source: source:seed-mnt, derived: test}]
""",
    )
    code, out, _ = run_capture("ctgov", [external / TERMINATED], data_copy)
    assert code == 0
    assert "trial:booster-study is curated; left unchanged" in out
    assert not (data_copy / IMPORTED).exists()


def test_curated_expanded_access_is_not_duplicated(external: Path, data_copy: Path) -> None:
    add_records(data_copy, "zolgensma.yaml", ZOLGENSMA)
    # The curated action covers the imported trial, so the trial is imported first.
    run_capture("ctgov", [external / EA_RECORD], data_copy)
    assert EA_ACTION in records_in(data_copy / IMPORTED / "NCT03955679.yaml")
    add_records(
        data_copy,
        "curated-access.yaml",
        """
- id: action:zolgensma-managed-access
  action: expanded_access
  summary: A curated managed access programme.
  agency: organisation:fda
  jurisdiction: jurisdiction:US
  substance: substance:onasemnogene-abeparvovec
  trials: [trial:NCT03955679]
  date: 2019-05
  disclosure: registry
  sources: [{source: source:seed-mnt, derived: test}]
""",
    )
    code, out, _ = run_capture("ctgov", [external / EA_RECORD], data_copy)
    assert code == 0, out
    assert (
        "    expanded access already curated as action:zolgensma-managed-access; not duplicated\n"
    ) in out
    records = records_in(data_copy / IMPORTED / "NCT03955679.yaml")
    assert list(records) == ["source:ctgov-NCT03955679", "trial:NCT03955679"]
