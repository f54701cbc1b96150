"""Where uncached executions run: worker threads in two lanes, each bounded.

Executing a query holds the interpreter for as long as it takes, so none runs on the event
loop, which must stay free for cached answers, `/healthz` and reading requests. Cheap
queries (by their measured cost) and costly ones wait in separate lanes, so a queue of
costly queries never delays a cheap one; each lane runs at most so many at once and lets
at most so many wait, and past that answers `Busy` at once (a 503 with `Retry-After`)
rather than queueing without end.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final, TypeVar

T = TypeVar("T")

# Threads holding the interpreter hand it over every 5 ms by default; a costly query in a
# worker would then delay the event loop by up to that at every turn. 1 ms keeps request
# handling responsive at a cost of a few percent of the costly query's speed.
SWITCH_INTERVAL: Final = 0.001


def share_interpreter() -> None:
    """Make worker threads hand the interpreter to the event loop more often."""
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))


class Busy(Exception):
    """Too many executions running and waiting in a lane."""

    def __init__(self, lane: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"the server is busy with other {lane} queries; try again in {retry_after} s"
        )


@dataclass(frozen=True)
class LaneLimits:
    running: int  # executions at once
    waiting: int  # executions queued behind them before Busy


class Workers:
    """`count` threads that take calls from one queue and settle each call's future on the
    event loop it came from. Started on first use, so that each process serving requests
    (a forked worker too) has its own.

    A thread pool's `submit` builds a `concurrent.futures.Future` with its lock and
    condition, and asyncio wraps it in a second future chained to the first: more work
    than many small queries take to run. Here a call is one asyncio future and one queue.
    """

    def __init__(self, count: int, name: str) -> None:
        self.count = count
        self.name = name
        self._calls: queue.SimpleQueue[_Call] | None = None

    def call(self, function: Callable[..., T], *args: object) -> asyncio.Future[T]:
        """`function(*args)` in one of the threads; its result or exception is the future's."""
        if self._calls is None:
            self._calls = queue.SimpleQueue()
            for index in range(self.count):
                name = f"{self.name}-{index}"
                threading.Thread(target=_work, args=(self._calls,), name=name, daemon=True).start()
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._calls.put((future, function, args))
        return future


_Call = tuple["asyncio.Future[Any]", Callable[..., Any], tuple[object, ...]]


def _work(calls: queue.SimpleQueue[_Call]) -> None:
    while True:
        future, function, args = calls.get()
        loop = future.get_loop()
        try:
            result = function(*args)
        except BaseException as error:  # handed to the caller, as a thread pool does
            loop.call_soon_threadsafe(_settle, future, None, error)
        else:
            loop.call_soon_threadsafe(_settle, future, result, None)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the caller has gone: nobody is waiting for it
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class Lane:
    """Runs functions in worker threads, at most `running` at once and `waiting` queued.

    Plain asyncio: a semaphore for the places and `running` threads of its own. anyio's
    `to_thread.run_sync` took two capacity limiters (the lane's and its own default) and
    a cancel scope on every call, a sizeable share of a small query's whole answer.
    """

    def __init__(self, name: str, limits: LaneLimits, retry_after: int) -> None:
        self.name = name
        self.limits = limits
        self.retry_after = retry_after
        self._places: asyncio.Semaphore | None = None
        self.workers = Workers(limits.running, f"regkg-{name}")
        # Running and waiting, counted here as they are admitted: the semaphore counts a
        # waiter only once its task has run up to the wait, after other requests checked.
        self.admitted = 0

    @property
    def places(self) -> asyncio.Semaphore:
        # Made on first use: a semaphore belongs to the event loop it is first used on.
        if self._places is None:
            self._places = asyncio.Semaphore(self.limits.running)
        return self._places

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` in a worker thread once the lane has room; `Busy` if full."""
        async with self.slot():
            done = self.workers.call(function, *args)
            try:
                return await asyncio.shield(done)
            except asyncio.CancelledError:
                # A thread cannot be stopped: its place stays taken until it has finished,
                # and only then does the cancellation go on.
                await _settled(done)
                raise

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the lane's places (waiting for one if need be) while work that runs
        in a worker thread goes on; `Busy` at once if too many are waiting already."""
        if self.admitted >= self.limits.running + self.limits.waiting:
            raise Busy(self.name, self.retry_after)
        self.admitted += 1
        try:
            async with self.places:
                yield
        finally:
            self.admitted -= 1


async def _settled(future: asyncio.Future[Any]) -> None:
    """Wait until `future` is done, through any cancellation, and take its outcome so that
    an exception nobody waits for any more is not reported as lost."""
    while not future.done():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait([future])
    if not future.cancelled():
        future.exception()


class Executions:
    """The cheap and costly lanes, chosen by a query's measured cost."""

    def __init__(
        self, cheap_cost: int, cheap: LaneLimits, costly: LaneLimits, retry_after: int = 1
    ) -> None:
        self.cheap_cost = cheap_cost
        self.cheap = Lane("cheap", cheap, retry_after)
        self.costly = Lane("costly", costly, retry_after)

    def lane(self, cost: int) -> Lane:
        return self.cheap if cost <= self.cheap_cost else self.costly
