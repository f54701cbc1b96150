"""The whole graph as files: one CSV per kind, every node in one CSV, every edge in one
CSV, JSON and GraphML, all in the API's own names (`registryId`,
`BREAKTHROUGH_THERAPY_DESIGNATION`, `RegulatoryAction`), so that a column found in a file
is the field to ask for in GraphQL.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import networkx as nx
import orjson
from starlette.requests import Request
from starlette.responses import Response

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.errors import cut
from graph.model import KINDS, FieldType
from graph.records import Citation
from schema.types import TYPE_OF_KIND
from web.export import (
    VALUE_LIST_JOIN,
    Cell,
    cache_headers,
    etag_of,
    file_name,
    not_modified,
    ranked_citations,
    to_csv,
)

_FIRST: Final = ("id", "kind", "label")
_LAST: Final = ("origin", "sources", "sourceUrls", "dataVersion")


def api_name(name: str) -> str:
    """A model field's GraphQL name.

    >>> api_name("registry_id"), api_name("name")
    ('registryId', 'name')
    """
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def type_name(kind: str) -> str:
    """The GraphQL type of a kind of node (`action` is `RegulatoryAction`)."""
    found = TYPE_OF_KIND.get(kind)
    definition = getattr(found, "__strawberry_definition__", None)
    return str(definition.name) if definition is not None else kind.title()


def list_name(kind: str) -> str:
    """The file stem of a kind: its root list's name (`regulatoryActions`, `trials`)."""
    name = type_name(kind)
    return name[0].lower() + name[1:] + "s"


def _enum_fields() -> frozenset[str]:
    return frozenset(
        f.name for kind in KINDS.values() for f in kind.fields if f.type is FieldType.ENUM
    )


ENUM_FIELDS: Final = _enum_fields()

# The columns of nodes.csv: every field declared for any kind (graph/model.py), by API name,
# whether or not the data sets it, so the layout is the same for every data version.
NODE_COLUMNS: Final = (
    *_FIRST,
    *sorted({api_name(f.name) for kind in KINDS.values() for f in kind.fields} - {*_FIRST, *_LAST}),
    *_LAST,
)


def kind_columns(kind: str) -> tuple[str, ...]:
    """The columns of one kind's CSV: the kind's own fields in the model's order."""
    own = [api_name(f.name) for f in KINDS[kind].fields]
    return (*_FIRST, *(c for c in own if c not in _FIRST and c not in _LAST), *_LAST)


