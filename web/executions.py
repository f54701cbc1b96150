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
import sys
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Final, TypeVar

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


class Lane:
    """Runs functions in worker threads, at most `running` at once and `waiting` queued.

    Plain asyncio: a semaphore for the places and a pool of `running` threads. anyio's
    `to_thread.run_sync` took two capacity limiters (the lane's and its own default) and
    a cancel scope on every call, a sizeable share of a small query's whole answer.
    """

    def __init__(self, name: str, limits: LaneLimits, retry_after: int) -> None:
        self.name = name
        self.limits = limits
        self.retry_after = retry_after
        self._places: asyncio.Semaphore | None = None
        self._threads: ThreadPoolExecutor | None = None
        # Running and waiting, counted here as they are admitted: the semaphore counts a
        # waiter only once its task has run up to the wait, after other requests checked.
        self.admitted = 0

    @property
    def places(self) -> asyncio.Semaphore:
        # Made on first use: a semaphore belongs to the event loop it is first used on.
        if self._places is None:
            self._places = asyncio.Semaphore(self.limits.running)
        return self._places

    @property
    def threads(self) -> ThreadPoolExecutor:
        # Made on first use, so that a server's forked workers each start their own.
        if self._threads is None:
            self._threads = ThreadPoolExecutor(self.limits.running, f"regkg-{self.name}")
        return self._threads

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` in a worker thread once the lane has room; `Busy` if full."""
        async with self.slot():
            done = asyncio.wrap_future(self.threads.submit(function, *args))
            try:
                return await asyncio.shield(done)
            except asyncio.CancelledError:
                # A thread cannot be stopped: its place stays taken until it has finished,
                # and only then does the cancellation go on.
                while not done.done():
                    with contextlib.suppress(asyncio.CancelledError):
                        await asyncio.shield(done)
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
