"""How two entities are connected: shortest paths, and neighbourhoods."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from graph.build import CITES, KnowledgeGraph
from graph.errors import NoPath
from graph.lookup import node

# Beyond this, a connection says little, and the search would cover most of a large graph.
MAX_STEPS: Final = 6


@dataclass(frozen=True, slots=True)
class Step:
    """One edge walked: from `source` to `target` along `relation`.

    `forward` is False when the edge points the other way (the path walks it backwards).
    """

    source: str
    target: str
    relation: str
    forward: bool


def _linked(kg: KnowledgeGraph, here: str, with_citations: bool) -> set[str]:
    """Nodes one edge from `here` in either direction; callers order what they keep.

    Citations link almost everything through a few sources; a path through a source says
    "both are mentioned in the same paper", not how the entities relate, so `cites` edges
    count only when asked for. This reads the adjacency dicts of `here` alone: a filtered
    networkx view would cost time in proportion to the whole graph on every call, and
    even networkx's views of one node's adjacency cost a Python call per neighbour.
    """
    found: set[str] = set()
    for adjacency in (kg.graph._succ[here], kg.graph._pred[here]):
        if with_citations:
            found.update(adjacency)
            continue
        for other, keys in adjacency.items():
            # The pair is joined by some relation other than `cites`.
            if len(keys) > 1 or CITES not in keys:
                found.add(other)
    return found


def shortest_paths(
    kg: KnowledgeGraph, start: str, end: str, limit: int = 5, with_citations: bool = False
) -> list[list[Step]]:
    """Up to `limit` shortest paths from `start` to `end`, ignoring edge direction, in a
    stable order.

    Raises `NoPath` when they are not connected.
    """
    node(kg, start)
    node(kg, end)
    parents = _parents_towards(kg, start, end, with_citations)
    if end not in parents:
        raise NoPath(f"no path of at most {MAX_STEPS} steps joins {start} and {end}")
    paths: list[list[str]] = []
    _walk_back(parents, end, [end], paths, limit)
    return [list(_steps(kg, path, with_citations)) for path in paths]


def _parents_towards(
    kg: KnowledgeGraph, start: str, end: str, with_citations: bool
) -> dict[str, list[str]]:
    """Breadth-first from `start`, level by level, until the level that reaches `end` (at
    most `MAX_STEPS` levels): for each node reached, the nodes one level nearer `start`
    that lead to it."""
    parents: dict[str, list[str]] = {start: []}
    level = [start]
    for _ in range(MAX_STEPS):
        if not level or end in parents:
            break
        reached: dict[str, list[str]] = {}
        for here in level:
            for other in _linked(kg, here, with_citations):
                if other not in parents:
                    reached.setdefault(other, []).append(here)
        parents.update(reached)
        level = sorted(reached)
    return parents


def _walk_back(
    parents: dict[str, list[str]], here: str, suffix: list[str], out: list[list[str]], limit: int
) -> None:
    if len(out) >= limit:
        return
    if not parents[here]:
        out.append(suffix[::-1])
        return
    for parent in parents[here]:
        _walk_back(parents, parent, [*suffix, parent], out, limit)


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
    chosen = [centre]
    seen = {centre}
    level = [centre]
    for _ in range(depth):
        following: list[str] = []
        for here in level:
            for other in _linked(kg, here, with_citations):
                if other not in seen:
                    seen.add(other)
                    following.append(other)
        following.sort()
        chosen.extend(following[: max_nodes - len(chosen)])
        if len(chosen) >= max_nodes or not following:
            break
        level = following
    keep = set(chosen)
    successors = kg.graph._succ
    edges = sorted(
        (u, v, k)
        for u in chosen
        for v, keys in successors[u].items()
        if v in keep
        for k in keys
        if with_citations or k != CITES
    )
    return chosen, edges
