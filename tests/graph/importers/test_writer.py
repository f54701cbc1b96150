"""Writing: all files or none, even when a failure is injected part-way; and YAML that
reads back exactly as it was meant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.importers import writer
from graph.importers.yamlout import render_file, render_record, scalar
from graph.model import FieldType
from graph.reader import Value, read_text
from tests.graph.importers.conftest import run_capture, snapshot


def _fail_on(step: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the `step`-th step of the commit fail; return the steps attempted."""
    steps: list[str] = []

    def flaky(name: str) -> None:
        steps.append(name)
        if len(steps) == step:
            raise OSError("disk full (injected)")

    monkeypatch.setattr(writer, "checkpoint", flaky)
    return steps


@pytest.fixture(params=["exchange", "journal"])
def swap_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of putting the new folder in place: the atomic exchange, and the two
    renames with a journal used where the exchange is not available."""
    if request.param == "journal":
        monkeypatch.setattr(writer, "exchange", None)
    else:
        assert writer.exchange is not None, "this system has no renameat2"
    return str(request.param)


@pytest.mark.parametrize("failing_step", [1, -3, -2])  # -2: the swap; counted from the end
def test_a_failure_part_way_leaves_data_as_it_was(
    external: Path,
    data_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    failing_step: int,
    swap_mode: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # A first import, so that the second both replaces files and creates new ones.
    run_capture("ctgov", [external / "ctgov-xml"], data_copy)
    before = snapshot(data_copy)
    counting = tmp_path_factory.mktemp("counting") / "data"
    shutil.copytree(data_copy, counting)
    steps = _fail_on(10_000, monkeypatch)
    run_capture("ctgov", [external / "ctgov-v2", external / "ctgov-xml"], counting)
    count = len(steps)  # counted on a copy of the data folder
    step = failing_step if failing_step > 0 else count + 1 + failing_step
    steps = _fail_on(step, monkeypatch)
    code, out, err = run_capture(
        "ctgov", [external / "ctgov-v2", external / "ctgov-xml"], data_copy
    )
    assert len(steps) == step  # the failure really happened part-way
    assert code == 1
    assert err == "import ctgov failed: writing failed, nothing was changed: disk full (injected)\n"
    assert out == ""
    assert snapshot(data_copy) == before
    assert [p.name for p in data_copy.parent.iterdir()] == ["data"]  # no staging left behind
    monkeypatch.setattr(writer, "checkpoint", lambda step: None)
    code, _, _ = run_capture("ctgov", [external / "ctgov-v2", external / "ctgov-xml"], data_copy)
    assert code == 0


def test_commit_creates_the_folder_and_leaves_nothing_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap_mode: str
) -> None:
    root = tmp_path / "data"
    root.mkdir()
    (root / "kept.yaml").write_text("[]\n")
    _fail_on(2, monkeypatch)
    with pytest.raises(writer.WriteFailed):
        writer.commit(root, {"imported/ctgov/a.yaml": "[]\n", "imported/ctgov/b.yaml": "[]\n"})
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["data", "kept.yaml"]
    monkeypatch.setattr(writer, "checkpoint", lambda step: None)
    writer.commit(root, {"imported/ctgov/a.yaml": "- id: x\n"})
    assert (root / "imported/ctgov/a.yaml").read_text() == "- id: x\n"
    writer.commit(root, {"imported/ctgov/b.yaml": "- id: y\n"})
    assert sorted(p.name for p in (root / "imported/ctgov").iterdir()) == ["a.yaml", "b.yaml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_an_import_writes_only_in_imported(tmp_path: Path) -> None:
    with pytest.raises(writer.WriteFailed, match=r"writes only in imported/, not substances\.yaml"):
        writer.commit(tmp_path, {"substances.yaml": "[]\n"})


TRICKY = [
    "plain words",
    "a: b",
    "# not a comment",
    "- not a list",
    "yes",
    "2019",
    "[bracketed]",
    "{braced}",
    " leading space",
    "trailing space ",
    "two\nlines",
    "it's",
    '"quoted"',
    "Hôpitaux, Genève",
    "line\u2028separator",
    "tab\there",
    "x #y",
    "!tag",
    "&anchor",
    "*alias",
    "| pipe",
    "> fold",
    "%percent",
    "@at",
    "`tick",
    "null",
    "~",
    "ends with colon:",
    "back\\slash",
]


@pytest.mark.parametrize("text", TRICKY)
def test_text_reads_back_exactly(text: str) -> None:
    record: dict[str, Value] = {
        "id": "condition:x",
        "name": text,
        "synonyms": [text, "plain"],
        "sources": [{"source": "source:s", "quote": text}],
    }
    rendered = render_file(["header"], [record])
    [read], problems = read_text(rendered.text, "t.yaml")
    assert problems == []
    assert read.data == record


def test_values_are_written_as_curators_write_them() -> None:
    record: dict[str, Value] = {
        "sources": [{"supports": ["start"], "source": "source:s"}],
        "start": "2004-05",
        "registry_id": "NCT00184067",
        "id": "trial:NCT00184067",
        "title": "Phase 2",
        "substances": ["substance:mdma", "substance:lsd"],
    }
    assert render_record(record) == [
        "- id: trial:NCT00184067",
        "  registry_id: NCT00184067",
        "  title: Phase 2",
        "  start: 2004-05",
        "  substances: [substance:mdma, substance:lsd]",
        "  sources:",
        "    - source: source:s",
        "      supports: [start]",
    ]
    assert scalar("2019-01", FieldType.DATE) == "2019-01"
    assert scalar("2019", FieldType.TEXT) == '"2019"'  # text that YAML would read as a number


def test_rendering_maps_lines_back_to_records() -> None:
    rendered = render_file(
        ["h"], [{"id": "condition:a", "name": "A"}, {"id": "condition:b", "name": "B"}]
    )
    assert rendered.text == "# h\n\n- id: condition:a\n  name: A\n\n- id: condition:b\n  name: B\n"
    assert [rendered.record_at(n) for n in (1, 3, 4, 6, 7)] == [
        None,
        "condition:a",
        "condition:a",
        "condition:b",
        "condition:b",
    ]
