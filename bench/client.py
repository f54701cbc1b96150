"""A load client cheap enough not to hide the server: raw HTTP/1.1 on one keep-alive
socket per process, each process apart from the benchmark and the server.

An httpx round trip costs the client about 0.85 ms of the same two cores the server
runs on; this one sends prepared bytes and reads the answer by its Content-Length, a few
tens of microseconds. `drive` starts one process per connection (this file, run as a
script, reading its `Job` from stdin), starts them together, and gathers what each timed.
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import pickle
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

HOST: Final = "127.0.0.1"
# Seconds for the client processes to start, all at once: a fixed part and one for each.
START_DELAY: Final = 1.0
START_DELAY_EACH: Final = 0.1
TIMEOUT: Final = 120.0


@dataclass(frozen=True)
class Job:
    """What one client process does: send `requests` in order on one connection."""

    port: int
    requests: Sequence[bytes]
    start_at: float = 0.0  # time.monotonic() to begin at, shared by the processes


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)  # seconds, in order
    began: float = 0.0  # time.monotonic()
    ended: float = 0.0
    body_bytes: int = 0  # of the last answer
    last_body: bytes = b""
    cpu_seconds: float = 0.0  # this client process's own, over the requests


class BadAnswer(RuntimeError):
    pass


def request(method: str, path: str, body: bytes = b"", headers: Sequence[str] = ()) -> bytes:
    """The bytes of one HTTP/1.1 request to 127.0.0.1."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", *headers]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def post_json(path: str, body: bytes) -> bytes:
    return request(
        "POST", path, body, ("Content-Type: application/json", "Accept: application/json")
    )


def read_answer(sock: socket.socket, pending: bytearray) -> tuple[int, bytes]:
    """Status and body of the next answer on `sock`; `pending` keeps bytes read past it."""
    while (end := pending.find(b"\r\n\r\n")) < 0:
        _receive(sock, pending)
    head = bytes(pending[:end]).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    length = 0
    for line in head[1:]:
        name, _, value = line.partition(":")
        lowered = name.strip().lower()
        if lowered == "content-length":
            length = int(value)
        elif lowered == "transfer-encoding":
            raise BadAnswer("chunked answers are not read by this client")
    start = end + 4
    while len(pending) < start + length:
        _receive(sock, pending)
    body = bytes(pending[start : start + length])
    del pending[: start + length]
    return status, body


def _receive(sock: socket.socket, pending: bytearray) -> None:
    chunk = sock.recv(1 << 18)
    if not chunk:
        raise BadAnswer("the server closed the connection")
    pending += chunk


def run(job: Job) -> Outcome:
    """Do `job` in this process."""
    outcome = Outcome()
    # Connect only when the run begins: a connection opened while the other processes start
    # would sit idle for seconds, and the server closes those (its read timeout).
    time.sleep(max(0.0, job.start_at - time.monotonic()))
    with socket.create_connection((HOST, job.port), timeout=TIMEOUT) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = bytearray()
        outcome.began = time.monotonic()
        cpu = time.process_time()
        clock = time.perf_counter
        for raw in job.requests:
            start = clock()
            sock.sendall(raw)
            status, body = read_answer(sock, pending)
            outcome.latencies.append(clock() - start)
            if status != 200:
                raise BadAnswer(f"HTTP {status}: {body[:300]!r}")
        outcome.ended = time.monotonic()
        outcome.cpu_seconds = time.process_time() - cpu
        outcome.body_bytes = len(body) if job.requests else 0
        outcome.last_body = body if job.requests else b""
    return outcome


def drive(jobs: Sequence[Job]) -> list[Outcome]:
    """Run each job in its own process, all starting together; their outcomes in order."""
    start_at = time.monotonic() + START_DELAY + START_DELAY_EACH * len(jobs)
    processes = []
    for job in jobs:
        process = subprocess.Popen(
            [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert process.stdin is not None
        # Plain values both ways: the process runs this file as __main__, where the
        # classes have other names.
        process.stdin.write(pickle.dumps((job.port, list(job.requests), start_at)))
        process.stdin.close()
        processes.append(process)
    outcomes = []
    for process in processes:
        assert process.stdout is not None
        output = process.stdout.read()
        if process.wait(timeout=TIMEOUT) != 0:
            raise BadAnswer("a client process failed (its error is above)")
        process.stdout.close()
        outcomes.append(Outcome(**pickle.loads(output)))
    return outcomes


def main() -> int:
    port, requests, start_at = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(pickle.dumps(vars(run(Job(port, requests, start_at)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
