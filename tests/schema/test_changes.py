"""`changes(since:)`: the recorded history as the API answers it, agreeing with the diff
of the same two data versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.diff import diff_records, show
from graph.load import load_graph
from schema.context import Context
from tests.history_data import Versions, recorded_versions
from tests.schema.test_query import data_of, execute, regkg_schema

CHANGES = """
query Changes($since: String!, $first: Int) {
  changes(since: $since, first: $first) {
    totalCount
    nodes {
      regkgId kind change label dataVersion recorded
      fields { field old new }
      citationsAdded { sourceId quote supports source { regkgId } }
      citationsRemoved { sourceId }
      entity { regkgId }
    }
  }
}
"""


@pytest.fixture
def versions(tmp_path: Path) -> Versions:
    return recorded_versions(tmp_path)


def _changes(versions: Versions, since: str) -> list[dict[str, Any]]:
    kg = load_graph(versions.data)
    nodes: list[dict[str, Any]] = data_of(execute(kg, CHANGES, {"since": since}))["changes"][
        "nodes"
    ]
    return nodes


def test_changes_since_a_version_agree_with_the_diff(versions: Versions) -> None:
    s0, s1, s2 = versions.snapshots
    for old in (s0, s1):
        expected = diff_records(old.records, s2.records)
        answered = _changes(versions, old.version)
        assert sorted(
            (
                n["regkgId"],
                n["change"].lower(),
                [(f["field"], f["old"], f["new"]) for f in n["fields"]],
            )
            for n in answered
        ) == [
            (
                c.id,
                c.change.value,
                [
                    (
                        f.field,
                        None if f.old is None else show(f.old),
                        None if f.new is None else show(f.new),
                    )
                    for f in c.fields
                    if f.field != "sources"
                ],
            )
            for c in expected
        ]


def test_changes_carry_version_citations_and_the_entity(versions: Versions) -> None:
    s0, _, s2 = versions.snapshots
    nodes = {n["regkgId"]: n for n in _changes(versions, s0.version)}
    assert set(nodes) == {
        "action:x-approval",
        "action:x-crl",
        "action:x-submitted",
        "claim:significant",
    }
    crl = nodes["action:x-crl"]
    assert crl["dataVersion"] == s2.version
    assert crl["kind"] == "action"
    assert crl["citationsAdded"] == [
        {
            "sourceId": "source:sponsor-release",
            "quote": "Not approved",
            "supports": ["summary"],
            "source": {"regkgId": "source:sponsor-release"},
        }
    ]
    assert crl["entity"] == {"regkgId": "action:x-crl"}
    removed = nodes["action:x-submitted"]
    assert (removed["change"], removed["entity"]) == ("REMOVED", None)
    assert removed["label"] == "Application submitted."


def test_changes_since_a_day(versions: Versions) -> None:
    first = versions.snapshots[0]
    recorded = load_graph(versions.data).history[0].recorded.date()
    assert len(_changes(versions, recorded.isoformat())) == len(
        diff_records(first.records, versions.snapshots[2].records)
    )
    assert _changes(versions, "2999-01-01") == []


@pytest.mark.parametrize(
    ("since", "message"),
    [
        (
            "yesterday",
            "'yesterday' is neither a day (YYYY-MM-DD) nor a data version (12 hex digits)",
        ),
        ("0123456789ab", "'0123456789ab' is not a data version in the history of this data"),
    ],
)
def test_bad_since_is_a_graphql_error(versions: Versions, since: str, message: str) -> None:
    kg = load_graph(versions.data)
    result = regkg_schema().execute_sync(
        CHANGES, variable_values={"since": since}, context_value=Context(kg)
    )
    assert result.errors is not None
    assert [e.message for e in result.errors] == [message]


def test_pages_of_changes_read_the_net_changes_made_once(
    versions: Versions, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graph.history

    made: list[object] = []
    compute = graph.history.changes_since

    def counted(history: Any, since: Any) -> Any:
        made.append(since)
        return compute(history, since)

    monkeypatch.setattr(graph.history, "changes_since", counted)
    kg = load_graph(versions.data)
    since = versions.snapshots[0].version
    page = """query ($since: String!, $after: String) {
      changes(since: $since, first: 1, after: $after) {
        pageInfo { hasNextPage endCursor } nodes { regkgId } } }"""
    seen, after = [], None
    while True:
        found = data_of(execute(kg, page, {"since": since, "after": after}))["changes"]
        seen += [n["regkgId"] for n in found["nodes"]]
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert seen == [n["regkgId"] for n in _changes(versions, since)]
    assert len(seen) == 4
    assert made == [since, since]  # once for the pages, once for the whole list of `_changes`
