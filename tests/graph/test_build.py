"""Building the frozen graph: node attributes, edges, citations and indexes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pytest

from graph.build import CITES, KnowledgeGraph, build_graph, label_of
from graph.dates import PartialDate
from graph.load import load_graph, load_records
from graph.model import KINDS, FieldType
from graph.records import Citation, Record
from tests.conftest import BTD_QUOTE, TINY


def test_node_attributes(tiny: KnowledgeGraph) -> None:
    assert dict(tiny.node("action:x-btd")) == {
        "id": "action:x-btd",
        "kind": "action",
        "label": "Designation granted.",
        "citations": (Citation("source:sponsor-release", quote=BTD_QUOTE),),
        "origin": "data/actions.yaml:1",
        "action": "breakthrough_therapy_designation",
        "summary": "Designation granted.",
        "agency": "organisation:agency",
        "jurisdiction": "jurisdiction:US",
        "substance": "substance:x",
        "condition": "condition:narrow",
        "sponsor": "organisation:sponsor",
        "date": PartialDate(2018, 5, 2),
        "announced": PartialDate(2018, 5, 10),
        "disclosure": "sponsor",
    }


def test_typed_values(tiny: KnowledgeGraph) -> None:
    trial = tiny.node("trial:NCT00000001")
    assert trial["enrollment"] == 90
    assert trial["start"] == PartialDate(2017, 1)
    assert trial["substances"] == ("substance:x",)
    assert tiny.node("organisation:sponsor")["names"] == (
        {"name": "Old Sponsor", "to": PartialDate(2019, 12, 31)},
        {"name": "Sponsor Inc.", "from": PartialDate(2020, 1, 1)},
    )


@pytest.mark.parametrize(
    ("node_id", "label", "origin"),
    [
        ("substance:x", "Drugxamine", "data/entities.yaml:1"),
        ("source:sponsor-release", "Sponsor announces designation", "data/sources.yaml:7"),
        ("trial:NCT00000001", "A trial of drugxamine", "data/trials.yaml:1"),
        ("action:x-crl", "Not approved.", "data/actions.yaml:35"),
        ("claim:not-significant", "X did not reach significance.", "data/claims.yaml:8"),
        ("conflict:result", "Did X help significantly?", "data/claims.yaml:15"),
        ("organisation:sponsor", "Sponsor Inc.", "data/entities.yaml:19"),
    ],
    ids=["substance-name", "source-title", "trial-title", "action-summary", "claim-statement",
         "conflict-question", "organisation-name"],
)  # fmt: skip
def test_label_and_origin_per_kind(
    tiny: KnowledgeGraph, node_id: str, label: str, origin: str
) -> None:
    attrs = tiny.node(node_id)
    assert (attrs["label"], attrs["origin"]) == (label, origin)
    assert tiny.kind(node_id) == node_id.partition(":")[0]


def test_edges_per_reference_field(tiny: KnowledgeGraph) -> None:
    assert sorted(tiny.graph.out_edges("action:x-btd", keys=True, data=True)) == [
        ("action:x-btd", "condition:narrow", "for_condition",
         {"relation": "for_condition", "field": "condition"}),
        ("action:x-btd", "jurisdiction:US", "applies_in",
         {"relation": "applies_in", "field": "jurisdiction"}),
        ("action:x-btd", "organisation:agency", "by_agency",
         {"relation": "by_agency", "field": "agency"}),
        ("action:x-btd", "organisation:sponsor", "applicant",
         {"relation": "applicant", "field": "sponsor"}),
        ("action:x-btd", "source:sponsor-release", "cites",
         {"relation": "cites", "field": "sources"}),
        ("action:x-btd", "substance:x", "concerns", {"relation": "concerns", "field": "substance"}),
    ]  # fmt: skip


def test_list_references_give_one_edge_each(tiny: KnowledgeGraph) -> None:
    assert sorted(tiny.graph.out_edges("conflict:result", keys=True)) == [
        ("conflict:result", "claim:not-significant", "between"),
        ("conflict:result", "claim:significant", "between"),
    ]
    assert sorted(tiny.graph.out_edges("trial:NCT00000001", keys=True)) == [
        ("trial:NCT00000001", "condition:narrow", "studies"),
        ("trial:NCT00000001", "organisation:sponsor", "sponsored_by"),
        ("trial:NCT00000001", "source:sponsor-release", "cites"),
        ("trial:NCT00000001", "substance:x", "tests"),
    ]
    assert sorted(tiny.graph.in_edges("condition:broad", keys=True)) == [
        ("condition:narrow", "condition:broad", "narrower_than"),
    ]


def test_cites_edges_to_sources(tiny: KnowledgeGraph) -> None:
    citing = sorted(u for u, _, k in tiny.graph.in_edges("source:agency-page", keys=True))
    assert citing == [
        "action:x-crl",
        "claim:not-significant",
        "condition:broad",
        "condition:narrow",
        "organisation:agency",
    ]
    assert {k for _, _, k in tiny.graph.in_edges("source:agency-page", keys=True)} == {CITES}
    # Sources and the conflict cite nothing.
    assert list(tiny.graph.out_edges("source:agency-page")) == []
    assert list(tiny.graph.out_edges("conflict:result", keys=True)) == [
        ("conflict:result", "claim:significant", "between"),
        ("conflict:result", "claim:not-significant", "between"),
    ]


def test_one_cites_edge_per_source_however_often_cited(
    make_data: Callable[[dict[str, str]], Path],
) -> None:
    entities = TINY["entities.yaml"].replace(
        'sources: [{source: source:sponsor-release, quote: "XY-100 (drugxamine)"}]',
        "sources: [{source: source:sponsor-release, supports: [name]},"
        " {source: source:sponsor-release, supports: [synonyms, code_names]},"
        " {source: source:agency-page, supports: [name]}]",
    )
    kg = load_graph(make_data({**TINY, "entities.yaml": entities}))
    assert sorted(kg.graph.out_edges("substance:x", keys=True)) == [
        ("substance:x", "source:agency-page", "cites"),
        ("substance:x", "source:sponsor-release", "cites"),
    ]
    assert kg.node("substance:x")["citations"] == (
        Citation("source:sponsor-release", supports=("name",)),
        Citation("source:sponsor-release", supports=("synonyms", "code_names")),
        Citation("source:agency-page", supports=("name",)),
    )


def test_graph_is_frozen(tiny: KnowledgeGraph) -> None:
    assert nx.is_frozen(tiny.graph)
    with pytest.raises(nx.NetworkXError, match="Frozen graph can't be modified"):
        tiny.graph.add_edge("substance:x", "condition:broad")
    with pytest.raises(nx.NetworkXError, match="Frozen graph can't be modified"):
        tiny.graph.remove_node("substance:x")


def test_by_kind_index(tiny: KnowledgeGraph) -> None:
    assert dict(tiny.by_kind) == {
        "source": ("source:agency-page", "source:sponsor-release"),
        "substance": ("substance:x",),
        "condition": ("condition:broad", "condition:narrow"),
        "organisation": ("organisation:agency", "organisation:sponsor"),
        "trial": ("trial:NCT00000001",),
        "jurisdiction": (
            "jurisdiction:AU",
            "jurisdiction:EU",
            "jurisdiction:US",
            "jurisdiction:US-OR",
        ),
        "action": ("action:x-btd", "action:x-crl", "action:x-priority", "action:x-submitted"),
        "event": (),
        "target": (),
        "effect": (),
        "claim": ("claim:not-significant", "claim:significant"),
        "conflict": ("conflict:result",),
    }
    with pytest.raises(TypeError):
        tiny.by_kind["trial"] = ()  # type: ignore[index]


def test_contains_and_version(tiny: KnowledgeGraph) -> None:
    assert "substance:x" in tiny
    assert "substance:y" not in tiny
    assert 3 not in tiny
    assert tiny.graph.graph["version"] == tiny.version
    assert len(tiny.version) == 12
    assert tiny.built_at.tzinfo is UTC


def test_build_graph_is_a_pure_function_of_records() -> None:
    built_at = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    records = [
        Record("source:s", "source", {"title": "S", "url": "https://s.example"}, (), "f.yaml", 1),
        Record("substance:a", "substance", {"name": "A"}, (Citation("source:s"),), "f.yaml", 5),
        Record("substance:b", "substance", {}, (Citation("source:s"),), "g.yaml", 9),
    ]
    kg = build_graph(records, version="v1", built_at=built_at)
    assert (kg.version, kg.built_at) == ("v1", built_at)
    assert sorted(kg.graph.edges(keys=True)) == [
        ("substance:a", "source:s", "cites"),
        ("substance:b", "source:s", "cites"),
    ]
    # A record without its label field is labelled by its id.
    assert kg.node("substance:b")["label"] == "substance:b"
    assert kg.node("substance:b")["origin"] == "g.yaml:9"
    assert [label_of(r) for r in records] == ["S", "A", "substance:b"]
    assert kg.names.search("a")[0].id == "substance:a"


def _built_by_networkx(records: list[Record]) -> nx.MultiDiGraph:
    """The graph networkx's own add_node and add_edge make from the records: the
    reference the directly assembled dicts must equal."""
    graph = nx.MultiDiGraph()
    for record in records:
        graph.add_node(
            record.id,
            id=record.id,
            kind=record.kind,
            label=label_of(record),
            citations=record.citations,
            origin=record.origin,
            **record.fields,
        )
    for record in records:
        for spec in KINDS[record.kind].fields:
            if spec.type is not FieldType.REF or spec.name not in record.fields:
                continue
            value = record.fields[spec.name]
            for target in value if isinstance(value, tuple) else (value,):
                graph.add_edge(
                    record.id, target, key=spec.relation, relation=spec.relation, field=spec.name
                )
        for source in dict.fromkeys(c.source for c in record.citations):
            graph.add_edge(record.id, source, key=CITES, relation=CITES, field="sources")
    return graph


def test_graph_equals_the_one_networkx_would_build() -> None:
    records, version = load_records()
    kg = build_graph(records, version=version, built_at=datetime.now(UTC))
    reference = _built_by_networkx(records)
    assert list(kg.graph.nodes) == list(reference.nodes)
    for node in reference:
        assert dict(kg.node(node)) == reference.nodes[node]
        assert list(kg.node(node)) == list(reference.nodes[node])  # fields in the same order
        # Neighbours in the same order both ways, with the same keys and edge data.
        assert list(kg.graph.out_edges(node, keys=True, data=True)) == list(
            reference.out_edges(node, keys=True, data=True)
        )
        assert list(kg.graph.in_edges(node, keys=True, data=True)) == list(
            reference.in_edges(node, keys=True, data=True)
        )
    assert kg.graph.number_of_edges() == reference.number_of_edges() > 1000


def test_equal_values_are_one_object(real: KnowledgeGraph) -> None:
    trial = next(real.node(t) for t in real.by_kind["trial"] if real.node(t).get("substances"))
    substance = trial["substances"][0]
    assert substance is next(n for n in real.graph if n == substance)  # the node's own id
    assert trial["kind"] is real.node(real.by_kind["trial"][-1])["kind"]
    data = {id(d) for _, _, d in real.graph.edges(data=True) if d["field"] == "sources"}
    assert len(data) == 1  # every citing edge shares its data
