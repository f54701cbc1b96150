"""Loading gives back the memory its scratch space took."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import load
from graph.load import load_graph, release_free_memory


def test_release_free_memory_is_safe_to_call_any_time() -> None:
    release_free_memory()
    release_free_memory()


def test_every_load_releases_its_scratch_memory(
    tiny_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[None] = []
    monkeypatch.setattr(load, "release_free_memory", lambda: calls.append(None))
    kg = load_graph(tiny_dir)
    assert kg.graph.number_of_nodes() > 0
    assert len(calls) == 1
