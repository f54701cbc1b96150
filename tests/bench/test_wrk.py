"""The wrk load: every body is sent once (spares too are new requests), each answer is
checked, and the run stops once every body has been answered."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from bench import wrk
from bench.procs import running
from bench.wrk import _with_spares

ROOT = Path(__file__).resolve().parents[2]
TRIAL = "query T($id: String!) { trial(id: $id) { regkgId } }"


def test_spare_bodies_are_new_requests_and_still_json() -> None:
    bodies = [orjson.dumps({"query": TRIAL, "variables": {"id": f"trial:{i}"}}) for i in range(3)]
    every = _with_spares(bodies, threads=2, spare=4)
    assert every[:3] == bodies
    assert len(every) == 3 + 2 * 4
    assert len(set(every)) == len(every)
    for body in every:
        assert json.loads(body)["query"] == TRIAL


@pytest.fixture
def regkg_port(tiny_dir: Path, tmp_path: Path) -> Iterator[int]:
    command = [sys.executable, str(ROOT / "server.py"), "--data", str(tiny_dir)]
    with running(command, tmp_path / "server.log") as started:
        yield started.port


@pytest.mark.skipif(wrk.binary() is None, reason="no wrk on PATH (Debian: apt-get install wrk)")
def test_wrk_posts_each_body_once_and_counts_the_answers(regkg_port: int) -> None:
    executable = wrk.binary()
    assert executable is not None
    query = '{ substance(id: "substance:x") { name } }'
    bodies = [orjson.dumps({"query": query, "variables": {"n": i}}) for i in range(40)]
    run = wrk.post_each(regkg_port, "/graphql", bodies, 4, executable)
    assert run.requests >= 40  # and at most one more per connection: the spares
    assert run.requests <= 44
    assert 0 < run.seconds < wrk.DEADLINE_SECONDS
    assert run.p50_ms > 0


@pytest.mark.skipif(wrk.binary() is None, reason="no wrk on PATH (Debian: apt-get install wrk)")
def test_wrk_refuses_answers_that_hold_errors(regkg_port: int) -> None:
    executable = wrk.binary()
    assert executable is not None
    bodies = [orjson.dumps({"query": "{ nothingHere }", "variables": {"n": i}}) for i in range(5)]
    with pytest.raises(wrk.Failed, match="were not 200 with data"):
        wrk.post_each(regkg_port, "/graphql", bodies, 2, executable)
