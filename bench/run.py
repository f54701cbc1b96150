"""Measure regkg as shipped, at several sizes, beside a plain endpoint in the same run.

    python bench/run.py --quick     # 10 000 records, few requests: a minute or two
    python bench/run.py             # 10 000 and 100 000 records
    python bench/run.py --full      # and 1 000 000 (the build alone takes a quarter of an hour)
    python bench/run.py --nodes 30000 --seed 1
    python bench/run.py --quick --as-large   # the steps taken at 1 000 000, on 10 000

For each size, on a synthetic set from bench/generate.py:

1. start-up: `server.py --data DIR`, the shipped command with its default (access) logging,
   timed from process start to its first 200, with its memory then: once from the YAML
   (not from 1 000 000 records on, or with --as-large: `graph build` reads the same YAML
   once, which is enough), then after `python -m graph build DIR` (timed, with its peak
   memory), from the snapshot;
2. every question (bench/cases.py) asked of that server and of the plain starlette + orjson
   endpoint (bench/baseline.py) over the same graph: uncached (new variables each request,
   so each misses the response cache) and cached (one request repeated; the baseline
   answers stored bytes), one keep-alive connection from a raw-socket client process
   (bench/client.py);
3. many processes: `server.py --workers 1` and `--workers 2`, each freshly started, under
   16 connections of uncached requests, sent by wrk where it is installed (bench/wrk.py:
   one process in C, a few percent of a core) and else by bench/client.py (one Python
   process per connection): throughput, the CPU time each worker, the client and all
   other processes used, and memory (PSS, from /proc/PID/smaps_rollup, over the server
   and its workers). Each connection asks again as soon as it is answered: with only 4,
   the kernel's spreading of connections would leave one worker with one or none of them
   a good part of the time, idle between its client's requests.

Nothing here asserts on timings: each target is printed as met or NOT MET. Only 127.0.0.1
is contacted, and every loop is bounded by a count.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

import orjson

if not __package__:  # run as `python bench/run.py`: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cache, cases, client, procs, wrk
from bench.generate import generate, is_complete
from graph.snapshot import default_path

ROOT: Final = Path(__file__).resolve().parent.parent
BENCH_DATA: Final = ROOT / "bench" / "data"  # git-ignored
# As shipped, but for the data size limit: the synthetic sets are meant to be this large.
SERVER: Final = (sys.executable, str(ROOT / "server.py"), "--max-data-bytes", str(10**12))
BASELINE: Final = (sys.executable, str(ROOT / "bench" / "baseline.py"))
# From this size on, the start-up from the YAML is not measured: it reads the whole YAML
# once more (minutes, and gigabytes at its peak) only to repeat what `graph build` shows.
LARGE: Final = 1_000_000
YAML_SKIPPED: Final = (
    "the graph build reads the same YAML once; reading it again would take minutes "
    "and gigabytes to show the same"
)


@dataclass(frozen=True)
class Budget:
    warmup: int  # uncached requests before the timed ones
    samples: int  # timed uncached requests per case (fewer if the graph has fewer)
    repeats: int  # timed identical requests per case, against regkg and the baseline
    rounds: int  # the repeats are split into rounds alternating regkg and baseline
    connections: int  # concurrent connections repeating one GET, nginx in front or not
    worker_connections: int  # concurrent connections in the many-process runs
    per_connection: int  # requests per connection there, per round


QUICK: Final = Budget(
    warmup=5,
    samples=40,
    repeats=1000,
    rounds=5,
    connections=4,
    worker_connections=16,
    per_connection=15,
)
FULL: Final = Budget(
    warmup=20,
    samples=200,
    repeats=2000,
    rounds=4,
    connections=4,
    worker_connections=16,
    per_connection=40,
)


@dataclass
class Timing:
    """Seconds per request, and requests per second over the run."""

    latencies: list[float] = field(default_factory=list)
    busy_seconds: float = 0.0

    def add(self, outcomes: Sequence[client.Outcome], skip: int = 0) -> None:
        for outcome in outcomes:
            self.latencies += outcome.latencies[skip:]
        self.busy_seconds += max(o.ended for o in outcomes) - min(o.began for o in outcomes)

    def p(self, fraction: float) -> float:
        """The nearest-rank percentile, in milliseconds."""
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.busy_seconds if self.busy_seconds else 0.0


@dataclass
class CaseResult:
    case: cases.Case
    uncached: Timing = field(default_factory=Timing)
    plain: Timing = field(default_factory=Timing)
    cached: Timing = field(default_factory=Timing)
    stored: Timing = field(default_factory=Timing)
    answer_bytes: int = 0


@dataclass
class Startup:
    seconds: float
    memory: procs.Memory


@dataclass
class Throughput:
    """Answers and seconds summed over rounds, and each round's p50 (the client wrk gives
    percentiles, not every latency)."""

    requests: int = 0
    seconds: float = 0.0
    p50s: list[float] = field(default_factory=list)  # milliseconds

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.p50s) if self.p50s else 0.0


@dataclass
class Workers:
    count: int
    connections: int
    client: str  # "wrk" or "python" (client.py)
    throughput: Throughput
    memory: procs.Memory
    worker_cpu: list[float]  # CPU seconds each serving process used over the rounds
    client_cpu: float  # CPU seconds the client used while it sent requests
    others_cpu: float  # CPU seconds all other processes used over `wall_seconds`
    wall_seconds: float  # of the rounds, the client's start included


@dataclass
class SizeResult:
    nodes: int
    yaml: Startup | None  # None: not measured at this size (LARGE)
    build_seconds: float
    build_peak_mb: float
    snapshot_mb: float
    snapshot: Startup
    results: list[CaseResult]
    workers: list[Workers]
    cache: tuple[float, float] | None  # req/s of one cached GET: regkg alone, nginx in front
    cache_connections: int


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def dataset(nodes: int, seed: int) -> Path:
    out = BENCH_DATA / f"n{nodes}-s{seed}"
    if is_complete(out, nodes, seed):
        progress(f"reusing {out}")
        return out
    start = time.perf_counter()
    generate(nodes, out, seed)
    progress(f"generated {out} in {time.perf_counter() - start:.1f} s")
    return out


def _graphql(case: cases.Case, variables: cases.Variables) -> bytes:
    return client.post_json("/graphql", orjson.dumps({"query": case.query, "variables": variables}))


def _plain(index: int, variables: cases.Variables) -> bytes:
    return client.post_json(f"/plain/{index}", orjson.dumps({"variables": variables}))


def _one(port: int, requests: Sequence[bytes]) -> list[client.Outcome]:
    return client.drive([client.Job(port, requests)])


def _check(case: cases.Case, outcome: client.Outcome) -> None:
    """The answer must be data, not errors: else the timings measure a failure."""
    answer = orjson.loads(outcome.last_body)
    if answer.get("errors") or not answer.get("data"):
        raise RuntimeError(f"{case.name}: {outcome.last_body[:300]!r}")


def measure_case(
    index: int,
    case: cases.Case,
    variables: list[cases.Variables],
    regkg: int,
    baseline: int,
    budget: Budget,
) -> CaseResult:
    result = CaseResult(case)
    # variables[0] is the repeated request; the others are each asked once.
    fresh = variables[1 : 1 + budget.warmup + budget.samples]
    skip = min(budget.warmup, len(fresh) // 2)
    outcomes = _one(regkg, [_graphql(case, v) for v in fresh])
    _check(case, outcomes[0])
    result.uncached.add(outcomes, skip)
    result.plain.add(_one(baseline, [_plain(index, v) for v in fresh]), skip)
    repeated = _graphql(case, variables[0])
    first = _one(regkg, [repeated])[0]  # fills the response cache
    _check(case, first)
    result.answer_bytes = first.body_bytes
    _one(baseline, [client.request("PUT", f"/stored/{index}", first.last_body)])
    stored = client.post_json(f"/stored/{index}", orjson.dumps({"variables": variables[0]}))
    per_round = max(1, budget.repeats // budget.rounds)
    # Alternating rounds: a change in the machine's load falls on both alike.
    for _ in range(budget.rounds):
        result.cached.add(_one(regkg, [repeated] * per_round), skip=1)
        result.stored.add(_one(baseline, [stored] * per_round), skip=1)
    return result


def measure_workers(
    data: Path, logs: Path, load: list[cases.Variables], budget: Budget, use_wrk: str | None
) -> list[Workers]:
    """Throughput and memory of 1 and of 2 workers under the same uncached requests (a
    trial each) on several connections, sent by wrk when `use_wrk` names its binary, else
    by client.py. Both servers run side by side and take turns, round by round, so that
    the other processes on the machine weigh on both alike."""
    trial = cases.CASES[1]
    connections = budget.worker_connections
    per = min(budget.per_connection, len(load) // (budget.rounds * connections))
    bodies = [orjson.dumps({"query": trial.query, "variables": v}) for v in load]
    rounds = [
        bodies[r * connections * per : (r + 1) * connections * per] for r in range(budget.rounds)
    ]
    with ExitStack() as stack:
        servers = {
            count: stack.enter_context(
                procs.running(
                    [*SERVER, "--data", str(data), "--workers", str(count)],
                    logs / f"workers-{count}.log",
                    children=0 if count == 1 else count,
                )
            )
            for count in (1, 2)
        }
        found = {count: Throughput() for count in servers}
        serving = {count: _serving(server) for count, server in servers.items()}
        worker_cpu = {count: [0.0] * len(pids) for count, pids in serving.items()}
        client_cpu = dict.fromkeys(servers, 0.0)
        others_cpu = dict.fromkeys(servers, 0.0)
        wall = dict.fromkeys(servers, 0.0)
        # Each server sees each request once: every request misses its response cache.
        for sent in rounds:
            for count, server in servers.items():
                before = [procs.cpu_seconds(pid) for pid in serving[count]]
                machine, ours, began = procs.machine_cpu_seconds(), _children_cpu(), time.time()
                if use_wrk is not None:
                    run = wrk.post_each(server.port, "/graphql", sent, connections, use_wrk)
                    found[count].requests += run.requests
                    found[count].seconds += run.seconds
                    found[count].p50s.append(run.p50_ms)
                    client_cpu[count] += run.cpu_seconds
                else:
                    jobs = [
                        client.Job(server.port, [client.post_json("/graphql", b) for b in part])
                        for part in (sent[c * per : (c + 1) * per] for c in range(connections))
                    ]
                    outcomes = client.drive(jobs)
                    timing = Timing()
                    timing.add(outcomes)
                    found[count].requests += len(timing.latencies)
                    found[count].seconds += timing.busy_seconds
                    found[count].p50s.append(timing.p(0.5))
                    client_cpu[count] += sum(o.cpu_seconds for o in outcomes)
                wall[count] += time.time() - began
                served = 0.0
                for index, pid in enumerate(serving[count]):
                    served += procs.cpu_seconds(pid) - before[index]
                    worker_cpu[count][index] += procs.cpu_seconds(pid) - before[index]
                # The machine's CPU time, less the servers' and the client's (its start too).
                others_cpu[count] += (
                    procs.machine_cpu_seconds() - machine - served - (_children_cpu() - ours)
                )
        return [
            Workers(
                count,
                connections,
                "python" if use_wrk is None else "wrk",
                found[count],
                procs.memory(server.process.pid),
                worker_cpu[count],
                client_cpu[count],
                max(0.0, others_cpu[count]),
                wall[count],
            )
            for count, server in servers.items()
        ]


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended: the client's processes."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _serving(server: procs.Started) -> list[int]:
    """The processes that answer requests: the workers, or the server itself."""
    return procs.child_pids(server.process.pid) or [server.process.pid]


def measure_size(
    nodes: int, seed: int, budget: Budget, use_wrk: str | None, large: bool = False
) -> SizeResult:
    """Every step at one size. `large` (always from `LARGE` records on) skips the start-up
    from the YAML: the build reads the YAML once, and that is enough."""
    large = large or nodes >= LARGE
    data = dataset(nodes, seed)
    snapshot = default_path(data)
    server = [*SERVER, "--data", str(data)]
    with tempfile.TemporaryDirectory(prefix="regkg-bench-") as scratch:
        logs = Path(scratch)
        yaml = None
        if large:
            progress(f"{nodes}: start-up from the YAML skipped ({YAML_SKIPPED})")
        else:
            progress(f"{nodes}: start-up from the YAML")
            snapshot.unlink(missing_ok=True)  # else the server would load it
            with procs.running(server, logs / "yaml.log") as started:
                yaml = Startup(started.ready_seconds, procs.memory(started.process.pid))
        progress(f"{nodes}: python -m graph build")
        build_seconds, build_peak_mb = _build(data)
        progress(f"{nodes}: start-up from the snapshot, and the plain endpoint")
        with (
            procs.running(server, logs / "regkg.log") as regkg,
            procs.running([*BASELINE, "--data", str(data)], logs / "baseline.log") as baseline,
        ):
            from_snapshot = Startup(regkg.ready_seconds, procs.memory(regkg.process.pid))
            count = 1 + budget.warmup + budget.samples
            load = budget.rounds * budget.worker_connections * budget.per_connection
            sets = _variables(baseline.port, count, load, seed)
            results = []
            for index, case in enumerate(cases.CASES):
                progress(f"{nodes}: {case.name}")
                results.append(
                    measure_case(index, case, sets[case.name], regkg.port, baseline.port, budget)
                )
            progress(f"{nodes}: nginx in front, with deploy/nginx.conf")
            trial = cases.CASES[1]
            query = {"query": trial.query, "variables": orjson.dumps(sets[trial.name][0]).decode()}
            path = "/graphql?" + urlencode(query)
            cache_rates = cache.cached_get_rates(
                regkg.port, logs, path, budget.connections, budget.repeats // 4, budget.rounds
            )
        progress(f"{nodes}: 1 and 2 workers")
        workers = measure_workers(data, logs, sets["load"], budget, use_wrk)
    return SizeResult(
        nodes,
        yaml,
        build_seconds,
        build_peak_mb,
        snapshot.stat().st_size / 2**20,
        from_snapshot,
        results,
        workers,
        cache_rates,
        budget.connections,
    )


def _build(data: Path) -> tuple[float, float]:
    """Seconds `python -m graph build` took over `data`, and its peak resident MB."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", "build", str(data)], cwd=ROOT, stdout=subprocess.DEVNULL
    )
    _, status, used = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"python -m graph build {data} failed ({process.returncode})")
    return time.perf_counter() - start, used.ru_maxrss / 1024


