"""The command line: ``python -m graph import ...`` next to validate and stats."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from graph.__main__ import main
from graph.importers.progress import Progress
from graph.importers.run import run_import
from tests.graph.importers.conftest import PROJECT_ROOT, add_records, snapshot

TERMINATED = "ctgov-v2/NCT00184067_terminated_whyStopped.json"


def test_import_then_validate_and_stats(
    external: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["import", "ctgov", str(external / TERMINATED), "--data", str(data_copy)])
    assert code == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"created: NCT00184067 ({external / TERMINATED})"
    assert "import ctgov: 1 input, 1 record read" in out
    assert main(["validate", str(data_copy)]) == 0
    assert ": valid, " in capsys.readouterr().out
    assert main(["stats", str(data_copy)]) == 0
    assert "trial" in capsys.readouterr().out


def test_module_entry_point(external: Path, data_copy: Path) -> None:
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "graph", "import", "ctgov", str(external / TERMINATED)),
            *("--data", str(data_copy), "--dry-run"),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "dry run: 3 files would change" in completed.stdout
    assert "Traceback" not in completed.stderr


def test_progress_line_on_stderr(external: Path, data_copy: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run_import("ctgov", [external / "ctgov-xml"], data_copy, out=out, err=err, progress=True)
    assert code == 0
    assert "\rctgov [####################]     11/11  " in err.getvalue()
    assert err.getvalue().endswith("\r")  # the line is cleared before the summary


def test_progress_is_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = Progress("ctgov", 3, stream=stream)
    bar("a")
    bar.close()
    assert stream.getvalue() == ""


def test_invalid_data_is_not_imported_into(external: Path, data_copy: Path) -> None:
    add_records(data_copy, "broken.yaml", "- id: substance:broken\n  name: Broken\n")
    before = snapshot(data_copy)
    out, err = io.StringIO(), io.StringIO()
    code = run_import("ctgov", [external / TERMINATED], data_copy, out=out, err=err)
    assert code == 1
    assert err.getvalue().startswith(f"{data_copy} has problems before the import; fix them")
    assert "unsourced: the record has no sources" in err.getvalue()
    assert snapshot(data_copy) == before


def test_missing_data_folder(tmp_path: Path, external: Path) -> None:
    err = io.StringIO()
    code = run_import(
        "ctgov", [external / TERMINATED], tmp_path / "none", err=err, out=io.StringIO()
    )
    assert code == 1
    assert "no such data directory" in err.getvalue()
