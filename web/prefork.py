"""Serve one ASGI app from several processes that share its memory.

uvicorn's own `--workers` starts each worker as a fresh interpreter that loads the graph
again, so N workers hold N copies. Here the caller loads the graph once; this module
prepares everything the workers have in common (uvicorn's configuration, its protocol and
event loop modules), freezes it all out of the garbage collector's reach (a collection
would write to every object's header and so copy every page), and forks the workers: the
graph's pages stay shared copy-on-write.

Each worker accepts on a listening socket of its own, all bound to the one port with
SO_REUSEPORT, so the kernel spreads new connections evenly across the workers. With one
shared socket, a burst of connections goes to whichever worker wakes first, which takes
them all (the event loop accepts until none is left): a few busy clients could load one
worker while the other idled. The parent keeps every worker's socket open, so connections
that arrive for a worker being restarted wait in its queue instead of failing. Where the
kernel does not balance SO_REUSEPORT sockets (not Linux), the workers share one socket.

Once the workers are forked, the parent replaces itself (exec, same pid) with the bare
supervisor of web/supervise.py: kept, its memory would hold the original of every page
that both workers had copied, a third copy serving nobody. The supervisor restarts a
worker that dies after it was ready to serve (as a process of its own that loads the
graph from its snapshot: `serve_on`), and on SIGTERM or SIGINT stops them all and waits
for them to finish their requests. A worker that dies before it was ready would fail
again: the supervisor stops the server instead. Workers whose parent is killed outright
stop by themselves. POSIX only (fork).
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import sys
import traceback
from collections.abc import Sequence
from typing import Any, Final, NoReturn

import uvicorn
from starlette.types import ASGIApp

from web import supervise

BACKLOG: Final = 2048
READY: Final = supervise.READY  # written by a worker once it accepts connections
# Linux spreads connections across SO_REUSEPORT sockets by a hash of their addresses;
# elsewhere the option only lets sockets share a port (or hands everything to one).
BALANCED_PORTS: Final = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")

logger = logging.getLogger("uvicorn.error")


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """Listening TCP sockets on (host, port) for `count` workers: one each where the kernel
    balances connections across them, else one for all. A port already in use is refused,
    as it is for a single socket, even if its holder also set SO_REUSEPORT."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Bound without SO_REUSEPORT, this fails if anything listens on the port: another
    # regkg, started twice by mistake, must not silently take half the connections.
    first = socket.create_server((host, port), family=family, backlog=BACKLOG)
    if count == 1 or not BALANCED_PORTS:
        first.set_inheritable(True)
        return [first]
    port = first.getsockname()[1]  # the port chosen, when asked for port 0
    first.close()
    sockets = [
        socket.create_server((host, port), family=family, backlog=BACKLOG, reuse_port=True)
        for _ in range(count)
    ]
    for sock in sockets:
        sock.set_inheritable(True)
    return sockets


def fork_workers(
    config: uvicorn.Config, sockets: list[socket.socket], workers: int, restart: Sequence[str]
) -> NoReturn:
    """Fork `workers` processes serving `config`'s app on `sockets`, then become their
    supervisor (web/supervise.py, by exec: this process's memory, the graph's originals
    above all, is let go). `restart` is the command that serves on one socket."""
    # Everything allocated so far (the graph above all) lives as long as the workers:
    # moved to the permanent generation, no worker's collection touches its pages.
    gc.collect()
    gc.freeze()
    supervision = supervise.Supervision([sock.fileno() for sock in sockets], list(restart))
    # A signal while forking is passed on: the supervisor starts out stopping them.
    signal.signal(signal.SIGTERM, supervision.stop)
    signal.signal(signal.SIGINT, supervision.stop)
    for slot in range(workers):
        ready, tell = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready)
            _serve_in_child(config, sockets[slot % len(sockets)], tell)
        os.close(tell)
        supervision.running[pid] = supervise.Worker(slot, ready)
    for worker in supervision.running.values():
        os.set_inheritable(worker.ready, True)
    sys.stdout.flush()
    sys.stderr.flush()
    # Held back over the exec (a signal mask survives it) until the supervisor has its
    # handlers: one arriving while it starts would otherwise kill it, not stop the workers.
    signal.pthread_sigmask(signal.SIG_BLOCK, supervise.STOP_SIGNALS)
    # Isolated (-I): nothing beside the script or in the environment changes what it runs.
    program = [sys.executable, "-I", supervise.__file__, supervise.state_of(supervision)]
    os.execv(program[0], program)


class _WorkerServer(uvicorn.Server):
    """uvicorn, telling the supervisor once it accepts connections, and stopping (after
    its requests) if the supervisor is gone."""

    def __init__(self, config: uvicorn.Config, tell: int) -> None:
        super().__init__(config)
        self.tell = tell
        self.supervisor = os.getppid()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            os.write(self.tell, READY)
            os.close(self.tell)

    async def on_tick(self, counter: int) -> bool:
        # A supervisor killed outright (SIGKILL, the OOM killer) cannot stop its workers:
        # orphaned, they would hold the port with nobody to restart or stop them.
        if os.getppid() != self.supervisor:
            self.should_exit = True
        return await super().on_tick(counter)


def _serve_in_child(config: uvicorn.Config, sock: socket.socket, tell: int) -> NoReturn:
    """A worker: uvicorn on `sock` until SIGTERM or SIGINT. Never returns into the
    parent's code."""
    # uvicorn re-raises the signal that stopped it once it has shut down: with the default
    # handlers, the worker then ends as a worker stopped by that signal should.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    status = 0
    try:
        _WorkerServer(config, tell).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)


def serve(app: ASGIApp, options: dict[str, Any], workers: int, restart: Sequence[str]) -> int:
    """Serve `app` from `workers` forked processes, each a uvicorn with `options` (the
    keyword arguments of `uvicorn.run`, `host` and `port` included); the exit status.
    `restart` is the command that starts a worker anew (`serve_on`, in a process of its
    own), with `--serve-fd FD --ready-fd FD` added."""
    if not hasattr(os, "fork"):
        print("regkg: --workers needs fork(), which this system lacks", file=sys.stderr)
        return 2
    config = dict(options)
    host, port = config.pop("host", "127.0.0.1"), config.pop("port", 8000)
    sockets = listening_sockets(host, port, workers)
    # Made and loaded here, once, so that its modules and objects are shared by the workers
    # rather than made again in each.
    prepared = uvicorn.Config(app, **config, lifespan="on")
    prepared.load()
    prepared.get_loop_factory()  # imports the event loop's module (uvloop) now
    fork_workers(prepared, sockets, workers, restart)


def serve_on(app: ASGIApp, options: dict[str, Any], fd: int, tell: int) -> NoReturn:
    """A worker started anew by the supervisor: serve `app` on the listening socket `fd`,
    and write `READY` to `tell` once accepting."""
    config = {k: v for k, v in options.items() if k not in ("host", "port")}
    prepared = uvicorn.Config(app, **config, lifespan="on")
    _serve_in_child(prepared, socket.socket(fileno=fd), tell)
