"""Inputs are found once and each zip archive is opened once per run, whatever its size;
curated records are indexed once per run. Counted, not timed."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from zipfile import ZipFile as RealZipFile  # kept when the fixture counts openings

import pytest

from graph.dates import PartialDate
from graph.importers import ctgov
from graph.importers.drugsfda import ReadResult, TableSet, parse_tables
from graph.importers.inputs import (
    Archives,
    Inputs,
    SizeLimits,
    TooLarge,
    expand,
    read_capped,
    read_doc,
)
from graph.importers.plan import CuratedIndex, read_existing
from graph.importers.run import run_import
from tests.graph.importers.conftest import add_records, run_capture

MEMBERS = 50
TABLES = "openfda/drugsatfda-raw-tables_2019-07_subset"


class CountingZipFile(zipfile.ZipFile):
    """A ZipFile that records every archive opened, to count them."""

    opened: list[CountingZipFile] = []  # noqa: RUF012 - reset by the fixture

    def __init__(self, file: str | Path | IO[bytes], *args: Any, **kwargs: Any) -> None:
        super().__init__(file, *args, **kwargs)
        CountingZipFile.opened.append(self)


@pytest.fixture
def zip_opens(monkeypatch: pytest.MonkeyPatch) -> list[CountingZipFile]:
    """The archives the importer opens from now on (the inputs module's zipfile)."""
    CountingZipFile.opened = []
    monkeypatch.setattr("graph.importers.inputs.zipfile.ZipFile", CountingZipFile)
    return CountingZipFile.opened


def opened_names(opens: list[CountingZipFile]) -> list[str]:
    return [str(z.filename) for z in opens]


def study(index: int) -> bytes:
    nct = f"NCT{index:08d}"
    section = {"identificationModule": {"nctId": nct, "briefTitle": f"Study {index}"}}
    return json.dumps({"protocolSection": section}).encode()


def study_zip(path: Path, members: int = MEMBERS, first: int = 1) -> Path:
    with RealZipFile(path, "w") as archive:
        for index in range(first, first + members):
            archive.writestr(f"studies/NCT{index:08d}.json", study(index))
        archive.writestr("README.txt", "not a study")
    return path


def test_a_zip_of_50_studies_is_opened_once_per_import(
    tmp_path: Path, data_copy: Path, zip_opens: list[CountingZipFile]
) -> None:
    archive = study_zip(tmp_path / "ctg-studies.json.zip")
    code, out, _ = run_capture("ctgov", [archive], data_copy, dry_run=True)
    assert code == 0, out
    assert f"import ctgov: {MEMBERS} inputs, {MEMBERS} records read" in out
    assert f"  created                                         {MEMBERS:>6}" in out
    assert opened_names(zip_opens) == [str(archive)]  # counted and read from one opening
    assert all(z.fp is None for z in zip_opens)  # and closed


def test_reading_a_zip_opens_it_once_and_reads_members_in_order(
    tmp_path: Path, zip_opens: list[CountingZipFile]
) -> None:
    archive = study_zip(tmp_path / "studies.zip")
    seen: list[str] = []
    result = ctgov.read_ctgov([archive], seen.append)
    assert result.rejected == []
    assert [s.nct_id for s in result.studies] == [f"NCT{i:08d}" for i in range(1, MEMBERS + 1)]
    assert seen == [f"{archive}!studies/NCT{i:08d}.json" for i in range(1, MEMBERS + 1)]
    assert opened_names(zip_opens) == [str(archive)]
    assert zip_opens[0].fp is None


def test_several_archives_beyond_the_open_limit_are_reopened_once_each(
    tmp_path: Path, zip_opens: list[CountingZipFile]
) -> None:
    first = study_zip(tmp_path / "a.zip", members=3, first=1)
    second = study_zip(tmp_path / "b.zip", members=2, first=4)
    with expand([first, second], (".json",), Inputs(archives=Archives(limit=1))) as found:
        assert found.count == 5
        data = [read_doc(doc) for doc in found.docs]
    assert data == [study(i) for i in range(1, 6)]
    # Listing b closes a (one open at a time); reading reopens each once.
    assert opened_names(zip_opens) == [str(first), str(second), str(first), str(second)]
    assert all(z.fp is None for z in zip_opens)


def test_archives_left_unread_are_closed_with_the_inputs(
    tmp_path: Path, zip_opens: list[CountingZipFile]
) -> None:
    archive = study_zip(tmp_path / "studies.zip", members=3)
    with expand([archive], (".json",)) as found:
        assert read_doc(found.docs[0]) == study(1)
        assert zip_opens[0].fp is not None  # kept open for the other members
    assert opened_names(zip_opens) == [str(archive)]
    assert zip_opens[0].fp is None


def test_an_empty_or_broken_archive_is_rejected_and_closed(
    tmp_path: Path, zip_opens: list[CountingZipFile]
) -> None:
    empty = tmp_path / "empty.zip"
    with RealZipFile(empty, "w") as archive:
        archive.writestr("README.txt", "nothing to import")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK not really")
    with expand([empty, broken], (".json", ".xml")) as found:
        assert found.docs == []
        assert [(Path(r.name).name, r.reason) for r in found.rejected] == [
            ("empty.zip", "the archive holds no .json or .xml files"),
            ("broken.zip", "not a readable zip archive (File is not a zip file)"),
        ]
        assert all(z.fp is None for z in zip_opens)
    assert opened_names(zip_opens) == [str(empty)]


def test_drugsfda_zips_are_opened_once(
    external: Path, tmp_path: Path, data_copy: Path, zip_opens: list[CountingZipFile]
) -> None:
    tables = tmp_path / "drugsatfda.zip"
    with RealZipFile(tables, "w") as archive:
        for table in sorted((external / TABLES).iterdir()):
            archive.write(table, table.name)
    responses = tmp_path / "drug-drugsfda.json.zip"
    with RealZipFile(responses, "w") as archive:
        for name in ("ANDA090721_falmina", "NDA207145_xadago"):
            source = external / f"openfda/drugsfda_{name}_api-response.json"
            archive.write(source, source.name)
    code, out, _ = run_capture("drugsfda", [tables, responses], data_copy, dry_run=True)
    assert code == 0, out
    assert "import drugsfda: 3 inputs, 10 records read" in out
    assert opened_names(zip_opens) == [str(tables), str(responses)]
    assert all(z.fp is None for z in zip_opens)


def test_inputs_are_found_once_per_import(
    external: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counting(module: str, real: Callable[..., Inputs]) -> Callable[..., Inputs]:
        def expand_once(*args: Any, **kwargs: Any) -> Inputs:
            calls.append(module)
            return real(*args, **kwargs)

        return expand_once

    monkeypatch.setattr("graph.importers.ctgov.expand", counting("ctgov", expand))
    monkeypatch.setattr("graph.importers.drugsfda.expand", counting("drugsfda", expand))
    out, err = io.StringIO(), io.StringIO()
    assert run_import("ctgov", [external / "ctgov-xml"], data_copy, out=out, err=err) == 0
    assert "import ctgov: 11 inputs, 11 records read" in out.getvalue()
    json_file = external / "openfda/drugsfda_NDA207145_xadago_api-response.json"
    out = io.StringIO()
    code = run_import("drugsfda", [external / TABLES, json_file], data_copy, out=out, err=err)
    assert code == 0
    assert "import drugsfda: 2 inputs, 9 records read" in out.getvalue()
    assert calls == ["ctgov", "drugsfda"]


def test_each_table_is_loaded_once(external: Path) -> None:
    loads: list[str] = []

    def load(name: str) -> bytes | None:
        loads.append(name)
        path = next((p for p in (external / TABLES).iterdir() if p.name.lower() == name), None)
        return path.read_bytes() if path else None

    result = ReadResult()
    parse_tables(TableSet("tables", load), result)
    assert len(result.applications) == 8
    assert sorted(loads) == [
        "applications.txt",
        "products.txt",
        "submissionclass_lookup.txt",
        "submissionpropertytype.txt",
        "submissions.txt",
    ]


def test_curated_records_are_indexed_once_per_import(
    external: Path, data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []
    real = CuratedIndex.build

    def build(records: list[Any]) -> CuratedIndex:
        builds.append(len(records))
        return real(records)

    monkeypatch.setattr(CuratedIndex, "build", build)
    # A record that will not validate makes the import plan twice; still one index.
    study_zip(tmp_path / "studies.zip", members=MEMBERS)
    terminated = external / "ctgov-v2/NCT00184067_terminated_whyStopped.json"
    impossible = json.loads(terminated.read_text(encoding="utf-8"))
    impossible["protocolSection"]["statusModule"]["completionDateStruct"] = {"date": "2003-01"}
    (tmp_path / "impossible.json").write_text(json.dumps(impossible), encoding="utf-8")
    code, out, _ = run_capture(
        "ctgov", [tmp_path / "studies.zip", tmp_path / "impossible.json"], data_copy, dry_run=True
    )
    assert code == 1
    assert "rejected: NCT00184067" in out
    assert f"  created                                         {MEMBERS:>6}" in out
    assert len(builds) == 1


def test_curated_index_answers_what_mapping_asks(data_copy: Path) -> None:
    add_records(
        data_copy,
        "curated-extra.yaml",
        """
- id: trial:booster-study
  registry_id: NCT00184067
  title: A curated trial under another id
  sources: [{source: source:seed-mnt, derived: test}]
- id: action:booster-access
  action: expanded_access
  summary: Curated expanded access.
  agency: organisation:fda
  jurisdiction: jurisdiction:US
  substance: substance:mdma
  trials: [trial:booster-study]
  date: 2019-01-01
  disclosure: registry
  sources: [{source: source:seed-mnt, derived: test}]
- id: action:curated-supplement
  action: approval
  summary: Curated approval of a supplement.
  agency: organisation:fda
  jurisdiction: jurisdiction:US
  substance: substance:mdma
  application_number: NDA 018651
  date: 1992-12-22
  disclosure: regulator
  sources: [{source: source:seed-mnt, derived: test}]
""",
    )
    index = read_existing(data_copy).curated_index
    assert index.trials_by_registry_id["NCT00184067"] == "trial:booster-study"
    assert index.expanded_access_by_trial["trial:booster-study"] == "action:booster-access"
    day = PartialDate.parse("1992-12-22")
    [(position, found)] = [
        v for k, v in index.approvals_by_application.items() if k == ("nda018651", day)
    ]
    assert found == "action:curated-supplement"
    assert index.records[position].id == found
    assert index.approvals_by_substance[("substance:mdma", day)] == (position, found)
    assert {"trial:booster-study", "action:curated-supplement"} <= index.ids


# --- archives that unpack to far more than they look -----------------------------------------


def _bomb(path: Path, unpacked: int) -> Path:
    """A zip holding one JSON member of `unpacked` bytes of spaces: about 1,000:1."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("studies/NCT00000001.json", "w", force_zip64=True) as member,
    ):
        chunk = b" " * 2**20
        for _ in range(unpacked // len(chunk)):
            member.write(chunk)
    return path


def test_a_zip_bomb_is_rejected_before_it_is_read(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.zip", 64 * 2**20)
    assert bomb.stat().st_size < 2**20
    tracemalloc.start()
    found = expand([bomb], (".json",))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert found.docs == []
    packed = zipfile.ZipFile(bomb).getinfo("studies/NCT00000001.json").compress_size
    assert [str(r) for r in found.rejected] == [
        f"{bomb}!studies/NCT00000001.json: unpacks to 64 MiB from {packed / 1024:.0f} KiB, "
        f"a ratio of {64 * 2**20 / packed:.0f}:1, over the limit of 100:1"
    ]
    assert peak < 8 * 2**20
    found.close()


def test_a_member_over_the_size_limit_is_rejected(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "big.zip", 4 * 2**20)
    found = expand([bomb], (".json",), Inputs(archives=Archives(sizes=SizeLimits(2**20, 10**6))))
    assert [r.reason for r in found.rejected] == ["unpacks to 4 MiB, over the limit of 1 MiB"]
    found.close()


def test_a_file_over_the_size_limit_is_rejected(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (2 * 2**20))
    found = expand([big], (".json",), Inputs(archives=Archives(sizes=SizeLimits(2**20, 100))))
    assert [r.reason for r in found.rejected] == ["2 MiB, larger than the limit of 1 MiB"]


def test_a_member_is_unpacked_with_a_cap(tmp_path: Path) -> None:
    archive = _bomb(tmp_path / "a.zip", 2 * 2**20)
    archives = Archives(sizes=SizeLimits(2**20, 10**6))
    with pytest.raises(TooLarge, match="over the limit of 1 MiB"):
        archives.unpack(archive, "studies/NCT00000001.json")
    archives.close()
    assert read_capped(io.BytesIO(b"x" * 10).read, 10, "ten") == b"x" * 10
    with pytest.raises(TooLarge, match="ten unpacks to more than the limit of 0 KiB"):
        read_capped(io.BytesIO(b"x" * 11).read, 10, "ten")