def _variables(port: int, count: int, load: int, seed: int) -> dict[str, list[cases.Variables]]:
    query = f"count={count}&load={load}&seed={seed}"
    outcome = _one(port, [client.request("GET", f"/variables?{query}")])[0]
    found: dict[str, list[cases.Variables]] = orjson.loads(outcome.last_body)
    return found


# --- the report -----------------------------------------------------------------------------


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def _startup(label: str, found: Startup) -> str:
    m = found.memory
    return (
        f"  {label:<22} {found.seconds:6.1f} s to the first 200; "
        f"RSS {m.rss:.0f} MB (peak {m.peak_rss:.0f} MB), PSS {m.pss:.0f} MB"
    )


def size_report(size: SizeResult) -> list[str]:
    yaml = (
        _startup("from the YAML", size.yaml)
        if size.yaml is not None
        else f"  {'from the YAML':<22} skipped: {YAML_SKIPPED}"
    )
    lines = [
        f"== {size.nodes} records ==",
        yaml,
        f"  {'graph build':<22} {size.build_seconds:6.1f} s (peak RSS "
        f"{size.build_peak_mb:.0f} MB), snapshot {size.snapshot_mb:.0f} MB",
        _startup("from the snapshot", size.snapshot),
        "",
    ]
    head = ["query (ms; req/s)", "p50", "p99", "req/s", "plain p50", "p99", "req/s", "x p50"]
    head += ["cached p50", "p99", "req/s", "stored p50", "p99", "req/s", "share", "bytes"]
    widths = [30, 7, 7, 6, 9, 7, 6, 6, 10, 7, 6, 10, 7, 6, 6, 8]
    lines.append(_row(head, widths))
    for r in size.results:
        cells = [r.case.name]
        for timing in (r.uncached, r.plain):
            cells += [f"{timing.p(0.5):.2f}", f"{timing.p(0.99):.2f}", f"{timing.rate:.0f}"]
        cells.append(f"{r.uncached.p(0.5) / r.plain.p(0.5):.1f}")
        for timing in (r.cached, r.stored):
            cells += [f"{timing.p(0.5):.2f}", f"{timing.p(0.99):.2f}", f"{timing.rate:.0f}"]
        cells += [f"{r.cached.rate / r.stored.rate:.2f}", str(r.answer_bytes)]
        lines.append(_row(cells, widths))
    lines.append(
        "  (uncached: a new question each request; plain: the starlette + orjson endpoint "
        "computing it; x p50: uncached/plain; cached: one question repeated; stored: the "
        "endpoint answering stored bytes; share: cached/stored throughput)"
    )
    if size.cache is None:
        lines += ["", "  nginx in front: not measured, no nginx binary"]
    else:
        alone, cached = size.cache
        lines += [
            "",
            f"  one trial, GET, repeated on {size.cache_connections} connections: regkg "
            f"{alone:.0f} req/s; nginx (deploy/nginx.conf) from its cache {cached:.0f} req/s",
        ]
    first = size.workers[0]
    lines += [
        "",
        f"  many processes: {first.connections} connections of uncached trial requests, "
        f"sent by {_client_name(first.client)}",
    ]
    cores = os.cpu_count() or 1
    for w in size.workers:
        took = w.throughput.seconds
        lines.append(
            f"    {w.count} worker{'s' if w.count > 1 else ' '}: {w.throughput.rate:6.0f} req/s, "
            f"p50 {w.throughput.p50:.2f} ms; PSS {w.memory.pss:.0f} MB over "
            f"{w.memory.processes} process{'es' if w.memory.processes > 1 else ''} "
            f"(RSS {w.memory.rss:.0f} MB, unique {w.memory.uss:.0f} MB); "
            f"CPU s: workers {' + '.join(f'{c:.1f}' for c in w.worker_cpu)} "
            f"in {took:.1f} s, client {w.client_cpu:.1f}"
        )
        servers, client_share = sum(w.worker_cpu) / (cores * took), w.client_cpu / (cores * took)
        lines.append(
            f"      share of the {cores} cores while answering: servers {servers:.0%}, "
            f"client {client_share:.0%}; other processes "
            f"{w.others_cpu / (cores * w.wall_seconds):.0%} over the rounds"
        )
    return lines


