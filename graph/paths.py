"""How two entities are connected: shortest paths, and neighbourhoods."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice, pairwise

import networkx as nx

from graph.build import CITES, KnowledgeGraph
from graph.errors import NoPath
from graph.lookup import node


@dataclass(frozen=True, slots=True)
class Step:
    """One edge walked: from `source` to `target` along `relation`.

    `forward` is False when the edge points the other way (the path walks it backwards).
    """

    source: str
    target: str
    relation: str
    forward: bool


def _domain_view(kg: KnowledgeGraph, with_citations: bool) -> nx.Graph:
    # Citations link almost everything through a few sources; a path through a source
    # says "both are mentioned in the same paper", not how the entities relate.
    graph = kg.graph
    if with_citations:
        return graph.to_undirected(as_view=True)
    view = nx.subgraph_view(graph, filter_edge=lambda u, v, k: k != CITES)
    return view.to_undirected(as_view=True)


def shortest_paths(
    kg: KnowledgeGraph, start: str, end: str, limit: int = 5, with_citations: bool = False
) -> list[list[Step]]:
    """Up to `limit` shortest paths from `start` to `end`, ignoring edge direction.

    Raises `NoPath` when they are not connected.
    """
    node(kg, start)
    node(kg, end)
    view = _domain_view(kg, with_citations)
    try:
        found = list(islice(nx.all_shortest_paths(view, start, end), limit))
    except nx.NetworkXNoPath as exc:
        raise NoPath(f"{start} and {end} are not connected") from exc
    return [list(_steps(kg, path, with_citations)) for path in sorted(found)]


def _steps(kg: KnowledgeGraph, path: list[str], with_citations: bool) -> Iterator[Step]:
    for here, there in pairwise(path):
        forward = kg.graph.get_edge_data(here, there) or {}
        backward = kg.graph.get_edge_data(there, here) or {}
        usable = [k for k in sorted(forward) if with_citations or k != CITES]
        if usable:
            yield Step(here, there, usable[0], True)
        else:
            relation = min(k for k in backward if with_citations or k != CITES)
            yield Step(here, there, relation, False)


def neighbourhood(
    kg: KnowledgeGraph,
    centre: str,
    depth: int = 1,
    with_citations: bool = False,
    max_nodes: int = 500,
) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Nodes within `depth` edges of `centre` (at most `max_nodes`, nearest first) and the
    edges among them as (source, target, relation)."""
    node(kg, centre)
    view = _domain_view(kg, with_citations)
    distances = nx.single_source_shortest_path_length(view, centre, cutoff=depth)
    chosen = sorted(distances, key=lambda n: (distances[n], n))[:max_nodes]
    keep = set(chosen)
    edges = sorted(
        (u, v, k)
        for u in chosen
        for _, v, k in kg.graph.out_edges(u, keys=True)
        if v in keep and (with_citations or k != CITES)
    )
    return chosen, edges
