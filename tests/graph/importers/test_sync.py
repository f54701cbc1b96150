"""`graph sync` against the local replay server: paging to the end, incremental re-runs,
resuming after a kill, retries, and faults that stop the sync with data/ unchanged."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph.__main__ import main
from graph.history import read_history
from graph.importers.registry_client import RegistryClient
from graph.importers.sync import SyncOptions, run_sync
from graph.importers.sync_state import SyncState
from tests.graph.importers.conftest import PROJECT_ROOT, records_in, snapshot
from tests.replay import Params, Replay, serve

IMPORTED = Path("imported/ctgov")


@pytest.fixture
def replay(external: Path) -> Replay:
    return Replay(external)


@pytest.fixture
def base_url(replay: Replay) -> Iterator[str]:
    with serve(replay) as url:
        yield url


class Run:
    """One sync run in-process, with a client that records its waits instead of waiting."""

    def __init__(self, base_url: str, data: Path, state: Path) -> None:
        self.base_url = base_url
        self.data = data
        self.state = state
        self.waits: list[float] = []
        self.sleep: Callable[[float], None] = self.waits.append
        self.client: RegistryClient | None = None

    def __call__(
        self, registry: str = "ctgov", substance: str = "MDMA", **options: object
    ) -> tuple[int, str, str]:
        path = "/api/v2" if registry == "ctgov" else ""
        self.client = RegistryClient(
            self.base_url + path,
            min_interval=0,
            timeout=0.5,
            retries=3,
            backoff=1.0,
            sleep=self.sleep,
        )
        out, err = io.StringIO(), io.StringIO()
        opts = SyncOptions(registry, self.data, self.state, substances=[substance], progress=False)
        for key, value in options.items():
            setattr(opts, key, value)
        code = run_sync(opts, out=out, err=err, client=self.client)
        return code, out.getvalue(), err.getvalue()


@pytest.fixture
def sync(base_url: str, data_copy: Path, tmp_path: Path) -> Run:
    return Run(base_url, data_copy, tmp_path / "state")


def _imported_ids(data: Path) -> set[str]:
    return {p.stem for p in (data / IMPORTED).glob("NCT*.yaml")}


def _studies_requests(replay: Replay) -> list[Params]:
    return [params for path, params in replay.requests if path.endswith("/studies")]


def test_multi_page_result_is_imported_whole(sync: Run, replay: Replay) -> None:
    bundled = len(read_history(sync.data)[0])  # the versions the bundled data records
    code, out, err = sync()
    assert code == 0, err
    assert _imported_ids(sync.data) == replay.study_ids
    assert len(replay.study_ids) == 13
    requests = _studies_requests(replay)
    assert [r.get("pageToken") for r in requests] == [None, *replay.tokens]
    first = requests[0]
    assert first["query.intr"].startswith('"MDMA" OR "')
    assert '"midomafetamine"' in first["query.intr"].lower()
    assert "filter.advanced" not in first
    assert "sync ctgov: 13 records in 4 pages for 1 query (4 requests)" in out
    trial = records_in(sync.data / IMPORTED / "NCT03934567.yaml")["trial:NCT03934567"]
    assert trial["status"] == "ACTIVE_NOT_RECRUITING"
    history, problems = read_history(sync.data)
    assert problems == []
    assert len(history) == bundled + 1
    assert history[-1].command == "python -m graph sync ctgov"
    assert {c.id for c in history[-1].changes} >= {f"trial:{n}" for n in replay.study_ids}


def test_second_run_asks_only_for_updates_and_changes_nothing(sync: Run, replay: Replay) -> None:
    bundled = len(read_history(sync.data)[0])
    assert sync()[0] == 0
    before = snapshot(sync.data)
    replay.requests.clear()
    code, out, err = sync()
    assert code == 0, err
    assert snapshot(sync.data) == before
    today = datetime.now(UTC).date().isoformat()
    first = _studies_requests(replay)[0]
    assert first["filter.advanced"] == f"AREA[LastUpdatePostDate]RANGE[{today},MAX]"
    assert re.search(r"created +0\n  updated +0\n  unchanged +13\n", out), out
    assert len(read_history(sync.data)[0]) == bundled + 1


def test_dry_run_reports_and_writes_nothing(sync: Run, replay: Replay) -> None:
    before = snapshot(sync.data)
    code, out, _ = sync(dry_run=True)
    assert code == 0
    assert "created: NCT03934567" in out
    assert snapshot(sync.data) == before
    assert not (sync.state / "state.json").exists()


def test_transient_faults_are_retried(sync: Run, replay: Replay) -> None:
    def paged(path: str, params: Params) -> bool:
        return "pageToken" in params

    replay.inject("429", retry_after="7")
    replay.inject("500", when=paged)
    replay.inject("truncate", when=paged)
    replay.inject("timeout", when=paged)
    code, _, err = sync()
    assert code == 0, err
    assert _imported_ids(sync.data) == replay.study_ids
    assert sync.client is not None
    assert 7.0 in sync.waits  # Retry-After was honoured
    reasons = sync.client.retried
    assert any(r.startswith("Too Many Requests") for r in reasons)
    assert any(r.startswith("Internal Server Error") for r in reasons)
    assert any("cut off" in r for r in reasons)
    assert any("no answer within 0.5 s" in r for r in reasons)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        pytest.param("429", "answered 429: Too Many Requests", id="rate-limited"),
        pytest.param("500", "answered 500: Internal Server Error", id="server-error"),
        pytest.param("timeout", "gave no usable answer: no answer within 0.5 s", id="timeout"),
        pytest.param("truncate", "gave no usable answer: the answer", id="truncated"),
    ],
)
def test_lasting_faults_stop_with_data_unchanged(
    sync: Run, replay: Replay, fault: str, message: str
) -> None:
    before = snapshot(sync.data)
    replay.inject(fault, times=100, when=lambda path, params: "pageToken" in params)
    code, _, err = sync()
    assert code == 1
    assert f"sync ctgov stopped: {sync.base_url}/api/v2/studies?" in err
    assert message in err
    assert "gave up after 4 attempts" in err
    assert f"Nothing was imported: {sync.data} is unchanged" in err
    assert snapshot(sync.data) == before
    state = SyncState.open(sync.state, "ctgov")
    (query,) = state.queries.values()
    assert (query.in_progress, query.pages, query.cursor) == (True, 1, replay.tokens[0])


def test_no_match_is_an_empty_answer(sync: Run, data_copy: Path) -> None:
    before = snapshot(data_copy)
    code, out, err = sync("drugsfda", free_query="nomatch")
    assert code == 0, err
    assert "sync drugsfda: 0 records in 0 pages for 1 query" in out
    assert "nothing new" in out
    assert snapshot(data_copy) == before


def test_refusal_names_url_and_status(sync: Run, data_copy: Path) -> None:
    before = snapshot(data_copy)
    sync.base_url += "/nowhere"
    code, _, err = sync("drugsfda")
    assert code == 1
    assert f"{sync.base_url}/drug/drugsfda.json?search=" in err
    assert "answered 404: Not Found: not found" in err
    assert snapshot(data_copy) == before


def test_stale_token_starts_the_query_again(sync: Run, replay: Replay) -> None:
    replay.inject("stale", when=lambda path, params: params.get("pageToken") == replay.tokens[1])
    code, _, err = sync()
    assert code == 0, err
    assert "no longer accepts the saved page token" in err
    assert _imported_ids(sync.data) == replay.study_ids
    tokens = [r.get("pageToken") for r in _studies_requests(replay)]
    assert tokens == [None, replay.tokens[0], replay.tokens[1], None, *replay.tokens]


def test_openfda_sync_imports_the_application(
    replay: Replay, base_url: str, data_with_substances: Path, tmp_path: Path
) -> None:
    sync = Run(base_url, data_with_substances, tmp_path / "state")
    code, out, err = sync("drugsfda", substance="Safinamide")
    assert code == 0, out + err
    (request,) = [p for path, p in replay.requests if path == "/drug/drugsfda.json"]
    assert request["search"] == (
        'products.active_ingredients.name:"Safinamide" products.brand_name:"Safinamide"'
    )
    assert (request["limit"], request["skip"]) == ("100", "0")
    assert "sync drugsfda: 1 records in 1 pages for 1 query (1 requests)" in out
    imported = sorted(p.name for p in (sync.data / "imported/drugsfda").glob("*.yaml"))
    assert "NDA207145.yaml" in imported


def test_killed_sync_resumes_where_it_stopped(
    replay: Replay, base_url: str, data_copy: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    third = replay.tokens[1]
    replay.hold(lambda path, params: params.get("pageToken") == third)
    command = [
        sys.executable, "-m", "graph", "sync", "ctgov", "--substance", "MDMA",
        "--data", str(data_copy), "--state", str(state),
        "--base-url", f"{base_url}/api/v2", "--interval", "0", "--no-progress",
    ]  # fmt: skip
    before = snapshot(data_copy)
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not any(p.get("pageToken") == third for _, p in replay.requests):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the sync never reached its third page"
            time.sleep(0.05)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
    replay.release()
    assert snapshot(data_copy) == before
    saved = json.loads((state / "state.json").read_text())["ctgov"]
    (query,) = saved.values()
    assert (query["pages"], query["cursor"], query["in_progress"]) == (2, third, True)

    replay.requests.clear()
    code, _, err = Run(base_url, data_copy, state)()
    assert code == 0, err
    assert "resuming at page 3 (10 records saved)" in err
    tokens = [r.get("pageToken") for r in _studies_requests(replay)]
    assert tokens == replay.tokens[1:]
    assert _imported_ids(data_copy) == replay.study_ids


def test_ctrl_c_stops_cleanly_and_keeps_the_pages(sync: Run, replay: Replay) -> None:
    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    before = snapshot(sync.data)
    replay.inject("500", when=lambda path, params: "pageToken" in params)
    sync.sleep = interrupt
    code, _, err = sync()
    assert code == 130
    assert err.startswith("sync ctgov interrupted\nNothing was imported:")
    assert snapshot(sync.data) == before
    assert [p.name for p in (sync.state / "ctgov").glob("*/*.json")] == ["page-00001.json"]


def test_import_command_records_its_changes(
    external: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    study = external / "ctgov-v2/NCT03934567_phase2_active-not-recruiting.json"
    argv = ["import", "ctgov", str(study), "--data", str(data_copy)]
    bundled = len(read_history(data_copy)[0])
    assert main(argv) == 0
    *_, entry = read_history(data_copy)[0]
    assert entry.command == "python -m graph import ctgov"
    assert "trial:NCT03934567" in {c.id for c in entry.changes}
    assert main(argv) == 0  # a re-import changes nothing and records nothing
    assert len(read_history(data_copy)[0]) == bundled + 1
    assert "history: " in capsys.readouterr().err