def _client_name(client: str) -> str:
    return (
        "wrk (one process, one event loop)"
        if client == "wrk"
        else ("client.py (one Python process per connection)")
    )


def _case(size: SizeResult, name: str) -> CaseResult:
    return next(r for r in size.results if r.case.name == name)


def targets(sizes: Sequence[SizeResult]) -> list[str]:
    lines = []
    for size in sizes:
        label = f"{size.nodes:>8}"
        for r in size.results:
            target = r.case.target
            if target is None:
                continue
            p50, plain = r.uncached.p(0.5), r.plain.p(0.5)
            lines.append(
                f"  {label} {r.case.name + ': p50 <= ' + str(target.p50_ms) + ' ms':<60} "
                f"{_verdict(p50 <= target.p50_ms):<8} {p50:.2f} ms"
            )
            lines.append(
                f"  {label} {r.case.name + ': <= x' + str(target.max_ratio) + ' plain':<60} "
                f"{_verdict(p50 <= target.max_ratio * plain):<8} x{p50 / plain:.1f}"
            )
        worst = min(size.results, key=lambda r: r.cached.rate / r.stored.rate)
        share = worst.cached.rate / worst.stored.rate
        # Throughput counts every stall other processes cause; the p50s show the cost of a
        # typical cached answer against a typical stored one.
        typical = min(r.stored.p(0.5) / r.cached.p(0.5) for r in size.results)
        lines.append(
            f"  {label} {'cached >= 0.7x the stored-bytes endpoint':<60} "
            f"{_verdict(share >= 0.7):<8} worst {share:.2f}x ({worst.case.name}); "
            f"by p50 worst {typical:.2f}x"
        )
        one, two = size.workers
        speed = two.throughput.rate / one.throughput.rate
        grown = two.memory.pss / one.memory.pss
        lines.append(
            f"  {label} {'2 workers >= 1.7x the throughput of 1':<60} "
            f"{_verdict(speed >= 1.7):<8} {speed:.2f}x (client: {one.client})"
        )
        lines.append(
            f"  {label} {'2 workers <= 1.3x the memory (PSS) of 1':<60} "
            f"{_verdict(grown <= 1.3):<8} {grown:.2f}x"
        )
        if size.nodes >= LARGE:
            start, rss = size.snapshot.seconds, size.snapshot.memory.rss
            lines.append(
                f"  {label} {'start-up <= 20 s':<60} {_verdict(start <= 20):<8} {start:.1f} s"
            )
            lines.append(
                f"  {label} {'resident <= 2 GB':<60} {_verdict(rss <= 2048):<8} {rss:.0f} MB"
            )
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for name in (cases.CASES[2].name, cases.CASES[3].name, cases.CASES[0].name):
            grew = _case(large, name).uncached.p(0.5) / _case(small, name).uncached.p(0.5)
            lines.append(
                f"  {'all':>8} {name + ': flat (p50 grows <= 1.5x)':<60} "
                f"{_verdict(grew <= 1.5):<8} x{grew:.2f} from {small.nodes} to {large.nodes}"
            )
    return lines


