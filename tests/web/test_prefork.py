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
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUERY = json.dumps({"query": '{ substance(id: "substance:x") { name } }'})

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir() or not hasattr(os, "fork"),
    reason="forked workers and /proc are Linux-only",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


@pytest.fixture
def two_workers(tiny_dir: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    command = [sys.executable, str(ROOT / "server.py"), "--data", str(tiny_dir)]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"], stdout=log, stderr=log, cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 60
        while len(_children(process.pid)) < 2 or not _answers(port):
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the workers did not start within 60 s"
            time.sleep(0.1)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


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
    workers = _children(process.pid)
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
