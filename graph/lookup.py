"""Find nodes by id or name, and walk to their neighbours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from graph.build import KnowledgeGraph
from graph.errors import NodeNotFound, NoMatch, WrongKind
from graph.search import ALL_WORDS


class Direction(StrEnum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Neighbour:
    id: str
    relation: str
    direction: Direction  # OUT: this node -> neighbour; IN: neighbour -> this node


def attributes(kg: KnowledgeGraph) -> Mapping[str, Mapping[str, Any]]:
    """Every node's attributes by id, each read with one dict lookup.

    `kg.node` goes through networkx's node view, two Python calls per node; an answer
    follows a reference for every source it cites and every name it shows, thousands for
    a page of trials. Read-only, as the whole graph is.
    """
    return kg.graph._node  # type: ignore[no-any-return]


def node(kg: KnowledgeGraph, node_id: str) -> Mapping[str, object]:
    """The attributes of `node_id`; `NodeNotFound` if there is none."""
    if node_id not in kg.graph:
        raise NodeNotFound(node_id)
    return kg.node(node_id)


def require_kind(kg: KnowledgeGraph, node_id: str, kind: str) -> Mapping[str, object]:
    """The attributes of `node_id`, which must be a `kind`."""
    attrs = node(kg, node_id)
    if attrs["kind"] != kind:
        raise WrongKind(node_id, kind)
    return attrs


def resolve(kg: KnowledgeGraph, kind: str, id_or_name: str) -> str:
    """The id of the `kind` named by an id, or by a name, synonym or abbreviation.

    A name must match exactly, as a prefix, or word for word: a near spelling is never
    taken silently ("ketamine" is not esketamine), but `NoMatch` names the closest ones.
    Raises `NodeNotFound` for an id of that kind that does not exist.
    """
    if id_or_name in kg.graph:
        require_kind(kg, id_or_name, kind)
        return id_or_name
    if id_or_name.startswith(f"{kind}:"):
        raise NodeNotFound(id_or_name)
    hits = kg.names.search(id_or_name, kinds=(kind,), limit=3)
    if hits and hits[0].score >= ALL_WORDS:
        return hits[0].id
    raise NoMatch(kind, id_or_name, [hit.label for hit in hits])


def neighbours(
    kg: KnowledgeGraph,
    node_id: str,
    relation: str | None = None,
    direction: Direction = Direction.BOTH,
) -> list[Neighbour]:
    """Nodes one edge away, optionally only along `relation`, sorted by relation then id."""
    node(kg, node_id)
    found: set[Neighbour] = set()
    if direction in (Direction.OUT, Direction.BOTH):
        for _, target, key in kg.graph.out_edges(node_id, keys=True):
            if relation is None or key == relation:
                found.add(Neighbour(target, key, Direction.OUT))
    if direction in (Direction.IN, Direction.BOTH):
        for source, _, key in kg.graph.in_edges(node_id, keys=True):
            if relation is None or key == relation:
                found.add(Neighbour(source, key, Direction.IN))
    return sorted(found, key=lambda n: (n.relation, n.id, n.direction))


def related(kg: KnowledgeGraph, node_id: str, relation: str, direction: Direction) -> list[str]:
    """Ids of the neighbours along one relation in one direction, in a stable order."""
    return [n.id for n in neighbours(kg, node_id, relation, direction)]


def name_on(organisation: Mapping[str, Any], day: date) -> str:
    """The name an organisation went by on `day`; its current name when history is silent.

    >>> from graph.dates import PartialDate
    >>> lykos = {"name": "Lykos Therapeutics", "names": (
    ...     {"name": "MAPS Public Benefit Corporation", "to": PartialDate(2024, 1, 4)},
    ...     {"name": "Lykos Therapeutics", "from": PartialDate(2024, 1, 5)})}
    >>> name_on(lykos, date(2023, 6, 1)), name_on(lykos, date(2024, 6, 1))
    ('MAPS Public Benefit Corporation', 'Lykos Therapeutics')
    """
    for entry in organisation.get("names", ()):
        start, end = entry.get("from"), entry.get("to")
        if (start is None or start.earliest <= day) and (end is None or day <= end.latest):
            return str(entry["name"])
    return str(organisation["name"])


def trial_by_registry_id(kg: KnowledgeGraph, registry_id: str) -> str | None:
    """The trial registered as `registry_id` (NCT..., ACTRN...), whatever its regkg id."""
    found = kg.names.exact(registry_id, "trial", "registry_id")
    return found[0] if found else None
