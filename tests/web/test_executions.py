"""Execution lanes: bounded, answering 503 when full, and a time budget per execution."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import anyio
import pytest

from schema.limits import Limits
from server import Settings
from tests.web.test_graphql_http import GRAPHQL_RESPONSE, JSON, body, post, serve
from web.executions import Busy, Lane, LaneLimits
from web.graphql_http import GraphQLEndpoint

HEAVY = '{ neighborhood(id: "substance:mdma", depth: 3) { nodes { regkgId } edges { source } } }'


def test_a_full_lane_says_busy_at_once() -> None:
    release = threading.Event()
    outcomes: list[str] = []

    async def main() -> None:
        lane = Lane("costly", LaneLimits(running=1, waiting=1), retry_after=2)

        async def call(name: str) -> None:
            try:
                await lane.run(release.wait, 5)
                outcomes.append(f"{name} ran")
            except Busy as exc:
                outcomes.append(f"{name}: {exc} ({exc.retry_after})")

        async with anyio.create_task_group() as group:
            group.start_soon(call, "first")  # runs
            await anyio.sleep(0.05)
            group.start_soon(call, "second")  # waits
            await anyio.sleep(0.05)
            await call("third")  # no room to wait: refused at once
            release.set()

    anyio.run(main)
    assert outcomes == [
        "third: the server is busy with other costly queries; try again in 2 s (2)",
        "first ran",
        "second ran",
    ]


def test_a_cancelled_execution_keeps_its_place_until_its_thread_ends() -> None:
    started, release = threading.Event(), threading.Event()
    outcomes: list[str] = []

    def work() -> str:
        started.set()
        release.wait(5)
        return "done"

    async def main() -> None:
        lane = Lane("costly", LaneLimits(running=1, waiting=0), retry_after=1)
        first = asyncio.ensure_future(lane.run(work))
        while not started.is_set():
            await asyncio.sleep(0.01)
        first.cancel()
        await asyncio.sleep(0.05)
        try:  # the thread still runs: no room yet
            await lane.run(str, "x")
        except Busy:
            outcomes.append("busy while the cancelled one runs")
        assert not first.done()  # its cancellation waits for the thread
        release.set()
        with contextlib.suppress(asyncio.CancelledError):
            await first
        outcomes.append(f"cancelled: {first.cancelled()}")
        outcomes.append(await lane.run(str, "room again"))

    asyncio.run(main())
    assert outcomes == ["busy while the cancelled one runs", "cancelled: True", "room again"]


def test_what_a_worker_raises_reaches_the_caller_and_frees_the_place() -> None:
    def fails() -> None:
        raise ValueError("no such thing")

    async def main() -> list[str]:
        lane = Lane("cheap", LaneLimits(running=1, waiting=0), retry_after=1)
        outcomes = []
        for _ in range(2):
            try:
                await lane.run(fails)
            except ValueError as exc:
                outcomes.append(str(exc))
        outcomes.append(await lane.run(str, "still serving"))
        return outcomes

    assert asyncio.run(main()) == ["no such thing", "no such thing", "still serving"]


class Blocked:
    """`running` is set when a costly execution has started; it goes on once `release` is."""

    def __init__(self) -> None:
        self.running = threading.Event()
        self.release = threading.Event()


@pytest.fixture
def blocked_costly_lane(monkeypatch: pytest.MonkeyPatch) -> Iterator[Blocked]:
    """Costly executions block until released; cheap ones run as usual."""
    blocked = Blocked()
    execute = GraphQLEndpoint._execute

    def executing(self: GraphQLEndpoint, params: Any, *args: Any) -> Any:
        if params.query == HEAVY:
            blocked.running.set()
            blocked.release.wait(10)
        return execute(self, params, *args)

    monkeypatch.setattr(GraphQLEndpoint, "_execute", executing)
    yield blocked
    blocked.release.set()


def test_a_full_queue_answers_503_while_cheap_queries_and_healthz_flow(
    blocked_costly_lane: Blocked,
) -> None:
    settings = Settings(max_running=1, max_waiting=1)
    with serve(settings) as client, ThreadPoolExecutor(4) as pool:
        calls = [pool.submit(post, client, {"query": HEAVY}, GRAPHQL_RESPONSE) for _ in range(3)]
        # one runs (blocked), one waits, and the third is refused at once
        refused = next(as_completed(calls, timeout=10)).result()
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert body(refused) == {
            "errors": [
                {
                    "message": "the server is busy with other costly queries; try again in 1 s",
                    "extensions": {"code": "SERVER_BUSY"},
                }
            ]
        }
        assert client.get("/healthz").status_code == 200
        cheap = post(client, {"query": "{ substances(first: 1) { totalCount } }"})
        assert cheap.status_code == 200
        assert "errors" not in body(cheap)
        blocked_costly_lane.release.set()
        assert sorted(c.result(10).status_code for c in calls) == [200, 200, 503]


def test_an_export_waits_in_the_costly_lane(blocked_costly_lane: Blocked) -> None:
    settings = Settings(max_running=1, max_waiting=0)
    with serve(settings) as client, ThreadPoolExecutor(2) as pool:
        running = pool.submit(post, client, {"query": HEAVY})
        assert blocked_costly_lane.running.wait(10)
        params = {"query": "{ meta { dataVersion } }", "format": "csv"}
        export = client.get("/graphql", params=params)
        assert export.status_code == 503
        assert export.headers["retry-after"] == "1"
        blocked_costly_lane.release.set()
        assert running.result(10).status_code == 200
        assert client.get("/graphql", params=params).status_code == 200


def test_a_query_over_the_time_budget_is_stopped_with_one_error() -> None:
    with serve(Settings(limits=Limits(time_budget=0.001))) as client:
        response = post(client, {"query": HEAVY}, accept=JSON)
        again = post(client, {"query": HEAVY}, accept=JSON)
    message = (
        "the query ran longer than the time budget of 0.001 s (--time-budget) and was stopped: "
        "ask for smaller pages (`first`), fewer nested lists or a smaller depth"
    )
    assert response.status_code == 200
    answer = body(response)
    assert answer["data"] is None
    assert [e["message"] for e in answer["errors"]] == [message]
    assert body(again)["errors"][0]["message"] == message  # run again, not from the cache


def test_the_same_query_within_the_budget_is_answered() -> None:
    with serve(Settings(limits=Limits(time_budget=30))) as client:
        response = post(client, {"query": HEAVY}, accept=JSON)
    assert "errors" not in body(response)
    assert len(body(response)["data"]["neighborhood"]["nodes"]) > 50
