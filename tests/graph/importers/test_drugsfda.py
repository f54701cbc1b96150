"""Drugs@FDA: openFDA JSON (API responses and the bulk download) and the raw tables,
parsed with exact values and imported as approval actions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.dates import PartialDate
from graph.importers.drugsfda import ReadResult, read_drugsfda
from graph.importers.drugsfda_records import Application, SourceFormat, Submission
from graph.load import load_graph
from tests.graph.importers.conftest import records_in, run_capture, snapshot

TABLES = "openfda/drugsatfda-raw-tables_2019-07_subset"
IMPORTED = Path("imported/drugsfda")


def read(*paths: Path) -> ReadResult:
    result = read_drugsfda(list(paths), lambda name: None)
    assert result.rejected == []
    return result


def by_number(result: ReadResult) -> dict[str, Application]:
    return {a.number: a for a in result.applications}


def submission(app: Application, label: str) -> Submission:
    return next(s for s in app.submissions if s.label == label)


def test_openfda_api_response(external: Path) -> None:
    [app] = read(external / "openfda/drugsfda_NDA207145_xadago_api-response.json").applications
    assert app.source_format is SourceFormat.OPENFDA
    assert (app.number, app.kind, app.digits) == ("NDA207145", "NDA", "207145")
    assert app.sponsor_name == "MDD US"
    assert app.brand_names == ("XADAGO",)
    assert [p.active_ingredients for p in app.products] == [("SAFINAMIDE MESYLATE",)] * 2
    assert app.substance_names == ("SAFINAMIDE MESYLATE",)
    assert app.data_date == PartialDate.parse("2024-09-10")
    assert [s.label for s in app.submissions] == ["SUPPL-5", "SUPPL-1", "SUPPL-6", "ORIG-1"]
    assert submission(app, "ORIG-1") == Submission(
        type="ORIG",
        number="1",
        status="AP",
        status_date=PartialDate.parse("2017-03-21"),
        review_priority="STANDARD",
        class_code="TYPE 1",
        class_description="Type 1 - New Molecular Entity",
    )


def test_openfda_generic_with_two_ingredients(external: Path) -> None:
    [app] = read(external / "openfda/drugsfda_ANDA090721_falmina_api-response.json").applications
    assert app.number == "ANDA090721"
    assert app.products[0].active_ingredients == ("ETHINYL ESTRADIOL", "LEVONORGESTREL")
    assert submission(app, "ORIG-1").review_priority is None


def test_openfda_reduced_capture_with_orphan_and_priority(external: Path) -> None:
    result = read(external / "openfda/drugsfda_imatinib_reduced_api-response.json")
    [app] = result.applications
    orig = submission(app, "ORIG-1")
    assert (orig.review_priority, orig.properties) == ("PRIORITY", ("Orphan",))
    assert result.notices == [
        f"{external / 'openfda/drugsfda_imatinib_reduced_api-response.json'}: holds 1 of 17 "
        "results; the rest were not downloaded"
    ]


def test_openfda_bulk_download_subset(external: Path) -> None:
    result = read(
        external / "openfda/drugsfda_bulk-download-subset_2023-11-15_15-applications.json"
    )
    assert len(result.applications) == 15
    assert result.applications[2].origin.endswith(" [results[2]]")
    orphans = [a.number for a in result.applications if any(s.properties for s in a.submissions)]
    assert orphans == ["NDA022334", "NDA020221"]  # Afinitor and Ethyol


def test_raw_tables(external: Path) -> None:
    apps = by_number(read(external / TABLES))
    assert sorted(apps) == [
        "NDA016812",
        "NDA018651",
        "NDA018677",
        "NDA021196",
        "NDA205525",
        "NDA210365",
        "NDA211243",
        "NDA211371",
    ]
    spravato = apps["NDA211243"]
    assert spravato.source_format is SourceFormat.TABLES
    assert (spravato.sponsor_name, spravato.brand_names) == ("JANSSEN PHARMS", ("SPRAVATO",))
    assert spravato.products[0].active_ingredients == ("ESKETAMINE HYDROCHLORIDE",)
    assert submission(spravato, "ORIG-1") == Submission(
        type="ORIG",
        number="1",
        status="AP",
        status_date=PartialDate.parse("2019-03-05"),
        review_priority="PRIORITY",
        class_code="TYPE 2",
        class_description="Type 2 - New Active Ingredient",
    )
    # Types padded with spaces and the literal "Null" code are cleaned up.
    assert submission(apps["NDA210365"], "ORIG-1").properties == ("Orphan",)
    assert submission(apps["NDA211243"], "ORIG-1").properties == ()
    # A Windows-1252 en dash in the notes is read as one.
    assert submission(apps["NDA205525"], "ORIG-1").public_notes == (
        "FR Notice on DEA Scheduling; Date of Approval \u2013 March 23, 2017"
    )


def test_a_single_table_file_names_its_folder(external: Path) -> None:
    result = read(external / TABLES / "Applications.txt")
    assert len(result.applications) == 8


def test_import_tables_as_approval_actions(external: Path, data_with_substances: Path) -> None:
    code, out, _ = run_capture("drugsfda", [external / TABLES], data_with_substances)
    assert code == 0, out
    assert "  created                                              4" in out
    assert "    NDA016812: no substance in regkg matches KETALAR (KETAMINE HYDROCHLORIDE)" in out
    assert (
        "ORIG-1: the approval is already curated as action:esketamine-trd-approval; not duplicated"
    ) in out
    syndros = records_in(data_with_substances / IMPORTED / "NDA205525.yaml")
    assert syndros["action:fda-approval-nda205525-orig1"] == {
        "id": "action:fda-approval-nda205525-orig1",
        "action": "approval",
        "summary": "The FDA approved SYNDROS (DRONABINOL) under NDA 205525.",
        "agency": "organisation:fda",
        "jurisdiction": "US",
        "substance": "substance:dronabinol",
        "sponsor": "organisation:insys-dev-co-inc",
        "date": "2016-07-01",
        "date_note": "Drugs@FDA's note on this submission: FR Notice on DEA Scheduling; Date "
        "of Approval \u2013 March 23, 2017",
        "disclosure": "regulator",
        "application_number": "NDA205525",
        "product": "SYNDROS (DRONABINOL)",
        "outcome": "Approved (original application: Type 3 - New Dosage Form)",
        "sources": [{"source": "source:drugsfda-NDA205525"}],
    }
    assert syndros["source:drugsfda-NDA205525"] == {
        "id": "source:drugsfda-NDA205525",
        "url": "https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm"
        "?event=overview.process&ApplNo=205525",
        "title": "Drugs@FDA: NDA 205525 (SYNDROS)",
        "publisher": "U.S. Food and Drug Administration (Drugs@FDA)",
        "type": "regulator",
        "caveat": "Read from the Drugs@FDA data files.",
    }
    spravato = records_in(data_with_substances / IMPORTED / "NDA211243.yaml")
    assert list(spravato) == [
        "source:drugsfda-NDA211243",
        "action:fda-approval-nda211243-suppl1",
        "action:fda-approval-nda211243-suppl2",
    ]
    epidiolex = records_in(data_with_substances / IMPORTED / "NDA210365.yaml")
    assert epidiolex["action:fda-approval-nda210365-orig1"]["outcome"] == (
        "Approved (original application: Type 1 - New Molecular Entity); priority review; "
        "orphan drug"
    )
    kg = load_graph(data_with_substances)
    edges = set(kg.graph.edges(keys=True))
    action = "action:fda-approval-nda018651-orig1"
    assert (action, "substance:dronabinol", "concerns") in edges
    assert (action, "organisation:abbvie", "applicant") in edges
    assert (action, "organisation:fda", "by_agency") in edges


def test_combination_product_gives_one_action_per_substance(
    external: Path, data_with_substances: Path
) -> None:
    path = external / "openfda/drugsfda_ANDA090721_falmina_api-response.json"
    code, out, _ = run_capture("drugsfda", [path], data_with_substances)
    assert code == 0, out
    records = records_in(data_with_substances / IMPORTED / "ANDA090721.yaml")
    assert list(records) == [
        "source:drugsfda-ANDA090721",
        "action:fda-approval-anda090721-orig1-ethinyl-estradiol",
        "action:fda-approval-anda090721-orig1-levonorgestrel",
        "action:fda-approval-anda090721-suppl2-ethinyl-estradiol",
        "action:fda-approval-anda090721-suppl2-levonorgestrel",
        "action:fda-approval-anda090721-suppl7-ethinyl-estradiol",
        "action:fda-approval-anda090721-suppl7-levonorgestrel",
    ]
    source = records["source:drugsfda-ANDA090721"]
    assert (source["published"], source["caveat"]) == (
        "2024-09-10",
        "Read through openFDA's drugsfda endpoint, which republishes Drugs@FDA.",
    )
    supplement = records["action:fda-approval-anda090721-suppl2-levonorgestrel"]
    assert supplement["summary"] == (
        "The FDA approved supplement 2 to ANDA 090721 (FALMINA): Labeling."
    )
    assert supplement["date"] == "2017-08-09"


def test_drugsfda_reimport_is_idempotent_and_older_data_is_left(
    external: Path, data_with_substances: Path, tmp_path: Path
) -> None:
    path = external / "openfda/drugsfda_NDA207145_xadago_api-response.json"
    run_capture("drugsfda", [path, external / TABLES], data_with_substances)
    first = snapshot(data_with_substances)
    code, out, _ = run_capture("drugsfda", [path, external / TABLES], data_with_substances)
    assert code == 0
    assert snapshot(data_with_substances) == first
    assert "wrote 0 files" in out
    older = json.loads(path.read_text(encoding="utf-8"))
    older["meta"]["last_updated"] = "2023-01-01"
    (tmp_path / "older.json").write_text(json.dumps(older), encoding="utf-8")
    code, out, _ = run_capture("drugsfda", [tmp_path / "older.json"], data_with_substances)
    assert code == 0
    assert "older than the imported version, left unchanged: NDA207145" in out
    assert snapshot(data_with_substances) == first


@pytest.mark.parametrize("name", ["organisations.yaml"])
def test_applicants_are_created_once(external: Path, data_with_substances: Path, name: str) -> None:
    run_capture("drugsfda", [external / TABLES], data_with_substances)
    organisations = records_in(data_with_substances / IMPORTED / name)
    assert sorted(organisations) == [
        "organisation:abbvie",
        "organisation:gw-res-ltd",
        "organisation:insys-dev-co-inc",
        "organisation:janssen-pharms",
    ]
    assert organisations["organisation:abbvie"]["type"] == "company"
