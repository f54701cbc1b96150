"""The synthetic benchmark data must pass the same validation as the curated data, or the
benchmarks measure a server that refuses to start."""

from __future__ import annotations

from pathlib import Path

from bench.generate import generate, is_complete, plan
from graph.load import load


def test_a_generated_set_validates_and_holds_every_kind(tmp_path: Path) -> None:
    out = generate(400, tmp_path / "set", seed=3)
    assert is_complete(out, 400, 3)
    loaded = load(out)  # raises DataValidationError, listing every problem, if it does not
    counts = plan(400)
    for kind, count in counts.items():
        assert len(loaded.graph.by_kind[kind]) == count, kind


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = generate(300, tmp_path / "a", seed=1)
    second = generate(300, tmp_path / "b", seed=1)
    files = sorted(p.relative_to(first) for p in first.rglob("*.yaml"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.yaml"))
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
