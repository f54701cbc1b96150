"""`server.py --workers 2`: one process loads the graph, two forked workers answer on one
port, and SIGTERM stops them all."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.procs import child_pids, free_port, healthy
from web.prefork import BALANCED_PORTS, listening_sockets

ROOT = Path(__file__).resolve().parents[2]
QUERY = json.dumps({"query": '{ substance(id: "substance:x") { name } }'})

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir() or not hasattr(os, "fork"),
    reason="forked workers and /proc are Linux-only",
)


@contextmanager
def _server(
    tiny_dir: Path, log_path: Path, *flags: str
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`server.py --workers 2` on the tiny data, once both workers run and it answers."""
    port = free_port()
    log = log_path.open("wb")
    command = [sys.executable, str(ROOT / "server.py"), "--data", str(tiny_dir), *flags]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"], stdout=log, stderr=log, cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 60
        while len(child_pids(process.pid)) < 2 or not healthy(port):
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the workers did not start within 60 s"
            time.sleep(0.1)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture
def two_workers(tiny_dir: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    with _server(tiny_dir, tmp_path / "server.log") as started:
        yield started


def _server_side_inode(server_port: int, client_port: int) -> str:
    """The inode of the accepted socket whose peer is `client_port`, from /proc/net/tcp."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        columns = line.split()
        local_port = int(columns[1].split(":")[1], 16)
        remote_port = int(columns[2].split(":")[1], 16)
        if (local_port, remote_port) == (server_port, client_port):
            return columns[9]
    raise AssertionError(f"no accepted connection from port {client_port}")


def _holder(pids: list[int], inode: str) -> int:
    """Which of `pids` has the socket `inode` open."""
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue  # closed meanwhile
    raise AssertionError(f"no worker holds socket {inode}")


def test_two_forked_workers_both_answer_and_stop_together(
    two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = two_workers
    workers = child_pids(process.pid)
    assert len(workers) == 2
    answered_by: set[int] = set()
    connections: list[http.client.HTTPConnection] = []
    try:
        # The kernel gives each new connection to whichever worker accepts first: open
        # connections, keeping them, until both workers have answered one (a bounded number).
        for _ in range(200):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connections.append(connection)
            connection.request("POST", "/graphql", QUERY, {"content-type": "application/json"})
            response = connection.getresponse()
            assert response.status == 200
            assert json.loads(response.read())["data"] == {"substance": {"name": "Drugxamine"}}
            assert connection.sock is not None
            inode = _server_side_inode(port, connection.sock.getsockname()[1])
            answered_by.add(_holder(workers, inode))
            if answered_by == set(workers):
                break
    finally:
        for connection in connections:
            connection.close()
    assert answered_by == set(workers)

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    for worker in workers:
        assert not Path(f"/proc/{worker}").exists() or _zombie_or_gone(worker)


def test_the_parent_lets_the_graph_go_once_the_workers_run(
    two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    # It replaced itself with the bare supervisor (same pid: the workers are its children),
    # so the pages of the graph that both workers copied are not held a third time.
    process, _ = two_workers
    command = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
    assert command[2].endswith(b"web/supervise.py")
    resident_kb = int(
        next(
            line.split()[1]
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines()
            if line.startswith("VmRSS:")
        )
    )
    worker_kb = int(
        next(
            line.split()[1]
            for line in Path(f"/proc/{child_pids(process.pid)[0]}/status").read_text().splitlines()
            if line.startswith("VmRSS:")
        )
    )
    assert resident_kb < worker_kb / 2


def _zombie_or_gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_workers_must_be_at_least_one(tiny_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "server.py"), "--data", str(tiny_dir), "--workers", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--workers must be at least 1" in done.stderr


def _ask(port: int) -> None:
    """Ask one query on a new connection, and check its answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/graphql", QUERY, {"content-type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["data"] == {"substance": {"name": "Drugxamine"}}
    finally:
        connection.close()


def test_a_killed_worker_is_replaced_and_the_server_keeps_serving(
    two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = two_workers
    victim, survivor = child_pids(process.pid)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        workers = child_pids(process.pid)
        if len(workers) == 2 and victim not in workers:
            break
        assert process.poll() is None, "the server stopped when a worker was killed"
        assert time.monotonic() < deadline, f"no new worker within 60 s: {workers}"
        time.sleep(0.1)
    assert survivor in workers
    # Connections the kernel gives to the new worker's socket wait for it: every one of
    # these is answered, whichever worker it reaches.
    for _ in range(20):
        _ask(port)
    assert process.poll() is None


def test_no_access_line_unless_asked_for(tiny_dir: Path, tmp_path: Path) -> None:
    line = '"POST /graphql HTTP/1.1" 200'
    with _server(tiny_dir, tmp_path / "quiet.log") as (process, port):
        _ask(port)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    quiet = (tmp_path / "quiet.log").read_text()
    assert "Application startup complete" in quiet
    assert line not in quiet
    with _server(tiny_dir, tmp_path / "logged.log", "--access-log") as (process, port):
        _ask(port)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert line in (tmp_path / "logged.log").read_text()


def test_a_port_in_use_is_refused_even_to_a_shared_port_holder() -> None:
    holder = socket.socket()
    if BALANCED_PORTS:  # as another regkg with workers would hold it
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        with pytest.raises(OSError, match="in use"):
            listening_sockets("127.0.0.1", holder.getsockname()[1], 2)
    finally:
        holder.close()


def test_each_worker_gets_a_socket_of_its_own_on_one_port() -> None:
    sockets = listening_sockets("127.0.0.1", 0, 3)
    try:
        ports = {sock.getsockname()[1] for sock in sockets}
        assert len(ports) == 1
        assert len(sockets) == (3 if BALANCED_PORTS else 1)
    finally:
        for sock in sockets:
            sock.close()


def test_workers_stop_when_their_supervisor_is_killed(
    two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = two_workers
    workers = child_pids(process.pid)
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 30
    while not all(_zombie_or_gone(worker) for worker in workers):
        assert time.monotonic() < deadline, "orphaned workers still running after 30 s"
        time.sleep(0.1)
    assert not healthy(port)
