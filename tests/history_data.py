"""Three versions of the tiny data set, each step recorded in its history as an import or
sync records it: the shared ground of the diff, history, `changes` and feed tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.importers.recorded import recorded
from graph.versions import DataSnapshot, read_folder
from tests.conftest import CRL_QUOTE, TINY, write_data

NEW_ACTION = """
- id: action:x-approval
  action: approval
  summary: Approved.
  agency: organisation:agency
  jurisdiction: jurisdiction:US
  substance: substance:x
  condition: condition:narrow
  date: 2021-02-01
  disclosure: regulator
  sources: [{source: source:agency-page, quote: "The Agency approved drugxamine, PTSD, 2021-02-01"}]
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def first_step(data: Path) -> None:
    """Adds an approval, rewords the letter's summary, removes the submission."""
    actions = data / "actions.yaml"
    _edit(actions, "summary: Not approved.", "summary: Not approved; a new trial is asked for.")
    text = actions.read_text(encoding="utf-8")
    start = text.index("- id: action:x-submitted")
    end = text.index("- id: action:x-priority")
    actions.write_text(text[:start] + text[end:] + NEW_ACTION.lstrip("\n"), encoding="utf-8")


def second_step(data: Path) -> None:
    """Rewords the approval, cites the sponsor for the letter too, and rewords a claim."""
    actions = data / "actions.yaml"
    _edit(actions, "summary: Approved.", "summary: Approved for adults.")
    _edit(
        actions,
        "  date: 2020-03-01\n  disclosure: regulator\n"
        f'  sources: [{{source: source:agency-page, quote: "{CRL_QUOTE}"}}]\n',
        "  date: 2020-03-01\n  disclosure: regulator\n  sources:\n"
        f'    - {{source: source:agency-page, quote: "{CRL_QUOTE}"}}\n'
        "    - {source: source:sponsor-release, quote: Not approved, supports: [summary]}\n",
    )
    _edit(data / "claims.yaml", "statement: X significantly helped.", "statement: X helped.")


@dataclass(frozen=True)
class Versions:
    data: Path
    snapshots: list[DataSnapshot]  # before, after the first step, after the second


def recorded_versions(root: Path) -> Versions:
    data = write_data(root, TINY)
    snapshots = [read_folder(data)]
    steps: list[Callable[[Path], None]] = [first_step, second_step]
    for step in steps:

        def run(step: Callable[[Path], None] = step) -> int:
            step(data)
            return 0

        assert recorded(data, "python -m graph sync ctgov", run, io.StringIO()) == 0
        snapshots.append(read_folder(data))
    return Versions(data, snapshots)
