"""The checked-in schema.graphql is the schema the code builds."""

from __future__ import annotations

import pytest

from schema.__main__ import main
from schema.app import SDL_PATH, sdl

STALE = f"{SDL_PATH.name} is stale: run `python -m schema --write` and commit it"


def test_checked_in_sdl_matches_the_schema() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), STALE


def test_schema_check_command_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0, STALE
    assert capsys.readouterr().out == f"{SDL_PATH.name} is up to date\n"


def test_sdl_ends_with_one_newline() -> None:
    text = sdl()
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
