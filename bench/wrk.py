"""Many connections of new POST requests from wrk, where it is installed (Debian's `wrk`).

The raw-socket client (client.py) is one Python process per connection: at 16 connections
those processes take a share of a 2-core machine's CPU that the servers then lack. wrk
keeps every connection in one event loop in C. Its Lua script (LUA below) sends each body
of a file once, so every request misses regkg's response cache; each wrk thread takes its
own share of the bodies and stops once it has been answered that many times: the run is
bounded by a count (and, should the server stall, by `DEADLINE_SECONDS`). Only 127.0.0.1
is contacted.
"""

from __future__ import annotations

import resource
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

HOST: Final = "127.0.0.1"
THREADS: Final = 1  # one event loop keeps up with thousands of answers a second
DEADLINE_SECONDS: Final = 300
MARK: Final = "regkg-wrk"

# Thread `id` of `threads` takes bodies id, id + threads, ... of the file; a connection
# still waiting when the thread stops was sent a spare body (one per connection is added
# for that), so no body is ever sent twice.
LUA: Final = r"""
local threads = {}
local bodies = {}
local next_body = 1
local answered = 0
local wanted = 0
bad = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path, count, spare = args[1], tonumber(args[2]), tonumber(args[3])
  local index = 0
  for line in io.lines(path) do
    if index % count == id then table.insert(bodies, line) end
    index = index + 1
  end
  wanted = #bodies - spare
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function request()
  local body = bodies[next_body]
  next_body = next_body + 1
  if body == nil then body = "" end
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
  if answered == wanted then
    -- wrk's main thread sleeps out its --duration; told by this line, the caller ends
    -- that sleep with SIGINT once every thread has had its answers.
    io.write("THREAD_DONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  for _, thread in ipairs(threads) do failed = failed + thread:get("bad") end
  io.write(string.format("%s %d %d %d %d %d\n", "MARK", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), failed))
end
"""


@dataclass(frozen=True)
class Run:
    requests: int  # answered
    seconds: float  # from the first request sent to the last answer
    p50_ms: float
    p99_ms: float
    cpu_seconds: float  # wrk's own user and system time


class Failed(RuntimeError):
    pass


def binary() -> str | None:
    return shutil.which("wrk")


def post_each(
    port: int, path: str, bodies: Sequence[bytes], connections: int, executable: str
) -> Run:
    """POST each of `bodies` (JSON, one line each) once to `path` on `connections`
    connections; fails if any answer is not a 200 holding data without errors."""
    if any(b"\n" in body for body in bodies):
        raise ValueError("each body must be one line")
    connections = max(1, min(connections, len(bodies)))
    threads = min(THREADS, connections)
    with tempfile.TemporaryDirectory(prefix="regkg-wrk-") as scratch:
        folder = Path(scratch)
        script = folder / "post_each.lua"
        script.write_text(LUA.replace('"MARK"', f'"{MARK}"'))
        lines = folder / "bodies"
        # Each thread needs one spare body per connection: see LUA.
        spare = connections // threads
        lines.write_bytes(b"".join(body + b"\n" for body in _with_spares(bodies, threads, spare)))
        command = [
            executable,
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={DEADLINE_SECONDS}s",
            "--timeout=60s",
            f"--script={script}",
            f"http://{HOST}:{port}{path}",
            "--",
            str(lines),
            str(threads),
            str(spare),
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        output, errors, status = _run_until_answered(command, threads)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = [line for line in output.splitlines() if line.startswith(MARK + " ")]
    if status != 0 or not found:
        raise Failed(f"wrk failed ({status}):\n{output}\n{errors}")
    requests, micros, p50, p99, failed = (int(v) for v in found[-1].split()[1:])
    if failed:
        raise Failed(f"{failed} of {requests} answers were not 200 with data:\n{output}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(requests, micros / 1e6, p50 / 1000, p99 / 1000, cpu)


def _run_until_answered(command: list[str], threads: int) -> tuple[str, str, int]:
    """Run wrk until each of its `threads` says it has had its answers (or its --duration
    is over); its output, errors and exit status."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines = []
    finished = 0
    for line in process.stdout:  # ends by the deadline at worst: wrk stops by itself then
        lines.append(line)
        if line.strip() == "THREAD_DONE":
            finished += 1
            if finished == threads:
                process.send_signal(signal.SIGINT)  # wrk then reports and exits
                break
    rest, errors = process.communicate(timeout=60)
    return "".join(lines) + rest, errors, process.returncode


def _with_spares(bodies: Sequence[bytes], threads: int, spare: int) -> list[bytes]:
    """`bodies` followed by `spare` more for each thread, made distinct from them and each
    other by a field added to the JSON object (so they too miss the response cache)."""
    extra = []
    for index in range(threads * spare):
        base = bodies[index % len(bodies)]
        extra.append(base[:-1] + b',"extensions":{"spare":%d}}' % index)
    return [*bodies, *extra]
