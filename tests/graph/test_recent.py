"""Kept answers: each made once while kept, the least recently asked dropped first."""

from __future__ import annotations

from graph.recent import Recent


def test_recent_keeps_the_last_answers() -> None:
    recent: Recent[str] = Recent(2)

    def twice(key: str) -> str:
        return recent.get(key, lambda: key * 2)

    assert [twice(k) for k in ("a", "b", "a", "c", "b")] == [
        "aa",
        "bb",
        "aa",
        "cc",
        "bb",
    ]
    assert recent.made == 4  # "a" was found again; "b" was dropped for "c", and made again
