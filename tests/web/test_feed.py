"""``/changes.atom``: a valid Atom feed (read with feedparser) of the recorded changes,
linked to the explore page and the sources, filtered by substance, jurisdiction and kind."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import feedparser
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from graph.load import load_graph
from server import Settings, create_app
from tests.conftest import TINY, write_data
from tests.history_data import Versions, recorded_versions
from web.feed import ATOM, parse_filter

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    return recorded_versions(tmp_path_factory.mktemp("feed"))


@pytest.fixture(scope="module")
def client(versions: Versions) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=versions.data))) as client:
        yield client
    gc.unfreeze()


def _check_atom_elements(document: bytes) -> None:
    """RFC 4287's required elements, which feedparser would forgive: a feed and each entry
    hold exactly one id, title and updated; the feed names an author; every entry links to
    its page."""
    feed = ET.fromstring(document)
    assert feed.tag == f"{{{ATOM}}}feed"
    for element in [feed, *feed.findall(f"{{{ATOM}}}entry")]:
        for tag in ("id", "title", "updated"):
            assert len(element.findall(f"{{{ATOM}}}{tag}")) == 1, (element.tag, tag)
    assert feed.find(f"{{{ATOM}}}author/{{{ATOM}}}name") is not None
    for entry in feed.findall(f"{{{ATOM}}}entry"):
        links = entry.findall(f"{{{ATOM}}}link")
        assert [link.get("rel") for link in links].count("alternate") == 1


def _feed(client: TestClient, query: str = "") -> Any:
    response = client.get(f"/changes.atom{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    _check_atom_elements(response.content)
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_feed_lists_the_changed_actions_and_claims_newest_first(
    client: TestClient, versions: Versions
) -> None:
    parsed = _feed(client)
    _, v1, v2 = (s.version for s in versions.snapshots)
    titles = [e.title for e in parsed.entries]
    assert titles == [
        "Changed regulatory action: Approved for adults.",
        "Changed regulatory action: Not approved; a new trial is asked for.",
        "Changed claim: X helped.",
        "New regulatory action: Approved.",
        "Changed regulatory action: Not approved; a new trial is asked for.",
        "Removed regulatory action: Application submitted.",
    ]
    assert [e.id for e in parsed.entries[:2]] == [
        f"urn:regkg:{v2}:action:x-approval",
        f"urn:regkg:{v2}:action:x-crl",
    ]
    assert parsed.entries[-1].id == f"urn:regkg:{v1}:action:x-submitted"
    assert parsed.feed.title == "regkg: what changed"
    assert parsed.feed.author == "regkg"


def test_entries_link_to_the_explorer_and_the_sources(client: TestClient) -> None:
    crl = _feed(client).entries[1]
    links = {(link.rel, link.href) for link in crl.links}
    assert ("alternate", "http://testserver/explore?id=action%3Ax-crl") in links
    assert ("related", "https://agency.example/decision") in links
    assert ("related", "https://sponsor.example/news") in links
    assert [t.term for t in crl.tags] == ["action", "complete_response_letter"]
    assert "+ citation" in crl.summary
    assert "Not approved" in crl.summary


@pytest.mark.parametrize(
    ("query", "count"),
    [
        pytest.param("?kind=claim", 1, id="entity-kind"),
        pytest.param("?kind=approval,complete_response_letter", 4, id="action-kinds"),
        pytest.param("?jurisdiction=US", 5, id="jurisdiction"),
        pytest.param("?jurisdiction=United%20States", 5, id="jurisdiction-by-name"),
        pytest.param("?jurisdiction=AU", 0, id="other-jurisdiction"),
        pytest.param("?substance=Drugxamine", 6, id="substance-by-name"),
        pytest.param("?substance=XY-100&kind=claim&jurisdiction=US", 0, id="all-three"),
    ],
)
def test_feed_filters(client: TestClient, query: str, count: int) -> None:
    parsed = _feed(client, query)
    assert len(parsed.entries) == count
    if query.startswith("?kind=claim"):
        assert parsed.entries[0].title == "Changed claim: X helped."
        assert parsed.feed.title == "regkg: what changed (kind claim)"


def test_bad_filters_are_refused(client: TestClient) -> None:
    response = client.get("/changes.atom?substance=nothing-like-it")
    assert response.status_code == 400
    assert response.text.startswith("no substance matches 'nothing-like-it'")
    response = client.get("/changes.atom?jurisdiction=Atlantis")
    assert response.status_code == 400
    assert response.text.startswith("no jurisdiction matches 'Atlantis'")
    response = client.get("/changes.atom?since=2024-01-01")
    assert response.status_code == 400
    assert response.text == (
        "unknown parameter 'since'; the feed takes substance, jurisdiction, kind\n"
    )


def test_unchanged_feed_answers_304(client: TestClient) -> None:
    first = client.get("/changes.atom?kind=claim")
    again = client.get("/changes.atom?kind=claim", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    other = client.get("/changes.atom", headers={"If-None-Match": first.headers["etag"]})
    assert other.status_code == 200


def test_feed_of_data_without_history_is_valid_and_empty(tmp_path: Path) -> None:

    with TestClient(create_app(Settings(data_dir=write_data(tmp_path, TINY)))) as client:
        parsed = _feed(client)
    gc.unfreeze()
    assert parsed.entries == []


def test_a_country_includes_its_states(tmp_path: Path) -> None:
    kg = load_graph(write_data(tmp_path, TINY))
    wanted = parse_filter(kg, {"jurisdiction": ["US"]})
    assert wanted.jurisdictions == {"jurisdiction:US", "jurisdiction:US-OR"}
    assert parse_filter(kg, {"jurisdiction": ["US-OR"]}).jurisdictions == {"jurisdiction:US-OR"}


def test_the_feed_walks_the_history_once_per_filter(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import web.feed

    walked: list[object] = []
    walk = web.feed._entries

    def counted(kg: Any, wanted: Any) -> Any:
        walked.append(wanted)
        return walk(kg, wanted)

    monkeypatch.setattr(web.feed, "_entries", counted)
    first = _feed(client, "?kind=claim&substance=X")
    again = _feed(client, "?kind=claim&substance=X")
    assert [e.id for e in again.entries] == [e.id for e in first.entries]
    assert len(walked) == 1
    _feed(client, "?kind=action")
    assert len(walked) == 2