def summary(sizes: Sequence[SizeResult]) -> list[str]:
    """The issue's table: one column per size."""
    widths = [44, *([12] * len(sizes))]
    lines = [_row(["", *(f"{s.nodes} records" for s in sizes)], widths)]

    def row(label: str, values: Sequence[str]) -> None:
        lines.append(_row([label, *values], widths))

    row("start-up, YAML (s)", [f"{s.yaml.seconds:.1f}" if s.yaml else "skipped" for s in sizes])
    row("graph build (s)", [f"{s.build_seconds:.1f}" for s in sizes])
    row("peak resident, graph build (MB)", [f"{s.build_peak_mb:.0f}" for s in sizes])
    row("start-up, snapshot (s)", [f"{s.snapshot.seconds:.1f}" for s in sizes])
    row("resident after load, snapshot (MB)", [f"{s.snapshot.memory.rss:.0f}" for s in sizes])
    row(
        "peak resident, YAML (MB)",
        [f"{s.yaml.memory.peak_rss:.0f}" if s.yaml else "skipped" for s in sizes],
    )
    for count in (1, 2):
        row(
            f"{count} worker{'s' if count > 1 else ''}: PSS (MB), req/s",
            [f"{_pss_rate(s, count)}" for s in sizes],
        )
    for name in (cases.CASES[2].name, cases.CASES[3].name, cases.CASES[0].name):
        row(f"{name}, p50 (ms)", [f"{_case(s, name).uncached.p(0.5):.2f}" for s in sizes])
    return lines


