"""The command line: ``python -m graph validate|stats [DIR]``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.__main__ import main
from graph.load import load_graph
from tests.conftest import TINY
from tests.graph.test_stats import TINY_EVIDENCE_LINES, TINY_LINES


def test_validate_valid_data(tiny_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = load_graph(tiny_dir).version
    assert main(["validate", str(tiny_dir)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{tiny_dir}: valid, 19 records, data version {version}\n"
    assert err == ""


def test_validate_prints_warnings_and_still_passes(
    make_data: Callable[[dict[str, str]], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sources = TINY["sources.yaml"].replace("type: regulator", "type: press")
    root = make_data({**TINY, "sources.yaml": sources})
    assert main(["validate", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == (
        "warning: data/actions.yaml:35: action:x-crl: the action rests only on press, "
        "reference works or copies: cite the regulator's, registry's or sponsor's own page, "
        "or say in `note` where a primary source was looked for"
    )
    assert out.splitlines()[1].startswith(f"{root}: valid, 19 records, data version ")
    assert err == ""


def test_validate_refuses_a_quote_that_does_not_carry_its_value(
    make_data: Callable[[dict[str, str]], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    trials = TINY["trials.yaml"].replace("to 90 people", "to people")
    root = make_data({**TINY, "trials.yaml": trials})
    assert main(["validate", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[:2] == [
        "1 problem in the data:",
        "data/trials.yaml:12: trial:NCT00000001: a citation of source:sponsor-release, "
        "https://sponsor.example/news supports 'enrollment', but its quote carries no value "
        'of it (90): the quote says "NCT00000001: Sponsor Inc. gives drugxamine to people with '
        'PTSD from January 2017 to 2018-02-03". Quote the value, narrow `supports`, or say how '
        "it was `derived`",
    ]


def test_validate_broken_data(
    make_data: Callable[[dict[str, str]], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    trials = TINY["trials.yaml"].replace("enrollment: 90", "enrollment: ninety")
    root = make_data({**TINY, "trials.yaml": trials})
    assert main(["validate", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "1 problem in the data:\n"
        "data/trials.yaml:5: enrollment: 'ninety' is not a whole number from 0 to 2147483647\n"
    )


def test_validate_lists_every_problem(
    make_data: Callable[[dict[str, str]], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    trials = (
        TINY["trials.yaml"]
        .replace("enrollment: 90", "enrollment: ninety")
        .replace("phase: PHASE3", "phase: III")
    )
    root = make_data({**TINY, "trials.yaml": trials, "bad.yaml": "id: substance:a\n"})
    assert main(["validate", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "3 problems in the data:",
        "fix these first:",
        "data/bad.yaml:1: the file must be a list of records (- id: ...)",
        "then, possibly because of the above:",
        "data/trials.yaml:4: phase: 'III' is not one of EARLY_PHASE1, PHASE1, PHASE1_PHASE2, "
        "PHASE2, PHASE2_PHASE3, PHASE3, PHASE4, NA",
        "data/trials.yaml:5: enrollment: 'ninety' is not a whole number from 0 to 2147483647",
    ]


def test_validate_lists_root_causes_before_what_follows_from_them(
    make_data: Callable[[dict[str, str]], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # The sources file sorts after the files that cite it: a syntax error in it used to be
    # listed after the dozen unknown-source problems it causes.
    broken = TINY["sources.yaml"].replace("type: regulator", "type: [regulator")
    root = make_data({**{k: v for k, v in TINY.items() if k != "sources.yaml"}, "z.yaml": broken})
    assert main(["validate", str(root)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[1:3] == ["fix these first:", lines[2]]
    assert lines[2].startswith("data/z.yaml:")
    assert "not valid YAML" in lines[2]
    assert lines[3] == "then, possibly because of the above:"
    assert len(lines) > 5
    assert all("z.yaml" not in line for line in lines[4:])


def test_validate_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere"
    assert main(["validate", str(missing)]) == 1
    assert (
        capsys.readouterr().err == f"1 problem in the data:\n{missing}:0: no such data directory\n"
    )


def test_stats(tiny_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(tiny_dir)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == TINY_LINES + TINY_EVIDENCE_LINES
    assert err == ""


def test_stats_on_broken_data(
    make_data: Callable[[dict[str, str]], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_data({**TINY, "bad.yaml": "- id: drug:x\n"})
    assert main(["stats", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("1 problem in the data:\ndata/bad.yaml:1: 'drug:x' names an unknown kind")


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["validate", "a", "b"]],
    ids=["no-command", "unknown-command", "two-directories"],
)
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith(
        "usage: python -m graph [-h] {validate,stats,import,sync,diff,build} ..."
    )
