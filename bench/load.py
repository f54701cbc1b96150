"""Cheap queries under load: do they keep flowing while heavy, legal queries run?

    python bench/load.py                   # 10 s per phase, on the bundled data
    python bench/load.py --seconds 5 --cheap 8 --heavy 4

regkg is started with `server.py` in a subprocess on 127.0.0.1. Two phases of the same
length follow:

- alone: `--cheap` clients, half of them asking a cached question (the same document
  every time, answered from the response cache), half an uncached one (a new variable
  each time, so every request is executed);
- loaded: the same cheap clients, and `--heavy` clients asking legal heavy questions
  (neighbourhoods of depth 3 with every entity's sources, two of them in one query, the
  conflicts with their claims and quotes), each with new variables, so never cached.

Each client keeps one connection open and sends its next request when the answer has
come. Printed: requests per second and latency percentiles of the cheap questions in
each phase, and the ratios loaded/alone; the target is that cheap questions keep at
least half their throughput. Nothing is asserted: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import orjson

if not __package__:  # run as `python bench/load.py`: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import procs

ROOT: Final = Path(__file__).resolve().parent.parent
HOST: Final = "127.0.0.1"

CACHED: Final = "{ meta { dataVersion } }"
UNCACHED: Final = "query Cheap($id: String!) { entity(id: $id) { regkgId } }"
NEIGHBOURHOODS: Final = """query Heavy($a: String!, $b: String!) {
  a: neighborhood(id: $a, depth: 3) { nodes { regkgId ... on Sourced { sources { quote } } }
    edges { source target relation } }
  b: neighborhood(id: $b, depth: 3) { nodes { regkgId ... on Sourced { sources { quote } } }
    edges { source target relation } }
}"""
CONFLICTS: Final = """query Conflicts($n: Int) {
  conflicts { question status claims { statement status sources { quote source { url } } } }
  trials(first: 100, after: null) { nodes { registryId title sponsor { name } } }
  n: trials(first: $n) { totalCount }
}"""
CENTRES: Final = (
    "substance:mdma",
    "substance:psilocybin",
    "substance:lsd",
    "substance:esketamine",
    "substance:ecstasy",
    "substance:cyb003",
    "substance:mebufotenin",
)


@dataclass
class Tally:
    """Latencies (seconds) by kind of question, and answers by status."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)

    def add(self, kind: str, status: int, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1


def _request(query: str, variables: dict[str, object] | None) -> bytes:
    body = orjson.dumps({"query": query, "variables": variables})
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _answer(reader: asyncio.StreamReader) -> int:
    """Read one response; its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        (int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length")),
        0,
    )
    await reader.readexactly(length)
    return status


async def client(
    port: int, ask: Callable[[int], tuple[str, bytes]], until: float, tally: Tally
) -> None:
    """Ask questions on one connection until `until` (a monotonic time)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        for n in itertools.count():
            if time.monotonic() >= until:
                break
            kind, request = ask(n)
            started = time.monotonic()
            writer.write(request)
            status = await _answer(reader)
            tally.add(kind, status, time.monotonic() - started)
    finally:
        writer.close()


def cheap_question(worker: int) -> Callable[[int], tuple[str, bytes]]:
    cached = _request(CACHED, None)

    def ask(n: int) -> tuple[str, bytes]:
        if worker % 2 == 0:
            return "cached", cached
        return "uncached", _request(UNCACHED, {"id": f"substance:absent-{worker}-{n}"})

    return ask


def heavy_question(worker: int) -> Callable[[int], tuple[str, bytes]]:
    def ask(n: int) -> tuple[str, bytes]:
        if n % 2 == 0:
            a, b = CENTRES[(worker + n) % len(CENTRES)], CENTRES[(worker + n + 1) % len(CENTRES)]
            # a comment makes each document new: never the cached answer
            return "heavy", _request(NEIGHBOURHOODS + f"\n# {worker}-{n}", {"a": a, "b": b})
        return "heavy", _request(CONFLICTS, {"n": 1 + (worker * 1000 + n) % 100_000})

    return ask


async def phase(port: int, seconds: float, cheap: int, heavy: int) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    clients = [client(port, cheap_question(w), until, tally) for w in range(cheap)]
    clients += [client(port, heavy_question(w), until, tally) for w in range(heavy)]
    await asyncio.gather(*clients)
    return tally


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)] if ordered else 0.0


def start_server(port: int, data: Path, extra: list[str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(ROOT / "server.py"), "--port", str(port), "--data", str(data)]
    process = subprocess.Popen(
        [*command, *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                if sock.recv(12).startswith(b"HTTP/1.1 200"):
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


def report(name: str, tally: Tally, seconds: float) -> dict[str, float]:
    cheap = tally.latencies.get("cached", []) + tally.latencies.get("uncached", [])
    line = {
        "rps": len(cheap) / seconds,
        "p50": percentile(cheap, 0.5),
        "p99": percentile(cheap, 0.99),
    }
    print(
        f"{name:>7}: cheap {line['rps']:8.0f} req/s  p50 {line['p50'] * 1000:7.2f} ms  "
        f"p99 {line['p99'] * 1000:7.2f} ms",
        end="",
    )
    for kind in ("cached", "uncached", "heavy"):
        samples = tally.latencies.get(kind, [])
        if samples:
            print(
                f"  | {kind} {len(samples) / seconds:6.0f}/s p99 "
                f"{percentile(samples, 0.99) * 1000:7.1f} ms",
                end="",
            )
    print(f"  | statuses {dict(sorted(tally.statuses.items()))}")
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--cheap", type=int, default=8, help="clients of cheap questions")
    parser.add_argument("--heavy", type=int, default=4, help="clients of heavy questions")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("server_args", nargs="*", help="passed to server.py (after --)")
    args = parser.parse_args(argv)
    port = procs.free_port()
    process = start_server(port, args.data, list(args.server_args))
    try:
        asyncio.run(phase(port, 1.0, args.cheap, args.heavy))  # warm up, then measure
        alone = report("alone", asyncio.run(phase(port, args.seconds, args.cheap, 0)), args.seconds)
        loaded = report(
            "loaded", asyncio.run(phase(port, args.seconds, args.cheap, args.heavy)), args.seconds
        )
    finally:
        process.terminate()
        process.wait(30)
    throughput = loaded["rps"] / max(alone["rps"], 1e-9)
    print(
        f"  ratio: cheap throughput loaded/alone {throughput:.2f} "
        f"(target >= 0.50: {'met' if throughput >= 0.5 else 'NOT met'}), "
        f"p99 loaded/alone {loaded['p99'] / max(alone['p99'], 1e-9):.1f}x"
    )
    print(f"  machine: {os.cpu_count()} cores; client and server share them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
