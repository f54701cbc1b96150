"""kill -9 of a real import, at many moments of its commit: `data/` is always the data
before the import or the data after it, and the next import cleans up what was left."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.importers.plan import read_existing
from graph.importers.run import run_import
from graph.importers.writer import exclusive, recover
from tests.graph.importers.conftest import PROJECT_ROOT, snapshot


@pytest.mark.parametrize(("mode", "sample"), [("exchange", 2), ("journal", 1)])
def test_a_killed_import_leaves_the_data_before_or_after(
    external: Path,
    data_copy: Path,
    tmp_path_factory: pytest.TempPathFactory,
    mode: str,
    sample: int,
) -> None:
    work = tmp_path_factory.mktemp("crash")
    template = work / "template" / "data"
    shutil.copytree(data_copy, template)
    # A first import, so that the one killed both replaces files and creates new ones.
    assert run_import("ctgov", [external / "ctgov-xml"], template, out=io.StringIO()) == 0
    before = snapshot(template)
    driven = subprocess.run(
        [
            *(sys.executable, "-m", "tests.graph.importers.crash_driver"),
            *(str(work), mode, "20261202", str(sample)),
            *(str(external / "ctgov-v2"), str(external / "ctgov-xml")),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    whole, *killed = (json.loads(line) for line in driven.stdout.splitlines())
    after = snapshot(Path(whole["folder"]))
    assert after != before
    assert whole["steps"][-1] == "remove the old files"
    assert len(killed) == 2 + 3 + 2 * sample
    outcomes = []
    for kill in killed:
        data = Path(kill["folder"])
        if mode == "exchange":  # all or nothing at every instant, with no help
            assert snapshot(data) in (before, after), kill
        recover(data)  # what the next import does first
        assert sorted(p.name for p in data.parent.iterdir()) == ["data"], kill
        state = snapshot(data)
        assert state in (before, after), kill
        read_existing(data)  # and it validates
        outcomes.append("before" if state == before else "after")
    assert set(outcomes) == {"before", "after"}  # kills landed on both sides of the swap
    assert any("s after the first step" in k["killed"] for k in killed)


def test_the_next_import_removes_a_stale_staging_folder(external: Path, data_copy: Path) -> None:
    stale = data_copy.parent / ".data-import-abc123"
    (stale / "imported" / "ctgov").mkdir(parents=True)
    (stale / "imported" / "ctgov" / "half.yaml").write_text("- id: trial:NCT")
    err = io.StringIO()
    code = run_import(
        "ctgov", [external / "ctgov-xml"], data_copy, out=io.StringIO(), err=err, dry_run=True
    )
    assert code == 0
    assert err.getvalue() == "removed .data-import-abc123, left by an interrupted import\n"
    assert sorted(p.name for p in data_copy.parent.iterdir()) == ["data"]


def test_a_second_import_at_the_same_time_is_refused(external: Path, data_copy: Path) -> None:
    before = snapshot(data_copy)
    err = io.StringIO()
    with exclusive(data_copy.resolve()):  # as a running import holds it
        code = run_import("ctgov", [external / "ctgov-xml"], data_copy, out=io.StringIO(), err=err)
    assert code == 1
    assert err.getvalue() == (
        f"import ctgov not started: another import into {data_copy.resolve()} is running\n"
    )
    assert snapshot(data_copy) == before
    assert run_import("ctgov", [external / "ctgov-xml"], data_copy, out=io.StringIO()) == 0
