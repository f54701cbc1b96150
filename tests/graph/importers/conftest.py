"""Fixtures for the importer tests: the shared registry downloads, and scratch copies of
the data folder (an import never touches the real data/)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.importers.run import run_import
from graph.load import DEFAULT_DATA_DIR
from graph.reader import Value, read_text

PROJECT_ROOT = Path(__file__).resolve().parents[3]
EXTERNAL = PROJECT_ROOT / ".." / "shared" / "external"


@pytest.fixture(scope="session")
def external() -> Path:
    """The real registry downloads in ../shared/external (used unchanged, read-only)."""
    if not (EXTERNAL / "SOURCES.md").is_file():
        pytest.skip(
            f"SKIPPED LOUDLY: the shared registry fixtures are missing at {EXTERNAL.resolve()}; "
            "the importer tests need ../shared/external next to the project"
        )
    return EXTERNAL.resolve()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A scratch copy of the curated data folder."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def add_records(data: Path, name: str, text: str) -> None:
    """Write extra curated records (YAML text) to `data/name`."""
    (data / name).write_text(text.strip() + "\n", encoding="utf-8")


# Substances the fixtures' interventions and products name, added to a scratch copy so
# that linking can be tested; cited to a source the curated data already has.
EXTRA_SUBSTANCES = """
- id: substance:ruxolitinib
  name: Ruxolitinib
  code_names: [INCB018424]
  sources: [{source: source:seed-mnt, derived: test}]
- id: substance:ganaxolone
  name: Ganaxolone
  sources: [{source: source:seed-mnt, derived: test}]
- id: substance:oxytocin
  name: Oxytocin
  sources: [{source: source:seed-mnt, derived: test}]
- id: substance:nnz-2591
  name: NNZ-2591
  sources: [{source: source:seed-mnt, derived: test}]
- id: substance:cannabidiol
  name: Cannabidiol
  synonyms: [CBD]
  sources: [{source: source:seed-mnt, derived: test}]
- id: substance:safinamide
  name: Safinamide
  sources: [{source: source:seed-mnt, derived: test}]
- id: substance:levonorgestrel
  name: Levonorgestrel
  sources: [{source: source:seed-mnt, derived: test}]
- id: substance:ethinyl-estradiol
  name: Ethinyl estradiol
  sources: [{source: source:seed-mnt, derived: test}]
- id: substance:dronabinol
  name: Dronabinol
  brand_names: [Marinol, Syndros]
  sources: [{source: source:seed-mnt, derived: test}]
"""


@pytest.fixture
def data_with_substances(data_copy: Path) -> Path:
    add_records(data_copy, "test-substances.yaml", EXTRA_SUBSTANCES)
    return data_copy


Runner = Callable[..., tuple[int, str, str]]


def run_capture(
    importer: str, paths: list[Path], data: Path, dry_run: bool = False
) -> tuple[int, str, str]:
    """Run an import, capturing what it prints: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = run_import(importer, paths, data, dry_run=dry_run, out=out, err=err, progress=False)
    return code, out.getvalue(), err.getvalue()


def records_in(path: Path) -> dict[str, dict[str, Value]]:
    """The records of one YAML data file, by id."""
    records, problems = read_text(path.read_text(encoding="utf-8"), str(path))
    assert problems == []
    return {str(r.data["id"]): r.data for r in records}


def at(value: Value, *path: str | int) -> Value:
    """The value at `path` inside a record (keys and list positions), type-checked."""
    for step in path:
        if isinstance(step, int):
            assert isinstance(value, list), value
            value = value[step]
        else:
            assert isinstance(value, dict), value
            value = value[step]
    return value


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