def _value(name: str, value: Any) -> Any:
    """A node attribute in the API's terms, as JSON: dates as text, enum values by their
    GraphQL names, structs as objects with GraphQL keys."""
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, Citation):
        return {
            "source": value.source,
            "quote": value.quote,
            "note": value.note,
            "supports": [api_name(s) for s in value.supports],
        }
    if isinstance(value, Mapping):
        return {api_name(str(k)): _value(str(k), v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_value(name, v) for v in value]
    if name in ENUM_FIELDS and isinstance(value, str):
        return value.upper()
    return value


def _cell(name: str, value: Any) -> Cell:
    """A node attribute as one CSV or GraphML cell."""
    plain = _value(name, value)
    if plain is None or isinstance(plain, str | int | float | bool):
        return plain
    if isinstance(plain, list) and all(isinstance(v, str) for v in plain):
        return VALUE_LIST_JOIN.join(plain)
    return orjson.dumps(plain).decode()


def _row(kg: KnowledgeGraph, node_id: str) -> dict[str, Cell]:
    attrs = kg.node(node_id)
    row: dict[str, Cell] = {}
    for name, value in attrs.items():
        if name == "citations":
            continue
        row[api_name(name)] = _cell(name, value)
    row["kind"] = type_name(str(attrs["kind"]))
    citations: tuple[Citation, ...] = attrs.get("citations", ())
    row["sources"] = VALUE_LIST_JOIN.join(dict.fromkeys(c.source for c in citations))
    row["sourceUrls"] = VALUE_LIST_JOIN.join(
        c["url"] for c in ranked_citations(kg, node_id) if c["url"]
    )
    row["dataVersion"] = kg.version
    return row


def nodes_csv(kg: KnowledgeGraph) -> str:
    """Every entity: id, kind, label, every field of every kind (`NODE_COLUMNS`), its source
    ids and URLs (best kind first), the data version."""
    return to_csv(NODE_COLUMNS, (_row(kg, n) for n in sorted(kg.graph.nodes)))


def kind_csv(kg: KnowledgeGraph, kind: str) -> str:
    """The entities of one kind, with that kind's fields only."""
    ids = sorted(kg.by_kind.get(kind, ()))
    return to_csv(kind_columns(kind), (_row(kg, n) for n in ids))


def _edges(kg: KnowledgeGraph) -> list[tuple[str, str, str, str]]:
    return sorted(
        (u, v, str(key).upper(), api_name(str(data.get("field", ""))))
        for u, v, key, data in kg.graph.edges(keys=True, data=True)
    )


def edges_csv(kg: KnowledgeGraph) -> str:
    """Every relation: source, target, relation (as the `Relation` enum names it), the field
    it comes from (its GraphQL name), the data version."""
    rows = [
        {"source": u, "target": v, "relation": r, "field": f, "dataVersion": kg.version}
        for u, v, r, f in _edges(kg)
    ]
    return to_csv(("source", "target", "relation", "field", "dataVersion"), rows)


def graph_json(kg: KnowledgeGraph) -> bytes:
    """`{dataVersion, nodes, edges}`: every node with all its fields and its citations."""
    nodes = []
    for node_id in sorted(kg.graph.nodes):
        attrs = kg.node(node_id)
        node = {api_name(name): _value(name, value) for name, value in attrs.items()}
        node["kind"] = type_name(str(attrs["kind"]))
        nodes.append(node)
    edges = [{"source": u, "target": v, "relation": r, "field": f} for u, v, r, f in _edges(kg)]
    document = {"dataVersion": kg.version, "nodes": nodes, "edges": edges}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def graph_graphml(kg: KnowledgeGraph) -> bytes:
    """The graph as GraphML (networkx writes it): attributes as text, numbers and booleans;
    lists joined with "; ", structs and citations as JSON text."""
    out = nx.MultiDiGraph(dataVersion=kg.version)
    for node_id in sorted(kg.graph.nodes):
        row = _row(kg, node_id)
        attrs: dict[str, Cell] = {
            k: v for k, v in row.items() if k != "id" and v is not None and v != ""
        }
        citations = kg.node(node_id).get("citations", ())
        if citations:
            attrs["citations"] = _cell("citations", citations)
        out.add_node(node_id, **attrs)
    for u, v, relation, source_field in _edges(kg):
        out.add_edge(u, v, key=relation, relation=relation, field=source_field)
    buffer = io.BytesIO()
    nx.write_graphml(out, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class GraphFile:
    name: str
    media_type: str
    render: Callable[[KnowledgeGraph], str | bytes]
    what: str


def _kind_file(kind: str) -> GraphFile:
    return GraphFile(
        list_name(kind),
        "text/csv; charset=utf-8",
        lambda kg: kind_csv(kg, kind),
        f"{type_name(kind)}: one row per entity, with the fields of that kind only.",
    )


GRAPH_FILES: Final[Mapping[str, GraphFile]] = {
    "nodes.csv": GraphFile(
        "nodes",
        "text/csv; charset=utf-8",
        nodes_csv,
        "One row per entity of every kind: id, kind, label, every field, its sources.",
    ),
    "edges.csv": GraphFile(
        "edges",
        "text/csv; charset=utf-8",
        edges_csv,
        "One row per relation: source id, target id, relation and the field it comes from.",
    ),
    "graph.json": GraphFile(
        "graph",
        "application/json",
        graph_json,
        "The whole graph, every entity with its citations (source, quote, fields supported).",
    ),
    "graph.graphml": GraphFile(
        "graph",
        "application/graphml+xml",
        graph_graphml,
        "For Gephi, Cytoscape desktop, yEd or networkx: the whole graph with its attributes.",
    ),
    **{f"{list_name(kind)}.csv": _kind_file(kind) for kind in KINDS},
}


def graph_download(
    request: Request, kg: KnowledgeGraph, file: str, cache: dict[tuple[str, str], bytes]
) -> Response:
    """One whole-graph file, rendered once per data version and kept in `cache`; with the
    ETag and Cache-Control of GraphQL GETs."""
    spec = GRAPH_FILES.get(file)
    if spec is None:
        body = orjson.dumps(
            {
                "errors": [
                    {"message": f"no download {cut(file)!r}; there are {', '.join(GRAPH_FILES)}"}
                ]
            }
        )
        return Response(body, status_code=404, media_type="application/json")
    etag = etag_of(kg.version, file)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    key = (kg.version, file)
    found = cache.get(key)
    if found is None:
        rendered = spec.render(kg)
        found = rendered.encode() if isinstance(rendered, str) else rendered
        cache[key] = found
    extension = file.rsplit(".", 1)[1]
    name = file_name(spec.name, kg.version, extension)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', **cache_headers(etag)}
    return Response(found, media_type=spec.media_type, headers=headers)
