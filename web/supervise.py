"""The parent of `--workers N` once its workers run: a bare interpreter that keeps them.

The process that loaded the graph and forked the workers replaces itself with this one
(exec, same pid, so the workers stay its children). Otherwise it would keep the original
of every page of the graph: each worker copies the pages whose objects it reads (reading
a Python object writes its reference count), and a page both workers had copied would be
held three times, the parent's copy serving nobody. This program imports nothing of
regkg's and holds a few megabytes.

It restarts a worker that dies after it was ready to serve: the new one is a process of
its own that loads the graph from its snapshot (it shares none of it), on the dead
worker's socket, where connections waited meanwhile. A worker that dies before it was
ready would fail again: the others are stopped. SIGTERM or SIGINT stops them all, after
their requests. Standard library only: run as a script, with its state as JSON.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from types import FrameType
from typing import Final

READY: Final = b"+"  # written by a worker once it accepts connections (web/prefork.py)
STOP_SIGNALS: Final = frozenset({signal.SIGTERM, signal.SIGINT})


@dataclass
class Worker:
    slot: int  # index of its socket
    ready: int  # read end of the pipe it writes `READY` to


@dataclass
class Supervision:
    sockets: list[int]  # listening socket descriptors, by slot
    restart: list[str]  # the command that serves on one socket: + --serve-fd, --ready-fd
    running: dict[int, Worker] = field(default_factory=dict)  # by pid
    stopping: bool = False

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self.stop)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked over the exec
        status = 0
        while self.running:
            try:
                pid, code = os.wait()
            except ChildProcessError:
                break
            worker = self.running.pop(pid, None)
            if worker is None:
                continue
            was_ready = was_ready_before_exit(worker.ready)
            if self.stopping:
                continue
            say(f"worker {pid} exited ({describe(code)})")
            if not was_ready:
                say("a worker failed while starting: stopping the others")
                status = 1
                self.stop(signal.SIGTERM, None)
                continue
            self.spawn(worker.slot)
        for fd in self.sockets:
            with contextlib.suppress(OSError):
                os.close(fd)
        return status

    def spawn(self, slot: int) -> None:
        ready, tell = os.pipe()
        sock = self.sockets[slot % len(self.sockets)]
        pid = os.fork()
        if pid == 0:
            os.close(ready)
            os.set_inheritable(tell, True)
            command = [*self.restart, "--serve-fd", str(sock), "--ready-fd", str(tell)]
            try:
                os.execv(command[0], command)
            finally:
                os._exit(127)
        os.close(tell)
        self.running[pid] = Worker(slot, ready)

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        for pid in list(self.running):
            with contextlib.suppress(ProcessLookupError):  # gone already: os.wait() has it
                os.kill(pid, signal.SIGTERM)


def was_ready_before_exit(ready: int) -> bool:
    """Whether the worker wrote `READY` before it exited (its end of the pipe is closed)."""
    os.set_blocking(ready, False)
    try:
        return os.read(ready, 1) == READY
    except BlockingIOError:
        return False
    finally:
        os.close(ready)


def describe(code: int) -> str:
    if os.WIFSIGNALED(code):
        return f"signal {signal.Signals(os.WTERMSIG(code)).name}"
    return f"status {os.waitstatus_to_exitcode(code)}"


def say(message: str) -> None:
    # The format of uvicorn's own error lines, which the workers write to the same stream.
    print(f"ERROR:    {message}", file=sys.stderr, flush=True)


def state_of(supervision: Supervision) -> str:
    """What `main` needs to carry on `supervision` after an exec, as JSON."""
    return json.dumps(
        {
            "sockets": supervision.sockets,
            "restart": supervision.restart,
            "workers": [[pid, w.slot, w.ready] for pid, w in supervision.running.items()],
            "stopping": supervision.stopping,
        }
    )


def main(argv: list[str]) -> int:
    state = json.loads(argv[1])
    supervision = Supervision(list(state["sockets"]), list(state["restart"]))
    supervision.running = {pid: Worker(slot, ready) for pid, slot, ready in state["workers"]}
    if state["stopping"]:
        supervision.stop(signal.SIGTERM, None)
    return supervision.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