def _pss_rate(size: SizeResult, count: int) -> str:
    found = next(w for w in size.workers if w.count == count)
    return f"{found.memory.pss:.0f}, {found.throughput.rate:.0f}"


def report(sizes: Sequence[SizeResult], budget: Budget, load: tuple[float, float]) -> str:
    lines = [
        # Other processes on the machine skew every number; the load average says so.
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"1-minute load average {load[0]:.2f} before, {load[1]:.2f} after",
        f"budget: {budget}",
        "",
    ]
    for size in sizes:
        lines += [*size_report(size), ""]
    lines += ["summary:", *summary(sizes), "", "targets (information, never a failure):"]
    lines += targets(sizes)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure regkg as shipped.")
    parser.add_argument("--quick", action="store_true", help="10 000 records, few requests")
    parser.add_argument("--full", action="store_true", help="also 1 000 000 records")
    parser.add_argument("--nodes", type=int, action="append", help="records (repeatable)")
    parser.add_argument("--seed", type=int, default=0, help="data and sampling seed")
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="who sends the many-process requests: wrk if installed (auto), or client.py",
    )
    parser.add_argument(
        "--as-large",
        action="store_true",
        help=f"take every size through the steps of {LARGE} records (no start-up from the "
        "YAML): to try them on a small set",
    )
    args = parser.parse_args(argv)
    use_wrk = wrk.binary() if args.client != "python" else None
    if args.client == "wrk" and use_wrk is None:
        parser.error("--client wrk: no wrk on PATH (Debian: apt-get install wrk)")
    fallback = "client.py (no wrk on PATH)" if args.client == "auto" else "client.py"
    progress(f"many-process requests from {'wrk' if use_wrk else fallback}")
    if args.nodes:
        sizes = args.nodes
    elif args.quick:
        sizes = [10_000]
    else:
        sizes = [10_000, 100_000, *([1_000_000] if args.full else [])]
    budget = QUICK if args.quick else FULL
    before = os.getloadavg()[0]
    found = [measure_size(nodes, args.seed, budget, use_wrk, args.as_large) for nodes in sizes]
    print(report(found, budget, (before, os.getloadavg()[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
