"""How GraphQL fields read graph nodes: directly, with no mapping layer in between.

A node type's root value is the networkx attribute dict of its node, so a plain field
such as `Substance.name` is read by `read_attribute` straight from that dict, and a
reference field is followed with `follow` / `follow_all`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.errors import RegkgError
from graph.lookup import Direction, attributes, related, resolve
from graph.model import KINDS
from schema.context import Info
from schema.errors import from_regkg

NodeAttrs = Mapping[str, Any]


def read_attribute(root: Any, name: str) -> object:
    """Strawberry's default resolver: a mapping's key or an object's attribute.

    A list field that a record leaves out reads as an empty list, not null.
    """
    if isinstance(root, Mapping):
        value = root.get(name)
        if value is None:
            kind = KINDS.get(str(root.get("kind")))
            spec = kind.by_name.get(name) if kind is not None else None
            if spec is not None and spec.many:
                return ()
        return value
    return getattr(root, name)


def node_at(info: Info, node_id: str) -> Any:
    """The node with that id, known to be in the graph (an id the graph itself holds)."""
    return attributes(info.context.kg)[node_id]


def follow(info: Info, root: NodeAttrs, field: str) -> Any:
    """The node a reference field points to, or None."""
    target = root.get(field)
    return attributes(info.context.kg)[target] if isinstance(target, str) else None


def follow_all(info: Info, root: NodeAttrs, field: str) -> list[Any]:
    """The nodes a list-of-references field points to, in the order written."""
    targets = root.get(field)
    if not targets:
        return []
    found = attributes(info.context.kg)
    return [found[t] for t in targets]


def nodes(info: Info, ids: Sequence[str]) -> list[Any]:
    found = attributes(info.context.kg)
    return [found[i] for i in ids]


def graph_call(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a `graph` query, turning its errors into GraphQL errors with the same message."""
    try:
        return function(*args, **kwargs)
    except RegkgError as exc:
        raise from_regkg(exc) from None


def resolve_optional(info: Info, kind: str, id_or_name: str | None) -> str | None:
    """The id named by an argument, by id or name; None when the argument was not given."""
    if id_or_name is None:
        return None
    return str(graph_call(resolve, info.context.kg, kind, id_or_name))


def incoming(info: Info, root: NodeAttrs, relation: str) -> list[Any]:
    """The nodes whose `relation` points at this one, by id."""
    return nodes(info, related(info.context.kg, str(root["id"]), relation, Direction.IN))
