"""Whole-graph downloads: one CSV per kind, nodes, edges, JSON and GraphML, in API names."""

from __future__ import annotations

import csv
import gc
import io
import json
import warnings
from collections.abc import Iterator

import networkx as nx
import pytest

from graph.build import KnowledgeGraph
from graph.model import KINDS
from server import Settings, create_app
from tests.conftest import BTD_QUOTE
from web import downloads
from web.downloads import api_name

with warnings.catch_warnings():
    from starlette.exceptions import StarletteDeprecationWarning

    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

SPONSOR_URL = "https://sponsor.example/news"
AGENCY_URL = "https://agency.example/decision"


def rows_of(csv_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text)))


@pytest.fixture
def client(tiny: KnowledgeGraph) -> Iterator[TestClient]:
    try:
        with TestClient(create_app(Settings(), loaded=tiny)) as served:
            yield served
    finally:
        gc.unfreeze()  # the lifespan froze everything allocated so far


def test_a_copy_with_no_public_address_adds_no_url(real: KnowledgeGraph) -> None:
    by_id = {r["id"]: r for r in rows_of(downloads.nodes_csv(real))}
    # The seed's blog copy has no address: its id is listed, and only real addresses.
    claim = by_id["claim:seed-prolactin-bonding-trust"]
    assert claim["sources"] == "source:seed-copy"
    assert claim["sourceUrls"] == ""
    copy = by_id["source:seed-copy"]
    assert (copy["url"], copy["type"]) == ("", "SECONDARY_COPY")
    assert copy["held"].startswith("shared/seed/000_c4d38e4f2f9fb276.txt")
    ecstasy = by_id["substance:ecstasy"]["sourceUrls"].split("; ")
    assert "None" not in ecstasy
    assert all(url.startswith("http") for url in ecstasy)


def test_nodes_csv_has_every_node_in_api_names(tiny: KnowledgeGraph) -> None:
    rows = rows_of(downloads.nodes_csv(tiny))
    assert [r["id"] for r in rows] == sorted(tiny.graph.nodes)
    header = list(rows[0])
    assert header[:3] == ["id", "kind", "label"]
    assert header[-4:] == ["origin", "sources", "sourceUrls", "dataVersion"]
    by_id = {r["id"]: r for r in rows}
    drug = by_id["substance:x"]
    assert drug["kind"] == "Substance"
    assert drug["synonyms"] == "Ex; Street X"
    assert drug["codeNames"] == "XY-100"
    assert drug["sourceUrls"] == SPONSOR_URL
    assert drug["dataVersion"] == tiny.version
    sponsor = by_id["organisation:sponsor"]
    assert json.loads(sponsor["names"])[0] == {"name": "Old Sponsor", "to": "2019-12-31"}
    assert sponsor["type"] == "COMPANY"
    trial = by_id["trial:NCT00000001"]
    assert (trial["kind"], trial["registryId"], trial["enrollment"]) == (
        "Trial",
        "NCT00000001",
        "90",
    )
    action = by_id["action:x-btd"]
    assert (action["kind"], action["action"]) == (
        "RegulatoryAction",
        "BREAKTHROUGH_THERAPY_DESIGNATION",
    )
    assert by_id["action:x-submitted"]["date"] == "2019-06"


def test_nodes_csv_has_a_column_for_every_declared_field(tiny: KnowledgeGraph) -> None:
    declared = sorted({api_name(f.name) for kind in KINDS.values() for f in kind.fields})
    expected = ["id", "kind", "label", *declared, "origin", "sources", "sourceUrls", "dataVersion"]
    text = downloads.nodes_csv(tiny)
    assert next(csv.reader(io.StringIO(text))) == expected
    # A field no record of the tiny data sets is still a column, empty on every row.
    assert {r["whyStopped"] for r in rows_of(text)} == {""}


