"""Kill a real import with SIGKILL at chosen moments; run as a program by the crash test.

    python -m tests.graph.importers.crash_driver WORK MODE SEED SAMPLE INPUT...

`WORK/template/data` is copied to `WORK/<n>/data` for each kill; every import runs in a
forked child (this program is single-threaded, so forking is safe) and is killed either
just before its k-th step that changes the disk, or at a random moment between its first
step and the time its last step came in an uninterrupted run. The steps are the first
two, the last three (the last write, the swap, the removal of the old files) and SAMPLE
others chosen at random; SAMPLE random moments too (0: every step). MODE `journal`
imports without the atomic exchange. Prints one JSON line per import: the folder and
where it was killed.
"""

from __future__ import annotations

import io
import json
import os
import random
import select
import shutil
import signal
import sys
import time
from pathlib import Path

from graph.importers import writer
from graph.importers.run import run_import


def _child(data: Path, inputs: list[Path], mode: str, pipe: int, stop_at: int | None) -> None:
    """The import, telling the parent of each step; stopping before step `stop_at`."""
    if mode == "journal":
        writer.exchange = None
    steps = 0

    def checkpoint(step: str) -> None:
        nonlocal steps
        steps += 1
        os.write(pipe, f"{step}\n".encode())
        if steps == stop_at:
            time.sleep(60)  # the parent kills it here

    writer.checkpoint = checkpoint
    code = run_import("ctgov", inputs, data, out=io.StringIO(), err=io.StringIO(), progress=False)
    os._exit(code)


def _run(
    data: Path, inputs: list[Path], mode: str, stop_at: int | None, delay: float | None
) -> tuple[list[str], float]:
    """Fork an import into `data`; kill it before step `stop_at`, or `delay` seconds after
    its first step. The steps it reported, and the seconds from its first step to its last."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(data, inputs, mode, write_end, stop_at)
    os.close(write_end)
    reported = b""
    first = last = 0.0
    deadline: float | None = None
    while True:
        wait = None if deadline is None else max(deadline - time.monotonic(), 0)
        ready, _, _ = select.select([read_end], [], [], wait)
        if not ready:  # the random moment has come
            os.kill(pid, signal.SIGKILL)
            deadline = None
            continue
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        if not reported:
            first = time.monotonic()
            if delay is not None:
                deadline = first + delay
        last = time.monotonic()
        reported += chunk
        if stop_at is not None and reported.count(b"\n") >= stop_at:
            os.kill(pid, signal.SIGKILL)
    os.close(read_end)
    os.waitpid(pid, 0)
    return reported.decode().splitlines(), last - first


def main(argv: list[str]) -> int:
    work, mode, seed, sample, *inputs = argv
    template = Path(work) / "template" / "data"
    paths = [Path(p) for p in inputs]
    whole = Path(work) / "whole" / "data"
    shutil.copytree(template, whole)
    steps, span = _run(whole, paths, mode, None, None)
    print(json.dumps({"folder": str(whole), "killed": "never", "steps": steps}), flush=True)
    rng = random.Random(int(seed))
    every = list(range(1, len(steps) + 1))
    chosen = set(every[:2] + every[-3:])
    middle = every[2:-3]
    chosen |= set(rng.sample(middle, min(int(sample), len(middle)))) if int(sample) else set(every)
    plans: list[tuple[int | None, float | None]] = [(k, None) for k in sorted(chosen)]
    plans += [(None, rng.uniform(0, span)) for _ in range(int(sample) or 8)]
    for n, (stop_at, delay) in enumerate(plans):
        data = Path(work) / str(n) / "data"
        shutil.copytree(template, data)
        reported, _ = _run(data, paths, mode, stop_at, delay)
        where = f"before step {stop_at}" if stop_at else f"{delay:.4f} s after the first step"
        last = reported[-1] if reported else "no step yet"
        print(json.dumps({"folder": str(data), "killed": where, "last": last}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
