"""Wrong formats are rejected with the file's name and a reason; nothing else is affected."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from graph.importers.ctgov import ReadResult, read_ctgov
from graph.importers.drugsfda import read_drugsfda
from graph.importers.inputs import Rejection
from tests.graph.importers.conftest import run_capture, snapshot


def ctgov_read(*paths: Path) -> ReadResult:
    return read_ctgov(list(paths), lambda name: None)


def reasons(result_rejected: list[Rejection]) -> dict[str, str]:
    return {Path(r.name).name: r.reason for r in result_rejected}


def test_retired_v1_json_is_rejected(external: Path) -> None:
    path = external / "other/ctgov-classic-api-v1_FullStudiesResponse_NCT04780763.json"
    result = ctgov_read(path)
    assert result.studies == []
    assert result.rejected == [
        Rejection(
            str(path),
            "the retired ClinicalTrials.gov classic API (v1, FullStudiesResponse) format; "
            "download the record again from the API v2 "
            "(https://clinicaltrials.gov/api/v2/studies/NCT...)",
        )
    ]


def test_truncated_json_is_rejected(external: Path, tmp_path: Path) -> None:
    whole = (external / "ctgov-v2/NCT00184067_terminated_whyStopped.json").read_bytes()
    cut = tmp_path / "NCT00184067.json"
    cut.write_bytes(whole[: len(whole) // 2])
    [rejection] = ctgov_read(cut).rejected
    assert rejection.name == str(cut)
    assert rejection.reason.startswith("not valid JSON at line ")
    assert rejection.reason.endswith("(the file looks truncated)")


def test_truncated_xml_is_rejected(external: Path, tmp_path: Path) -> None:
    whole = (external / "ctgov-xml/NCT02591810_withdrawn.xml").read_bytes()
    cut = tmp_path / "NCT02591810.xml"
    cut.write_bytes(whole[:2000])
    [rejection] = ctgov_read(cut).rejected
    assert rejection.reason.startswith("not well-formed XML (the file may be truncated): ")


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        (
            "other/metapsy_psilocybin-depression-rcts_variable_description.json",
            "JSON that is not a ClinicalTrials.gov API v2 study or search page "
            "(no protocolSection or studies; top-level keys: ",
        ),
        (
            "openfda/drugsfda_NDA207145_xadago_api-response.json",
            "an openFDA response, not a ClinicalTrials.gov record; use `import drugsfda`",
        ),
        (
            "other/metapsy_psilocybin-depression-rcts_data.csv",
            "neither JSON nor XML, so not a ClinicalTrials.gov download",
        ),
    ],
)
def test_non_study_files_are_rejected(external: Path, relative: str, reason: str) -> None:
    [rejection] = ctgov_read(external / relative).rejected
    assert rejection.reason.startswith(reason)


def test_other_xml_empty_files_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "search.xml").write_text("<search_results><study/></search_results>")
    (tmp_path / "empty.json").write_text("  \n")
    (tmp_path / "nonsense.json").write_text(json.dumps({"studies": [{"protocolSection": {}}]}))
    result = ctgov_read(tmp_path, tmp_path / "missing.json")
    assert reasons(result.rejected) == {
        "missing.json": "no such file or folder",
        "empty.json": "the file is empty",
        "nonsense.json [studies[0]]": "no protocolSection.identificationModule.nctId of the "
        "form NCT00000000",
        "search.xml": "XML whose root element is <search_results>, not a ClinicalTrials.gov "
        "<clinical_study> record",
    }


def test_odd_json_never_gives_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 5000)
    (tmp_path / "binary.json").write_bytes(b"\x00\x01binary")
    (tmp_path / "odd.json").write_text(
        json.dumps(
            {"studies": [1, {"protocolSection": {"identificationModule": {"nctId": "NCT1"}}}]}
        )
    )
    assert reasons(ctgov_read(tmp_path).rejected) == {
        "binary.json": "neither JSON nor XML, so not a ClinicalTrials.gov download",
        "deep.json": "JSON nested too deeply to be a registry record",
        "odd.json [studies[0]]": "not a study object",
        "odd.json [studies[1]]": "'NCT1' is not an NCT id",
    }


def test_zip_downloads_are_read_member_by_member(external: Path, tmp_path: Path) -> None:
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        source = external / "ctgov-v2/NCT00184067_terminated_whyStopped.json"
        opened.write(source, "NCT00184067.json")
        opened.writestr("README.txt", "not a study")
    (tmp_path / "broken.zip").write_bytes(b"PK not really")
    result = ctgov_read(archive, tmp_path / "broken.zip")
    assert [s.nct_id for s in result.studies] == ["NCT00184067"]
    assert result.studies[0].origin == f"{archive}!NCT00184067.json"
    [rejection] = result.rejected
    assert rejection.reason.startswith("not a readable zip archive")


def test_drugsfda_rejects_registry_records_and_errors(external: Path, tmp_path: Path) -> None:
    error = tmp_path / "error.json"
    error.write_text(json.dumps({"error": {"code": "NOT_FOUND", "message": "No matches found!"}}))
    result = read_drugsfda(
        [
            external / "ctgov-v2/NCT00184067_terminated_whyStopped.json",
            external / "ctgov-xml/NCT02591810_withdrawn.xml",
            external / "other/metapsy_psilocybin-depression-rcts_variable_description.json",
            error,
        ],
        lambda name: None,
    )
    assert result.applications == []
    found = reasons(result.rejected)
    assert found["NCT00184067_terminated_whyStopped.json"] == (
        "a ClinicalTrials.gov record; use `import ctgov`"
    )
    assert found["NCT02591810_withdrawn.xml"] == (
        "XML, not openFDA drugsfda JSON (for ClinicalTrials.gov XML use `import ctgov`)"
    )
    assert found["metapsy_psilocybin-depression-rcts_variable_description.json"].startswith(
        "not an openFDA drugsfda response (no results[].application_number; top-level keys: "
    )
    assert found["error.json"] == "an openFDA error response: No matches found!"


def test_rejected_files_make_the_import_exit_1_and_are_named(
    external: Path, data_copy: Path
) -> None:
    before = snapshot(data_copy)
    v1 = external / "other/ctgov-classic-api-v1_FullStudiesResponse_NCT04780763.json"
    code, out, err = run_capture("ctgov", [v1], data_copy)
    assert code == 1
    assert f"rejected: {v1}: the retired ClinicalTrials.gov classic API" in out
    assert "Traceback" not in out + err
    assert snapshot(data_copy) == before
