"""The starlette app and the `python server.py` entry point."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

import server
from graph.build import KnowledgeGraph
from graph.load import load_graph
from server import Settings, create_app, main, parse_settings

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2; the project's dev dependencies install httpx.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient


BROKEN = {"substances.yaml": "- id: substance:x\n  colour: blue\n"}


def test_create_app_loads_the_graph_in_the_lifespan(tiny_dir: Path, tiny: KnowledgeGraph) -> None:
    app = create_app(Settings(data_dir=tiny_dir))
    assert isinstance(app, Starlette)
    assert not hasattr(app.state, "kg")  # nothing is loaded before start-up
    try:
        with TestClient(app) as client:
            kg = app.state.kg
            assert isinstance(kg, KnowledgeGraph)
            assert kg.version == tiny.version
            assert sorted(kg.graph.nodes) == sorted(tiny.graph.nodes)
            health = client.get("/healthz")
            assert health.status_code == 200
            assert health.json() == {"status": "ok", "dataVersion": tiny.version}
            front = client.get("/")
            assert f"{tiny.graph.number_of_nodes()} entities" in front.text
            answer = client.post(
                "/graphql",
                json={"query": '{ substance(name: "ex") { regkgId name } }'},
                headers={"accept": "application/graphql-response+json"},
            )
            assert answer.status_code == 200
            assert answer.json() == {
                "data": {"substance": {"regkgId": "substance:x", "name": "Drugxamine"}},
                "extensions": {"cost": 3},
            }
    finally:
        gc.unfreeze()


def test_create_app_without_settings_serves_the_bundled_data() -> None:
    try:
        with TestClient(create_app()) as client:
            assert client.get("/healthz").json()["dataVersion"] == load_graph().version
    finally:
        gc.unfreeze()


def test_the_factory_reads_its_settings_from_the_environment(
    tiny_dir: Path, tiny: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What `uvicorn --factory server:create_app` does: import, call with no arguments.
    monkeypatch.setenv("REGKG_DATA", str(tiny_dir))
    monkeypatch.setenv("REGKG_MAX_DEPTH", "2")
    config = uvicorn.Config("server:create_app", factory=True)
    config.load()
    try:
        with TestClient(config.loaded_app) as client:
            assert client.get("/healthz").json()["dataVersion"] == tiny.version
            deep = '{ substance(name: "ex") { streetFormOf { streetFormOf { name } } } }'
            answer = client.post("/graphql", json={"query": deep})
            assert answer.json()["errors"][0]["message"] == (
                "'anonymous' exceeds maximum operation depth of 2"
            )
    finally:
        gc.unfreeze()


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record `uvicorn.run` calls instead of serving."""
    calls: list[dict[str, Any]] = []

    def run(app: object, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr(uvicorn, "run", run)
    return calls


def test_main_refuses_data_that_fails_validation(
    make_data: Callable[[dict[str, str]], Path],
    capsys: pytest.CaptureFixture[str],
    no_server: list[dict[str, Any]],
) -> None:
    broken = make_data(BROKEN)
    assert main(["--data", str(broken)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[:4] == [
        "regkg cannot start: the data does not validate.",
        "3 problems in the data:",
        "data/substances.yaml:1: substance:x: required field 'name' is missing",
        "data/substances.yaml:1: substance:x: unsourced: the record has no sources",
    ]
    assert lines[4].startswith("data/substances.yaml:2: unknown field 'colour' for a substance")
    assert len(lines) == 5
    assert no_server == []


def test_main_refuses_a_missing_data_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_server: list[dict[str, Any]]
) -> None:
    missing = tmp_path / "nowhere"
    assert main(["--data", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"{missing}:0: no such data directory" in err
    assert no_server == []


def test_main_serves_valid_data_with_the_settings(
    tiny_dir: Path,
    capsys: pytest.CaptureFixture[str],
    no_server: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGKG_PORT", "9001")
    assert main(["--data", str(tiny_dir), "--host", "127.0.0.3"]) == 0
    files = sorted(tiny_dir.rglob("*.yaml"))
    size = sum(f.stat().st_size for f in files) / 1e6
    entities = load_graph(tiny_dir).graph.number_of_nodes()
    assert capsys.readouterr().out == (
        f"regkg: serving {tiny_dir} ({len(files)} files, {size:.1f} MB, {entities} entities) "
        "on http://127.0.0.3:9001/graphql\n"
    )
    assert len(no_server) == 1
    call = no_server[0]
    assert isinstance(call["app"], Starlette)
    assert (call["host"], call["port"]) == ("127.0.0.3", 9001)
    # every request must arrive within the read timeout: uvicorn alone has none
    assert issubclass(call["http"], HttpToolsProtocol)
    assert call["http"].__name__ == "ReadTimeoutProtocol"


def test_main_refuses_data_over_the_size_limit(
    tiny_dir: Path, capsys: pytest.CaptureFixture[str], no_server: list[dict[str, Any]]
) -> None:
    files = sorted(tiny_dir.rglob("*.yaml"))
    size = sum(f.stat().st_size for f in files)
    assert main(["--data", str(tiny_dir), "--max-data-bytes", str(size - 1)]) == 1
    err = capsys.readouterr().err
    assert (
        f"{tiny_dir}:0: the data holds {len(files)} files, {size / 1e6:.1f} MB, over the limit "
        f"of {(size - 1) / 1e6:.1f} MB (--max-data-bytes)"
    ) in err
    assert no_server == []


def test_module_docstring_names_every_environment_variable() -> None:
    doc = server.__doc__ or ""
    for name in (
        "REGKG_HOST",
        "REGKG_PORT",
        "REGKG_DATA",
        "REGKG_CORS_ORIGINS",
        "REGKG_MAX_DEPTH",
        "REGKG_MAX_ALIASES",
        "REGKG_MAX_TOKENS",
        "REGKG_MAX_COST",
        "REGKG_MAX_BODY_BYTES",
        "REGKG_TIME_BUDGET",
        "REGKG_MAX_RUNNING",
        "REGKG_MAX_WAITING",
        "REGKG_READ_TIMEOUT",
        "REGKG_MAX_DATA_BYTES",
        "REGKG_SNAPSHOT",
        "REGKG_WORKERS",
        "REGKG_ACCESS_LOG",
    ):
        assert name in doc


def test_the_snapshot_sits_in_the_data_folder_unless_named(tmp_path: Path) -> None:
    assert server._snapshot(parse_settings(["--data", str(tmp_path)], {})) == (
        tmp_path / "regkg.snapshot"
    )
    named = parse_settings(["--data", str(tmp_path)], {"REGKG_SNAPSHOT": "/srv/g.snapshot"})
    assert named.snapshot == Path("/srv/g.snapshot")
    assert parse_settings(["--workers", "3"], {}).workers == 3
    assert parse_settings([], {"REGKG_WORKERS": "2"}).workers == 2


def test_the_access_log_is_off_unless_asked_for() -> None:
    assert server.uvicorn_options(parse_settings([], {}))["access_log"] is False
    assert parse_settings(["--access-log"], {}).access_log is True
    assert parse_settings([], {"REGKG_ACCESS_LOG": "1"}).access_log is True
    assert parse_settings([], {"REGKG_ACCESS_LOG": "0"}).access_log is False
    assert parse_settings(["--no-access-log"], {"REGKG_ACCESS_LOG": "yes"}).access_log is False
    assert server.uvicorn_options(Settings(access_log=True))["access_log"] is True
