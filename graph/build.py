"""Build the graph from validated records: a pure function, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any

import networkx as nx

from graph.history import DataVersion
from graph.indexes import Indexes
from graph.model import KINDS, FieldType
from graph.records import Record, date_order
from graph.search import NameIndex

CITES = "cites"


@dataclass(frozen=True)
class KnowledgeGraph:
    """The frozen graph and the indexes built with it.

    Node attributes are the record's typed fields plus ``id``, ``kind``, ``label``,
    ``citations`` (a tuple of `Citation`) and ``origin`` (file:line). Edge keys are
    relation names; each edge also carries ``relation`` and the ``field`` it came from.
    """

    graph: nx.MultiDiGraph
    by_kind: Mapping[str, tuple[str, ...]]  # ids of each kind, sorted
    by_label: Mapping[str, tuple[str, ...]]  # the same, in the order a reader browses them
    names: NameIndex
    version: str
    built_at: datetime
    indexes: Indexes  # orders and counts the queries read instead of scanning
    history: tuple[DataVersion, ...] = ()  # the data's recorded versions, oldest first

    def node(self, node_id: str) -> Mapping[str, Any]:
        return self.graph.nodes[node_id]  # type: ignore[no-any-return]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.graph

    @cached_property
    def actions_by_date(self) -> tuple[str, ...]:
        """Every regulatory action, oldest first; undated ones last."""
        nodes = self.graph.nodes
        return tuple(sorted(self.by_kind["action"], key=lambda a: date_order(a, nodes[a])))

    def kind(self, node_id: str) -> str:
        return str(self.graph.nodes[node_id]["kind"])


def label_of(record: Record) -> str:
    """The text a reader sees for a record: its name, title or summary."""
    value = record.fields.get(KINDS[record.kind].label_field)
    return value if isinstance(value, str) else record.id


def build_graph(records: Iterable[Record], version: str, built_at: datetime) -> KnowledgeGraph:
    """One MultiDiGraph from validated records; references become edges, citations `cites` edges."""
    graph = nx.MultiDiGraph(version=version)
    records = list(records)
    by_kind: dict[str, list[str]] = {name: [] for name in KINDS}
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
        by_kind[record.kind].append(record.id)
    for record in records:
        kind = KINDS[record.kind]
        for spec in kind.fields:
            if spec.type is not FieldType.REF or spec.name not in record.fields:
                continue
            value = record.fields[spec.name]
            targets = value if isinstance(value, tuple) else (value,)
            for target in targets:
                graph.add_edge(
                    record.id, target, key=spec.relation, relation=spec.relation, field=spec.name
                )
        for source in dict.fromkeys(c.source for c in record.citations):
            graph.add_edge(record.id, source, key=CITES, relation=CITES, field="sources")
    names = NameIndex.build(graph)
    return KnowledgeGraph(
        graph=nx.freeze(graph),
        by_kind=MappingProxyType({k: tuple(sorted(v)) for k, v in by_kind.items()}),
        by_label=MappingProxyType(
            {
                kind: tuple(sorted(ids, key=lambda i: (str(graph.nodes[i]["label"]).casefold(), i)))
                for kind, ids in by_kind.items()
            }
        ),
        names=names,
        version=version,
        built_at=built_at,
        indexes=Indexes.build(graph, by_kind),
    )
