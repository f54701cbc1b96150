"""Server processes for the benchmark: start one, time it to its first 200, read its
memory from /proc, stop it."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

HOST: Final = "127.0.0.1"
READY_SECONDS: Final = 1200.0  # loading a million records from YAML takes minutes
POLL_SECONDS: Final = 0.05


@dataclass(frozen=True)
class Started:
    process: subprocess.Popen[bytes]
    port: int
    ready_seconds: float  # process start to the first 200 from /healthz


@dataclass(frozen=True)
class Memory:
    """Megabytes: resident, proportional (shared pages split between their users) and
    unique (pages no other process maps), summed over a process and its children; and
    the largest resident size the main process reached."""

    rss: float
    pss: float
    uss: float
    peak_rss: float
    processes: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(command: Sequence[str], log: Path, children: int = 0) -> Iterator[Started]:
    """Start `command` plus ``--port N``; yield once it answers /healthz (and has
    `children` child processes). The process is always stopped."""
    port = free_port()
    with log.open("wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen([*command, "--port", str(port)], stdout=output, stderr=output)
    try:
        deadline = start + READY_SECONDS
        while not (healthy(port) and len(child_pids(process.pid)) >= children):
            if process.poll() is not None:
                tail = log.read_text("utf-8", "replace")[-3000:]
                raise RuntimeError(f"{command[1]} exited with {process.returncode}:\n{tail}")
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{command[1]} did not answer within {READY_SECONDS} s")
            time.sleep(POLL_SECONDS)
        yield Started(process, port, time.perf_counter() - start)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def healthy(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def child_pids(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _kilobytes(path: Path, names: Sequence[str]) -> dict[str, int]:
    found = dict.fromkeys(names, 0)
    for line in path.read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in found:
            found[name] = int(rest.split()[0])
    return found


def memory(pid: int) -> Memory:
    """The memory of `pid` and its children, from /proc/PID/smaps_rollup."""
    pids = [pid, *child_pids(pid)]
    rss = pss = uss = 0
    for each in pids:
        fields = ("Rss", "Pss", "Private_Clean", "Private_Dirty")
        kb = _kilobytes(Path(f"/proc/{each}/smaps_rollup"), fields)
        rss += kb["Rss"]
        pss += kb["Pss"]
        uss += kb["Private_Clean"] + kb["Private_Dirty"]
    peak = _kilobytes(Path(f"/proc/{pid}/status"), ("VmHWM",))["VmHWM"]
    return Memory(rss / 1024, pss / 1024, uss / 1024, peak / 1024, len(pids))


def cpu_seconds(pid: int) -> float:
    """User and system CPU time `pid` has used so far, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time every process on the machine has used since boot (all cores, busy time:
    neither idle nor waiting for input or output), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    # user nice system idle iowait irq softirq steal, in clock ticks
    busy = sum(int(fields[i]) for i in (0, 1, 2, 5, 6, 7))
    return busy / os.sysconf("SC_CLK_TCK")
