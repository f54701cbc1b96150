"""The snapshot gives back exactly the graph a fresh load builds, and is never used for
other data or when damaged."""

from __future__ import annotations

import logging
import shutil
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from graph import snapshot
from graph.__main__ import main
from graph.attributes import Attributes
from graph.build import KnowledgeGraph
from graph.load import DEFAULT_DATA_DIR, load_graph
from graph.records import Citation
from graph.snapshot import DamagedSnapshot, StaleSnapshot, read_snapshot, write_snapshot


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """The bundled data, copied so that a test can change it."""
    return Path(shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "data", ignore=_no_snapshot))


def _no_snapshot(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n.endswith(".snapshot")]


def _built(root: Path, tmp_path: Path) -> tuple[KnowledgeGraph, Path]:
    kg = load_graph(root)
    path = tmp_path / "out" / "graph.snapshot"
    write_snapshot(kg, path)
    return kg, path


def _state(value: Any) -> Any:
    """A value's contents, for comparing objects that define no equality."""
    return vars(value) if hasattr(value, "__dict__") else value


def test_round_trip_gives_every_record_edge_and_index(data_copy: Path, tmp_path: Path) -> None:
    fresh, path = _built(data_copy, tmp_path)
    loaded = read_snapshot(path, data_copy)
    assert loaded.graph.number_of_nodes() == fresh.graph.number_of_nodes() > 200
    assert dict(loaded.graph.nodes(data=True)) == dict(fresh.graph.nodes(data=True))
    assert sorted(loaded.graph.edges(keys=True, data=True), key=repr) == sorted(
        fresh.graph.edges(keys=True, data=True), key=repr
    )
    for node, attrs in fresh.graph.nodes(data=True):
        mine = loaded.node(node)
        assert type(mine) is Attributes
        # Every field, in the order written, with values of the same types.
        assert list(mine.items()) == list(attrs.items())
        assert list(map(type, mine.values())) == list(map(type, attrs.values()))
        # Citations are saved as columns, and made into citations again on loading.
        assert all(type(c) is Citation for c in mine["citations"])
        assert list(loaded.graph.in_edges(node, keys=True, data=True)) == list(
            fresh.graph.in_edges(node, keys=True, data=True)
        )
        assert list(loaded.graph.out_edges(node, keys=True, data=True)) == list(
            fresh.graph.out_edges(node, keys=True, data=True)
        )
    # Equal values are still one object: a reference is its target's own id.
    action = loaded.node(loaded.by_kind["action"][0])
    assert action["substance"] is next(n for n in loaded.graph if n == action["substance"])
    for spec in fields(KnowledgeGraph):
        if spec.name == "graph":
            continue
        if not spec.init:  # answers kept while serving: a loaded graph starts with none
            assert getattr(loaded, spec.name).made == 0, spec.name
            continue
        mine, theirs = getattr(loaded, spec.name), getattr(fresh, spec.name)
        assert _state(mine) == _state(theirs), spec.name
        assert type(mine) is type(theirs), spec.name
    assert loaded.by_kind["substance"] == fresh.by_kind["substance"]
    assert loaded.names.search("molly", limit=3) == fresh.names.search("molly", limit=3)
    assert loaded.actions_by_date == fresh.actions_by_date
    # Still read-only, like a freshly built graph.
    with pytest.raises(Exception, match="Frozen"):
        loaded.graph.add_node("substance:new")


def test_changed_data_makes_the_snapshot_stale(data_copy: Path, tmp_path: Path) -> None:
    fresh, path = _built(data_copy, tmp_path)
    with (data_copy / "substances.yaml").open("a", encoding="utf-8") as file:
        file.write("# a comment changes the bytes, and so the data version\n")
    with pytest.raises(StaleSnapshot, match=f"built from data version {fresh.version}"):
        read_snapshot(path, data_copy)
    reloaded = load_graph(data_copy, snapshot=path)
    assert reloaded.version != fresh.version


def test_a_snapshot_from_other_code_is_stale(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = _built(data_copy, tmp_path)
    monkeypatch.setattr(snapshot, "code_fingerprint", lambda: "another-build")
    with pytest.raises(StaleSnapshot, match="another version of regkg"):
        read_snapshot(path, data_copy)


def test_load_graph_uses_a_current_snapshot(data_copy: Path, tmp_path: Path) -> None:
    fresh, path = _built(data_copy, tmp_path)
    loaded = load_graph(data_copy, snapshot=path)
    # The build time is the snapshot's, so the graph came from it and not from the YAML.
    assert loaded.built_at == fresh.built_at
    assert loaded.version == fresh.version


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        pytest.param(lambda b: b[: len(b) // 2], "do not match its header", id="truncated"),
        pytest.param(lambda b: b[:-1] + bytes([b[-1] ^ 1]), "do not match", id="flipped-bit"),
        pytest.param(lambda b: b"- id: substance:x\n", "not a regkg snapshot", id="not-one"),
        pytest.param(lambda b: b[:20], "damaged header", id="header-cut"),
        pytest.param(lambda b: b"", "not a regkg snapshot", id="empty"),
    ],
)
def test_a_damaged_snapshot_is_a_clear_error(
    data_copy: Path, tmp_path: Path, damage: Any, message: str
) -> None:
    _, path = _built(data_copy, tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DamagedSnapshot, match=message):
        read_snapshot(path, data_copy)


def test_load_graph_passes_over_a_damaged_snapshot_and_says_so(
    data_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fresh, path = _built(data_copy, tmp_path)
    path.write_bytes(path.read_bytes()[:1000])
    with caplog.at_level(logging.WARNING, logger="graph.load"):
        loaded = load_graph(data_copy, snapshot=path)
    assert loaded.version == fresh.version
    assert loaded.built_at != fresh.built_at
    assert "is damaged" in caplog.text
    assert "loading the data instead" in caplog.text


def test_build_command_writes_a_snapshot_the_loader_takes(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(data_copy)]) == 0
    written = data_copy / snapshot.SNAPSHOT_FILE
    assert str(written) in capsys.readouterr().out
    header = snapshot.read_header(written)
    assert header.data_version == load_graph(data_copy).version
    assert read_snapshot(written, data_copy).version == header.data_version


def test_build_command_refuses_invalid_data(
    make_data: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = make_data({"substances.yaml": "- id: substance:x\n"})
    out = tmp_path / "never.snapshot"
    assert main(["build", str(bad), "--out", str(out)]) == 1
    assert "problem" in capsys.readouterr().err
    assert not out.exists()


def test_build_command_says_when_it_cannot_write(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["build", str(data_copy), "--out", str(blocker / "graph.snapshot")]) == 1
    assert f"cannot write {blocker / 'graph.snapshot'}" in capsys.readouterr().err
