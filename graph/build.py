"""Build the graph from validated records: a pure function, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

import networkx as nx

from graph.attributes import Attributes, Layout
from graph.dates import PartialDate
from graph.history import DataVersion
from graph.indexes import Indexes
from graph.model import KINDS, FieldType
from graph.recent import Recent
from graph.records import Citation, Record
from graph.search import NameIndex

CITES = "cites"
KEPT_ANSWERS = 256  # answers kept per graph (see `KnowledgeGraph.kept`)


@dataclass(frozen=True)
class KnowledgeGraph:
    """The frozen graph and the indexes built with it.

    Node attributes (an `Attributes` mapping) are the record's typed fields plus ``id``,
    ``kind``, ``label``, ``citations`` (a tuple of `Citation`) and ``origin`` (file:line).
    Edge keys are relation names; each edge also carries ``relation`` and the ``field`` it
    came from. Equal values are one shared object, and nothing in the graph may be
    changed: edge data dicts, for one, are shared by every edge of the same field.
    """

    graph: nx.MultiDiGraph
    by_kind: Mapping[str, tuple[str, ...]]  # ids of each kind, sorted
    by_label: Mapping[str, tuple[str, ...]]  # the same, in the order a reader browses them
    names: NameIndex
    version: str
    built_at: datetime
    indexes: Indexes  # orders and counts the queries read instead of scanning
    history: tuple[DataVersion, ...] = ()  # the data's recorded versions, oldest first
    # Answers that read a whole history or scan every name, kept while among the last
    # asked for, so that their next pages cost a page. Each graph has its own (a copy
    # with another history starts empty), so a key needs no data version or history.
    kept: Recent[Any] = field(
        default_factory=lambda: Recent(KEPT_ANSWERS), init=False, compare=False, repr=False
    )

    def node(self, node_id: str) -> Mapping[str, Any]:
        return self.graph.nodes[node_id]  # type: ignore[no-any-return]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.graph

    @property
    def actions_by_date(self) -> tuple[str, ...]:
        """Every regulatory action, oldest first; undated ones last (kept since loading)."""
        return self.indexes.actions.oldest

    def kind(self, node_id: str) -> str:
        return str(self.graph.nodes[node_id]["kind"])


def label_of(record: Record) -> str:
    """The text a reader sees for a record: its name, title or summary."""
    value = record.fields.get(KINDS[record.kind].label_field)
    return value if isinstance(value, str) else record.id


def build_graph(records: Iterable[Record], version: str, built_at: datetime) -> KnowledgeGraph:
    """One MultiDiGraph from validated records; references become edges, citations `cites` edges."""
    records = list(records)
    share = Sharing()
    nodes: dict[str, Attributes] = {}
    by_kind: dict[str, list[str]] = {name: [] for name in KINDS}
    for record in records:
        node_id = share.value(record.id)
        nodes[node_id] = share.attributes(_attributes(record))
        by_kind[record.kind].append(node_id)
    succ, pred = _adjacency(records, nodes, share)
    graph = assemble_graph(version, nodes, succ, pred)
    return KnowledgeGraph(
        graph=graph,
        by_kind=MappingProxyType({k: tuple(sorted(v)) for k, v in by_kind.items()}),
        by_label=MappingProxyType(
            {
                kind: tuple(sorted(ids, key=lambda i: (str(nodes[i]["label"]).casefold(), i)))
                for kind, ids in by_kind.items()
            }
        ),
        names=NameIndex.build(graph),
        version=version,
        built_at=built_at,
        indexes=Indexes.build(graph, by_kind),
    )


def _attributes(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "label": label_of(record),
        "citations": record.citations,
        "origin": record.origin,
        **record.fields,
    }


Adjacency = dict[str, dict[str, dict[str, dict[str, str]]]]  # node -> neighbour -> key -> data


def _adjacency(
    records: list[Record], nodes: Mapping[str, Attributes], share: Sharing
) -> tuple[Adjacency, Adjacency]:
    """Successors and predecessors as networkx keeps them, each pair's key dict shared by
    the two sides, and by every other pair joined by the same relations."""
    # (from, to) -> relation -> field, in the order the edges are met; a relation met
    # twice between the same nodes is one edge whose field is the last one met.
    pairs: dict[tuple[str, str], dict[str, str]] = {}
    for record in records:
        here = share.value(record.id)
        for spec in KINDS[record.kind].fields:
            if spec.type is not FieldType.REF or spec.name not in record.fields:
                continue
            value = record.fields[spec.name]
            for target in value if isinstance(value, tuple) else (value,):
                pairs.setdefault((here, share.value(str(target))), {})[spec.relation] = spec.name
        for source in dict.fromkeys(c.source for c in record.citations):
            pairs.setdefault((here, share.value(source)), {})[CITES] = "sources"
    succ: Adjacency = {node: {} for node in nodes}
    pred: Adjacency = {node: {} for node in nodes}
    for (here, there), relations in pairs.items():
        keys = share.edge_keys(tuple(relations.items()))
        succ[here][there] = keys
        pred[there][here] = keys
    none: dict[str, dict[str, dict[str, str]]] = {}  # one for every node without neighbours
    return (
        {node: out or none for node, out in succ.items()},
        {node: into or none for node, into in pred.items()},
    )


def assemble_graph(
    version: str, nodes: dict[str, Attributes], succ: Adjacency, pred: Adjacency
) -> nx.MultiDiGraph:
    """The frozen networkx graph over prepared dicts, made without a call per node or edge.

    The dicts are networkx's own layout for a MultiDiGraph: `add_node` and `add_edge`
    would build the same ones, a hundred times slower on a million nodes.
    """
    graph = nx.MultiDiGraph(version=version)
    graph._node = nodes
    graph._adj = succ  # also the successors
    graph._pred = pred
    return nx.freeze(graph)


class Sharing:
    """One object for equal values: a million-record graph repeats the same field names,
    enum values, dates, references and edge data millions of times, and a snapshot keeps
    whatever sharing the graph has."""

    def __init__(self) -> None:
        self._values: dict[object, Any] = {}
        self._layouts: dict[tuple[str, ...], Layout] = {}
        self._edge_keys: dict[tuple[tuple[str, str], ...], dict[str, dict[str, str]]] = {}
        self._edge_data: dict[tuple[str, str], dict[str, str]] = {}

    def value(self, value: Any) -> Any:
        """`value` or an equal one met before. Only values that equal nothing of another
        type are shared (text, dates, tuples of them), so True never becomes 1."""
        if isinstance(value, str | PartialDate):
            return self._values.setdefault(value, value)
        if isinstance(value, Citation):
            return Citation._make(map(self.value, value))
        if isinstance(value, tuple):
            items = tuple(map(self.value, value))
            if all(isinstance(item, str | PartialDate) for item in items):
                return self._values.setdefault(items, items)
            return items
        if isinstance(value, Mapping):
            return {self.value(k): self.value(v) for k, v in value.items()}
        return value

    def attributes(self, fields: Mapping[str, Any]) -> Attributes:
        names = tuple(map(self.value, fields))
        layout = self._layouts.get(names)
        if layout is None:
            layout = self._layouts[names] = {name: i for i, name in enumerate(names)}
        return Attributes(layout, tuple(map(self.value, fields.values())))

    def edge_keys(self, relations: tuple[tuple[str, str], ...]) -> dict[str, dict[str, str]]:
        """The key dict of a pair of nodes joined by these (relation, field) edges."""
        keys = self._edge_keys.get(relations)
        if keys is None:
            keys = self._edge_keys[relations] = {
                relation: self._data(relation, field) for relation, field in relations
            }
        return keys

    def _data(self, relation: str, field: str) -> dict[str, str]:
        data = self._edge_data.get((relation, field))
        if data is None:
            data = self._edge_data[(relation, field)] = {"relation": relation, "field": field}
        return data