def test_one_csv_per_kind_has_that_kinds_fields_only(tiny: KnowledgeGraph) -> None:
    rows = rows_of(downloads.kind_csv(tiny, "trial"))
    assert [r["id"] for r in rows] == sorted(tiny.by_kind["trial"])
    header = list(rows[0])
    assert header[:3] == ["id", "kind", "label"]
    assert "registryId" in header
    assert "enrollmentType" in header
    assert "action" not in header  # a field of regulatory actions, not of trials
    assert "registry_id" not in header
    actions = rows_of(downloads.kind_csv(tiny, "action"))
    btd = next(r for r in actions if r["id"] == "action:x-btd")
    assert btd["action"] == "BREAKTHROUGH_THERAPY_DESIGNATION"
    assert btd["sourceUrls"] == SPONSOR_URL
    # Every kind has a file, named as its root list is in the API.
    assert {"trials.csv", "regulatoryActions.csv", "substances.csv"} <= set(downloads.GRAPH_FILES)
    assert all(f"{downloads.list_name(kind)}.csv" in downloads.GRAPH_FILES for kind in KINDS)


def test_edges_csv_has_every_edge_in_api_names(tiny: KnowledgeGraph) -> None:
    rows = rows_of(downloads.edges_csv(tiny))
    assert len(rows) == tiny.graph.number_of_edges()
    sponsored = next(r for r in rows if r["relation"] == "SPONSORED_BY")
    assert (sponsored["source"], sponsored["target"], sponsored["field"]) == (
        "trial:NCT00000001",
        "organisation:sponsor",
        "sponsor",
    )
    assert {r["dataVersion"] for r in rows} == {tiny.version}


def test_graph_json_has_nodes_with_citations_and_edges(tiny: KnowledgeGraph) -> None:
    document = json.loads(downloads.graph_json(tiny))
    assert document["dataVersion"] == tiny.version
    assert len(document["nodes"]) == tiny.graph.number_of_nodes()
    assert len(document["edges"]) == tiny.graph.number_of_edges()
    btd = next(n for n in document["nodes"] if n["id"] == "action:x-btd")
    assert btd["citations"] == [
        {"source": "source:sponsor-release", "quote": BTD_QUOTE, "note": None,
         "supports": []}
    ]  # fmt: skip
    assert (btd["date"], btd["action"], btd["kind"]) == (
        "2018-05-02",
        "BREAKTHROUGH_THERAPY_DESIGNATION",
        "RegulatoryAction",
    )


def test_graphml_reads_back_with_networkx(tiny: KnowledgeGraph) -> None:
    graph = nx.read_graphml(io.BytesIO(downloads.graph_graphml(tiny)), force_multigraph=True)
    assert graph.graph["dataVersion"] == tiny.version
    assert sorted(graph.nodes) == sorted(tiny.graph.nodes)
    assert graph.number_of_edges() == tiny.graph.number_of_edges()
    assert graph.nodes["trial:NCT00000001"]["enrollment"] == 90
    assert graph.nodes["trial:NCT00000001"]["registryId"] == "NCT00000001"
    assert graph.nodes["substance:x"]["sourceUrls"] == SPONSOR_URL
    assert BTD_QUOTE in graph.nodes["action:x-btd"]["citations"]


def test_downloads_carry_etags_and_answer_304(client: TestClient, tiny: KnowledgeGraph) -> None:
    first = client.get("/downloads/trials.csv")
    assert first.status_code == 200
    assert first.headers["content-disposition"] == (
        f'attachment; filename="regkg-trials-{tiny.version}.csv"'
    )
    assert first.headers["cache-control"] == "public, max-age=300"
    etag = first.headers["etag"]
    again = client.get("/downloads/trials.csv", headers={"if-none-match": etag})
    assert (again.status_code, again.content) == (304, b"")
    assert client.get("/downloads/edges.csv").headers["etag"] != etag
    missing = client.get("/downloads/nope.txt")
    assert missing.status_code == 404
    assert "trials.csv" in missing.json()["errors"][0]["message"]


def test_the_schema_file_carries_an_etag(client: TestClient) -> None:
    first = client.get("/schema.graphql")
    assert first.status_code == 200
    assert first.text.startswith(("type ", "directive ", '"""', "schema", "scalar", "enum"))
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=300"
    assert client.get("/schema.graphql", headers={"if-none-match": etag}).status_code == 304
