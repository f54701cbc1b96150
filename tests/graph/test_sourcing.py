"""Key facts cited only to press, reference works or copies are warnings, not errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.errors import Problem
from graph.load import load_records
from graph.sourcing import weakly_sourced
from tests.conftest import TINY

Make = Callable[[dict[str, str]], Path]

WEAK_ACTION = (
    "action:x-crl: the action rests only on press, reference works or copies: cite the "
    "regulator's, registry's or sponsor's own page, or say in `note` where a primary source "
    "was looked for"
)


def warnings_with(make_data: Make, files: dict[str, str]) -> list[Problem]:
    records, _ = load_records(make_data({**TINY, **files}))
    return weakly_sourced(records)


def as_press(kind: str) -> str:
    """TINY's sources with the one of type `kind` turned into a news report."""
    return TINY["sources.yaml"].replace(f"type: {kind}", "type: press")


def test_primary_sources_give_no_warning(tiny_dir: Path) -> None:
    records, _ = load_records(tiny_dir)
    assert weakly_sourced(records) == []


def test_a_decision_cited_only_to_the_press_is_a_warning(make_data: Make) -> None:
    assert warnings_with(make_data, {"sources.yaml": as_press("regulator")}) == [
        Problem("data/actions.yaml", 35, WEAK_ACTION)
    ]


def test_a_note_saying_where_the_primary_was_looked_for_silences_it(make_data: Make) -> None:
    actions = TINY["actions.yaml"].replace(
        "          disclosure: regulator\n",
        "          disclosure: regulator\n"
        "          note: No primary page found; looked on the agency's site.\n",
    )
    files = {"sources.yaml": as_press("regulator"), "actions.yaml": actions}
    assert warnings_with(make_data, files) == []


def test_steps_that_are_not_key_facts_give_no_warning(make_data: Make) -> None:
    """The submission and priority review rest on the sponsor's release alone."""
    warnings = warnings_with(make_data, {"sources.yaml": as_press("sponsor")})
    assert [w.message.split(": cite")[0] for w in warnings] == [
        "action:x-btd: the action rests only on press, reference works or copies",
        "trial:NCT00000001: registry fields registry_id, phase, enrollment, enrollment_type, "
        "start, primary_completion rest only on press, reference works or copies",
    ]
