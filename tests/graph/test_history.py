"""The data's history and `graph diff`: what each recorded step changed, chained steps,
reading versions from folders and git revisions, and the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from graph.__main__ import main
from graph.diff import ChangeKind, FieldChange, RecordChange, compose, diff_records
from graph.errors import DataValidationError
from graph.history import HISTORY_DIR, UnknownVersion, changes_since, read_history
from graph.load import load_graph
from graph.versions import VersionError, read_revision, read_version
from tests.history_data import Versions, recorded_versions


@pytest.fixture
def versions(tmp_path: Path) -> Versions:
    return recorded_versions(tmp_path)


def _by_id(changes: list[RecordChange]) -> list[RecordChange]:
    return sorted((c.without_when() for c in changes), key=lambda c: c.id)


def test_each_step_is_recorded_field_by_field(versions: Versions) -> None:
    history, problems = read_history(versions.data)
    assert problems == []
    v0, v1, v2 = (s.version for s in versions.snapshots)
    assert [(e.previous, e.version) for e in history] == [(v0, v1), (v1, v2)]
    first = {c.id: c for c in history[0].changes}
    assert sorted(first) == ["action:x-approval", "action:x-crl", "action:x-submitted"]
    assert first["action:x-approval"].change is ChangeKind.ADDED
    assert first["action:x-submitted"].change is ChangeKind.REMOVED
    assert first["action:x-crl"].fields == (
        FieldChange("summary", "Not approved.", "Not approved; a new trial is asked for."),
    )
    second = {c.id: c for c in history[1].changes}
    added, removed = second["action:x-crl"].citations()
    assert added == [
        {"source": "source:sponsor-release", "quote": "Not approved", "supports": ["summary"]}
    ]
    assert removed == []
    assert second["claim:significant"].fields == (
        FieldChange("statement", "X significantly helped.", "X helped."),
    )


def test_history_from_a_version_agrees_with_the_diff(versions: Versions) -> None:
    history = read_history(versions.data)[0]
    s0, s1, s2 = versions.snapshots
    assert _by_id(changes_since(history, s0.version)) == diff_records(s0.records, s2.records)
    assert _by_id(changes_since(history, s1.version)) == diff_records(s1.records, s2.records)
    assert changes_since(history, s2.version) == []
    net = {c.id: c for c in changes_since(history, s0.version)}
    # added, then reworded: still one addition, with the latest wording
    assert net["action:x-approval"].change is ChangeKind.ADDED
    assert net["action:x-approval"].value("summary") == "Approved for adults."
    assert net["action:x-crl"].version == s2.version


def test_history_since_a_day(versions: Versions) -> None:
    history = read_history(versions.data)[0]
    today = datetime.now(UTC).date()
    s0, _, s2 = versions.snapshots
    assert _by_id(changes_since(history, today)) == diff_records(s0.records, s2.records)
    assert changes_since(history, today + timedelta(days=1)) == []


def test_unknown_version_is_refused(versions: Versions) -> None:
    history = read_history(versions.data)[0]
    with pytest.raises(UnknownVersion, match="'0123456789ab' is not a data version"):
        changes_since(history, "0123456789ab")


def test_compose_drops_what_was_undone() -> None:
    added = RecordChange("trial:NCT1", ChangeKind.ADDED, "T", (FieldChange("title", None, "T"),))
    removed = RecordChange(
        "trial:NCT1", ChangeKind.REMOVED, "T", (FieldChange("title", "T", None),)
    )
    changed = RecordChange("trial:NCT2", ChangeKind.CHANGED, "U", (FieldChange("phase", "A", "B"),))
    back = RecordChange("trial:NCT2", ChangeKind.CHANGED, "U", (FieldChange("phase", "B", "A"),))
    assert compose([[added, changed], [removed, back]]) == []


def test_a_broken_history_file_stops_loading_with_its_line(versions: Versions) -> None:
    broken = versions.data / HISTORY_DIR / "2026-01-01T000000Z-0123456789ab.json"
    broken.write_text('{\n "version": "0123456789ab",\n "previous": \n}\n', encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_graph(versions.data)
    assert [str(p) for p in caught.value.problems] == [
        "data/history/2026-01-01T000000Z-0123456789ab.json:4: not valid JSON: Expecting value"
    ]


def test_the_server_graph_carries_the_history(versions: Versions) -> None:
    kg = load_graph(versions.data)
    assert [e.version for e in kg.history] == [s.version for s in versions.snapshots[1:]]
    assert kg.version == versions.snapshots[2].version


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_diff_reads_git_revisions(versions: Versions, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    data = repo / "data"
    shutil.copytree(versions.data, data)
    (data / "actions.yaml").write_text(
        (data / "actions.yaml").read_text().replace("Approved for adults.", "Approved."),
        encoding="utf-8",
    )
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "one")
    (data / "actions.yaml").write_text(
        (data / "actions.yaml").read_text().replace("summary: Approved.", "summary: Approved!"),
        encoding="utf-8",
    )
    _git(repo, "commit", "-qam", "two")
    old = read_revision("HEAD~1", data)
    new = read_version(str(data), data)
    assert old.name == "HEAD~1:data"
    (change,) = diff_records(old.records, new.records)
    assert change.fields == (FieldChange("summary", "Approved.", "Approved!"),)
    with pytest.raises(VersionError, match="'nosuchrev' is neither a data folder nor a git"):
        read_version("nosuchrev", data)


def test_diff_command_lists_changes_field_by_field(
    versions: Versions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old"
    shutil.copytree(versions.data, old)
    (old / "claims.yaml").write_text(
        (old / "claims.yaml").read_text().replace("X helped.", "X significantly helped."),
        encoding="utf-8",
    )
    assert main(["diff", str(old), str(versions.data)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "~ claim:significant  X helped.",
        "    statement: X significantly helped. -> X helped.",
        "0 added, 1 changed, 0 removed",
    ]
    assert main(["diff", "--json", str(old), str(versions.data)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["changes"] == [
        {
            "id": "claim:significant",
            "change": "changed",
            "label": "X helped.",
            "fields": [
                {"field": "statement", "old": "X significantly helped.", "new": "X helped."}
            ],
        }
    ]


def test_diff_command_refuses_what_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "--data", str(tmp_path), "no-such", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("diff: git ")


def test_diff_record_adds_hand_edits_to_the_history(
    versions: Versions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old"
    shutil.copytree(versions.data, old)
    claims = versions.data / "claims.yaml"
    claims.write_text(claims.read_text().replace("X helped.", "X helped a little."), "utf-8")
    assert main(["diff", "--record", str(old), str(versions.data)]) == 0
    assert "recorded in " in capsys.readouterr().err
    history = load_graph(versions.data).history
    assert history[-1].previous == versions.snapshots[2].version
    assert history[-1].command == "python -m graph diff --record"
    (change,) = changes_since(history, versions.snapshots[2].version)
    assert change.fields == (FieldChange("statement", "X helped.", "X helped a little."),)
    assert main(["diff", "--record", str(old), "HEAD"]) == 1
    assert "--record needs NEW to be a data folder" in capsys.readouterr().err


def test_net_changes_are_made_once_per_graph_and_start(
    versions: Versions, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graph.history
    from graph.history import net_changes_since

    made: list[object] = []

    def counted(history: object, since: object) -> list[RecordChange]:
        made.append(since)
        return changes_since(history, since)  # type: ignore[arg-type]

    monkeypatch.setattr(graph.history, "changes_since", counted)
    kg = load_graph(versions.data)
    history = kg.history
    s0, s1, _ = versions.snapshots
    first = net_changes_since(kg, s0.version)
    assert list(first) == changes_since(history, s0.version)
    assert net_changes_since(kg, s0.version) is first
    assert list(net_changes_since(kg, s1.version)) == changes_since(history, s1.version)
    assert made == [s0.version, s1.version]
    # Another graph, even one of the same data, is another answer.
    again = load_graph(versions.data)
    assert list(net_changes_since(again, s0.version)) == list(first)
    assert made == [s0.version, s1.version, s0.version]
