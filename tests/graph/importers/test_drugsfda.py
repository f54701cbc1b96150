"""Drugs@FDA: openFDA JSON (API responses and the bulk download) and the raw tables,
parsed with exact values and imported as approval actions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.dates import PartialDate
from graph.importers.drugsfda import ReadResult, read_drugsfda
from graph.importers.drugsfda_map import STRUCTURED, is_approval
from graph.importers.drugsfda_records import Application, SourceFormat, Submission
from graph.load import load_graph
from tests.graph.importers.conftest import add_records, records_in, run_capture, snapshot

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
    assert "  created                                              5" in out
    # Ketamine is curated, so Ketalar's application is imported rather than unmatched.
    assert "NDA016812: no substance in regkg matches" not in out
    assert "created: NDA016812 " in out
    assert (
        "ORIG-1: the approval is already curated as action:esketamine-trd-approval; not duplicated"
    ) in out
    syndros = records_in(data_with_substances / IMPORTED / "NDA205525.yaml")
    assert syndros["action:fda-approval-nda205525-orig1"] == {
        "id": "action:fda-approval-nda205525-orig1",
        "action": "approval",
        "summary": "The FDA approved SYNDROS (DRONABINOL) under NDA 205525.",
        "agency": "organisation:fda",
        "jurisdiction": "jurisdiction:US",
        "substance": "substance:dronabinol",
        "sponsor": "organisation:insys-dev-co-inc",
        "date": "2016-07-01",
        "date_note": "Drugs@FDA's note on this submission: FR Notice on DEA Scheduling; Date "
        "of Approval \u2013 March 23, 2017",
        "disclosure": "regulator",
        "application_number": "NDA205525",
        "product": "SYNDROS (DRONABINOL)",
        "outcome": "Approved (original application: Type 3 - New Dosage Form)",
        "sources": [{"source": "source:drugsfda-NDA205525", "derived": STRUCTURED}],
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
    assert list(syndros) == ["source:drugsfda-NDA205525", "action:fda-approval-nda205525-orig1"]
    # Labelling, manufacturing and REMS supplements are not approvals of the drug.
    spravato = records_in(data_with_substances / IMPORTED / "NDA211243.yaml")
    assert list(spravato) == ["source:drugsfda-NDA211243"]
    assert (
        "created: NDA211243 "
        f"({external / TABLES} [ApplNo 211243])\n"
        "    approved supplements skipped, not new approvals: SUPPL-1 (Labeling); SUPPL-2 (REMS)\n"
        "    ORIG-1: the approval is already curated as action:esketamine-trd-approval; not "
        "duplicated\n"
    ) in out
    assert (
        "    approved supplements skipped, not new approvals: SUPPL-1, SUPPL-11, SUPPL-13, "
        "SUPPL-18, SUPPL-21, SUPPL-25, SUPPL-26, SUPPL-29 (Labeling); SUPPL-3, SUPPL-4, "
        "SUPPL-5, SUPPL-9, SUPPL-10, SUPPL-12, SUPPL-14, SUPPL-15, SUPPL-16, SUPPL-17, "
        "SUPPL-20 (Manufacturing (CMC))\n"
    ) in out
    assert (
        "  new organisations                                    5\n"
        "  approved supplements skipped, not new approvals     46\n"
        "    Labeling                                          25\n"
        "    Manufacturing (CMC)                               20\n"
        "    REMS                                               1\n"
        "wrote 6 files under "
    ) in out
    # An efficacy supplement (a new indication) is an approval.
    marinol = records_in(data_with_substances / IMPORTED / "NDA018651.yaml")
    assert list(marinol) == [
        "source:drugsfda-NDA018651",
        "action:fda-approval-nda018651-orig1",
        "action:fda-approval-nda018651-suppl6",
    ]
    assert marinol["action:fda-approval-nda018651-suppl6"] == {
        "id": "action:fda-approval-nda018651-suppl6",
        "action": "approval",
        "summary": "The FDA approved supplement 6 to NDA 018651 (MARINOL): Efficacy.",
        "agency": "organisation:fda",
        "jurisdiction": "jurisdiction:US",
        "substance": "substance:dronabinol",
        "sponsor": "organisation:abbvie",
        "date": "1992-12-22",
        "disclosure": "regulator",
        "application_number": "NDA018651",
        "product": "MARINOL (DRONABINOL)",
        "outcome": "Approved (supplement: Efficacy)",
        "sources": [{"source": "source:drugsfda-NDA018651", "derived": STRUCTURED}],
    }
    epidiolex = records_in(data_with_substances / IMPORTED / "NDA210365.yaml")
    assert list(epidiolex) == ["source:drugsfda-NDA210365", "action:fda-approval-nda210365-orig1"]
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
    ]
    source = records["source:drugsfda-ANDA090721"]
    assert (source["published"], source["caveat"]) == (
        "2024-09-10",
        "Read through openFDA's drugsfda endpoint, which republishes Drugs@FDA.",
    )
    original = records["action:fda-approval-anda090721-orig1-levonorgestrel"]
    assert (original["summary"], original["date"]) == (
        "The FDA approved FALMINA (ETHINYL ESTRADIOL, LEVONORGESTREL) under ANDA 090721.",
        "2012-03-28",
    )
    # The two labelling supplements are counted once each, not once per substance.
    assert (
        "    approved supplements skipped, not new approvals: SUPPL-2, SUPPL-7 (Labeling)\n"
    ) in out
    assert (
        "  approved supplements skipped, not new approvals      2\n"
        "    Labeling                                           2\n"
    ) in out


def test_only_originals_and_efficacy_supplements_are_approvals() -> None:
    def approved(kind: str, code: str | None, description: str | None = None) -> Submission:
        return Submission(kind, "1", "AP", None, class_code=code, class_description=description)

    assert is_approval(approved("ORIG", "TYPE 1", "Type 1 - New Molecular Entity"))
    assert is_approval(approved("ORIG", None))
    assert is_approval(approved("SUPPL", "EFFICACY", "Efficacy"))
    assert is_approval(approved("SUPPL", None, "Efficacy"))  # the tables' description only
    assert not is_approval(approved("SUPPL", "LABELING", "Labeling"))
    assert not is_approval(approved("SUPPL", "MANUF (CMC)", "Manufacturing (CMC)"))
    assert not is_approval(approved("SUPPL", "REMS", "REMS"))
    assert not is_approval(approved("SUPPL", "S", "Supplement"))
    assert not is_approval(approved("SUPPL", None))


def test_application_with_only_supplements_approved_is_skipped(
    external: Path, data_with_substances: Path, tmp_path: Path
) -> None:
    path = external / "openfda/drugsfda_NDA207145_xadago_api-response.json"
    response = json.loads(path.read_text(encoding="utf-8"))
    for item in response["results"][0]["submissions"]:
        if item["submission_type"] == "ORIG":
            item["submission_status"] = "TA"  # tentatively approved only
    edited = tmp_path / "xadago.json"
    edited.write_text(json.dumps(response), encoding="utf-8")
    code, out, _ = run_capture("drugsfda", [edited], data_with_substances)
    assert code == 0, out
    assert (
        f"skipped: NDA207145 ({edited})\n"
        "    no approved original application or efficacy supplement; approved supplements "
        "skipped, not new approvals: SUPPL-1, SUPPL-5, SUPPL-6 (Labeling)\n"
    ) in out
    assert (
        "  skipped                                              1\n"
        "  rejected                                             0\n"
        "  unmatched interventions or products                  0\n"
        "  approved supplements skipped, not new approvals      3\n"
        "    Labeling                                           3\n"
        "wrote 0 files under "
    ) in out
    assert not (data_with_substances / IMPORTED / "NDA207145.yaml").exists()


def test_tables_without_the_class_lookup_import_no_supplement(
    external: Path, data_with_substances: Path, tmp_path: Path
) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    for table in (external / TABLES).iterdir():
        if table.name != "SubmissionClass_Lookup.txt":
            (tables / table.name).write_bytes(table.read_bytes())
    result = read(tables)
    assert result.notices == [
        f"{tables}: no SubmissionClass_Lookup.txt, so no supplement's class is known and none "
        "is imported as an approval (only efficacy supplements are)"
    ]
    marinol = by_number(result)["NDA018651"]
    assert submission(marinol, "SUPPL-6").class_code is None
    code, out, _ = run_capture("drugsfda", [tables], data_with_substances)
    assert code == 0, out
    assert list(records_in(data_with_substances / IMPORTED / "NDA018651.yaml")) == [
        "source:drugsfda-NDA018651",
        "action:fda-approval-nda018651-orig1",
    ]
    assert "    class not given                                   48\n" in out


def test_curated_approval_of_the_same_application_is_not_duplicated(
    external: Path, data_with_substances: Path
) -> None:
    add_records(
        data_with_substances,
        "curated-approvals.yaml",
        """
- id: action:marinol-new-indication
  action: approval
  summary: The FDA approved Marinol for anorexia in AIDS.
  agency: organisation:fda
  jurisdiction: jurisdiction:US
  substance: substance:dronabinol
  application_number: NDA 018651
  date: 1992-12-22
  disclosure: regulator
  sources: [{source: source:seed-mnt, derived: test}]
""",
    )
    code, out, _ = run_capture("drugsfda", [external / TABLES], data_with_substances)
    assert code == 0, out
    assert (
        "    SUPPL-6: the approval is already curated as action:marinol-new-indication; "
        "not duplicated\n"
    ) in out
    assert list(records_in(data_with_substances / IMPORTED / "NDA018651.yaml")) == [
        "source:drugsfda-NDA018651",
        "action:fda-approval-nda018651-orig1",
    ]


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
        "organisation:par-sterile-products",
    ]
    assert organisations["organisation:abbvie"]["type"] == "company"
