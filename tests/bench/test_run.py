"""The benchmark's report: a size measured as 1 000 000 records are (no start-up from the
YAML) is reported with that step skipped, its memory rows and every target's verdict."""

from __future__ import annotations

import os

from bench import cases
from bench.procs import Memory
from bench.run import (
    FULL,
    LARGE,
    CaseResult,
    SizeResult,
    Startup,
    Throughput,
    Timing,
    Workers,
    report,
)


def _timing(seconds: float) -> Timing:
    return Timing(latencies=[seconds] * 10, busy_seconds=seconds * 10)


def _case(case: cases.Case) -> CaseResult:
    return CaseResult(case, _timing(0.004), _timing(0.002), _timing(0.001), _timing(0.001), 100)


def _workers(count: int, rate: float, pss: float) -> Workers:
    memory = Memory(rss=pss * 1.5, pss=pss, uss=pss / 2, peak_rss=pss, processes=count + 1)
    throughput = Throughput(requests=int(rate * 4), seconds=4.0, p50s=[8.0, 10.0, 12.0])
    return Workers(count, 16, "wrk", throughput, memory, [1.5] * count, 0.1, 0.4, 6.0)


def _size(nodes: int, yaml: Startup | None) -> SizeResult:
    snapshot = Startup(16.8, Memory(rss=2500.0, pss=2400.0, uss=2300.0, peak_rss=2600, processes=1))
    return SizeResult(
        nodes,
        yaml,
        780.0,
        7400.0,
        900.0,
        snapshot,
        [_case(case) for case in cases.CASES],
        [_workers(1, 500.0, 2400.0), _workers(2, 900.0, 2600.0)],
        None,
        4,
    )


def test_a_large_size_says_its_yaml_start_up_was_skipped_and_prints_its_memory() -> None:
    small = _size(10_000, Startup(6.0, Memory(159.0, 144.0, 140.0, 160.0, 1)))
    text = report([small, _size(LARGE, None)], FULL, (1.0, 1.5))
    yaml_lines = [line for line in text.splitlines() if line.strip().startswith("from the YAML")]
    assert len(yaml_lines) == 2
    assert "skipped" not in yaml_lines[0]
    assert "skipped: the graph build reads the same YAML once" in yaml_lines[1]
    summary = text.split("summary:")[1]
    assert "start-up, YAML (s)" in summary
    assert summary.split("start-up, YAML (s)")[1].split()[:2] == ["6.0", "skipped"]
    assert "resident after load, snapshot (MB)" in summary
    assert "2 workers: PSS (MB), req/s" in summary
    assert "2600, 900" in summary
    assert "peak resident, graph build (MB)" in summary
    targets = text.split("targets (information, never a failure):")[1]
    assert f"{LARGE:>8} start-up <= 20 s" in targets
    assert "NOT MET  2500 MB" in targets  # resident <= 2 GB
    assert "2 workers >= 1.7x the throughput of 1" in targets
    assert "met      1.80x (client: wrk)" in targets
    assert "NOT MET  1.08x" not in targets
    assert "met      1.08x" in targets  # 2600 / 2400 PSS


def test_the_many_process_lines_name_the_client_and_split_the_cores() -> None:
    text = report([_size(10_000, None)], FULL, (1.0, 1.0))
    assert "sent by wrk (one process, one event loop)" in text
    # 2 workers: 1.5 + 1.5 CPU s in 4 s on 2 cores; the client 0.1 s; others 0.4 s in 6 s.
    cores = os.cpu_count() or 1
    assert f"servers {3.0 / (cores * 4):.0%}, client {0.1 / (cores * 4):.0%}" in text
    assert f"other processes {0.4 / (cores * 6):.0%} over the rounds" in text
    assert "p50 10.00 ms" in text  # the median of the rounds' p50s
