"""Serve one ASGI app from several processes that share its memory.

uvicorn's own `--workers` starts each worker as a fresh interpreter that loads the graph
again, so N workers hold N copies. Here the caller loads the graph once; this module
freezes it out of the garbage collector's reach (a collection would write to every
object's header and so copy every page), binds one listening socket, and forks the
workers, each running `uvicorn.Server` on that socket: the graph's pages stay shared
copy-on-write, and the kernel hands each new connection to whichever worker accepts it.

The parent only supervises: it restarts a worker that dies after it has been serving a
while, and on SIGTERM or SIGINT stops them all and waits for them to finish their requests.
POSIX only (fork).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Final, NoReturn

import uvicorn
from starlette.types import ASGIApp

# A worker that dies sooner than this after being started failed to start, and starting
# it again would fail again: the supervisor gives up instead of looping.
STARTUP_GRACE_SECONDS: Final = 10.0
BACKLOG: Final = 2048

logger = logging.getLogger("uvicorn.error")


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket the forked workers inherit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=BACKLOG)
    sock.set_inheritable(True)
    return sock


@dataclass
class Supervisor:
    """Forks `workers` processes serving `app` on `sock`, and keeps them running."""

    app: ASGIApp
    sock: socket.socket
    workers: int
    options: dict[str, Any] = field(default_factory=dict)  # uvicorn.Config's, but the address
    started: dict[int, float] = field(default_factory=dict)  # pid -> monotonic start
    stopping: bool = False

    def run(self) -> int:
        """Serve until told to stop; the exit status for the command line."""
        # Everything allocated so far (the graph above all) lives as long as the process:
        # moved to the permanent generation, no worker's collection touches its pages.
        gc.collect()
        gc.freeze()
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(self.workers):
            self._spawn()
        status = 0
        while self.started:
            try:
                pid, code = os.wait()
            except ChildProcessError:
                break
            began = self.started.pop(pid, None)
            if began is None or self.stopping:
                continue
            lived = time.monotonic() - began
            logger.error("worker %d exited (%s) after %.1f s", pid, _describe(code), lived)
            if lived < STARTUP_GRACE_SECONDS:
                logger.error("a worker failed while starting: stopping the others")
                status = 1
                self._stop(signal.SIGTERM, None)
                continue
            self._spawn()
        self.sock.close()
        return status

    def _spawn(self) -> None:
        pid = os.fork()
        if pid == 0:
            _serve_in_child(self.app, self.sock, self.options)
        self.started[pid] = time.monotonic()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        for pid in list(self.started):
            with contextlib.suppress(ProcessLookupError):  # gone already: os.wait() has it
                os.kill(pid, signal.SIGTERM)


def _serve_in_child(app: ASGIApp, sock: socket.socket, options: dict[str, Any]) -> NoReturn:
    """A worker: uvicorn on the shared socket until SIGTERM or SIGINT. Never returns into
    the parent's code."""
    # uvicorn re-raises the signal that stopped it once it has shut down: with the default
    # handlers, the worker then ends as a worker stopped by that signal should.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    status = 0
    try:
        config = uvicorn.Config(app, **options, lifespan="on")
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)


def _describe(code: int) -> str:
    if os.WIFSIGNALED(code):
        return f"signal {signal.Signals(os.WTERMSIG(code)).name}"
    return f"status {os.waitstatus_to_exitcode(code)}"


def serve(app: ASGIApp, options: dict[str, Any], workers: int) -> int:
    """Serve `app` from `workers` forked processes, each a uvicorn with `options` (the
    keyword arguments of `uvicorn.run`, `host` and `port` included); the exit status."""
    if not hasattr(os, "fork"):
        print("regkg: --workers needs fork(), which this system lacks", file=sys.stderr)
        return 2
    config = dict(options)
    sock = listening_socket(config.pop("host", "127.0.0.1"), config.pop("port", 8000))
    return Supervisor(app, sock, workers, config).run()
