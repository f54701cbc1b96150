"""Select trials and regulatory actions by what they concern."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.lookup import require_kind


def narrower_conditions(kg: KnowledgeGraph, condition: str) -> set[str]:
    """`condition` and every condition under it (anorexia nervosa under eating disorders)."""
    require_kind(kg, condition, "condition")
    found = {condition}
    stack = [condition]
    while stack:
        current = stack.pop()
        for child, _, key in kg.graph.in_edges(current, keys=True):
            if key == "narrower_than" and child not in found:
                found.add(child)
                stack.append(child)
    return found


def trials(
    kg: KnowledgeGraph,
    substance: str | None = None,
    condition: str | None = None,
    phases: Collection[str] = (),
    statuses: Collection[str] = (),
) -> list[str]:
    """Trials testing `substance` and/or studying `condition` (or a narrower one), by id."""
    if substance is not None:
        require_kind(kg, substance, "substance")
        candidates = {t for t, _, k in kg.graph.in_edges(substance, keys=True) if k == "tests"}
    else:
        candidates = set(kg.by_kind["trial"])
    if condition is not None:
        wanted = narrower_conditions(kg, condition)
        candidates = {
            t
            for t in candidates
            if any(k == "studies" and c in wanted for _, c, k in kg.graph.out_edges(t, keys=True))
        }
    nodes = kg.graph.nodes
    return sorted(
        t
        for t in candidates
        if (not phases or nodes[t].get("phase") in phases)
        and (not statuses or nodes[t].get("status") in statuses)
    )


def action_date(attrs: Mapping[str, object]) -> PartialDate | None:
    """When an action happened: the regulator's date, else when it was announced."""
    for field in ("date", "announced", "effective"):
        value = attrs.get(field)
        if isinstance(value, PartialDate):
            return value
    return None


def actions(
    kg: KnowledgeGraph,
    kinds: Collection[str] = (),
    agency: str | None = None,
    jurisdiction: str | None = None,
    substance: str | None = None,
    condition: str | None = None,
    disclosure: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[str]:
    """Regulatory actions matching every filter given, oldest first.

    A condition filter includes narrower conditions. Date bounds are inclusive and apply
    to the action's date; a month- or year-precision date matches when its range
    overlaps the bounds.
    """
    if substance is not None:
        require_kind(kg, substance, "substance")
        ids = [a for a, _, k in kg.graph.in_edges(substance, keys=True) if k == "concerns"]
    else:
        ids = list(kg.by_kind["action"])
    wanted = narrower_conditions(kg, condition) if condition is not None else None
    nodes = kg.graph.nodes
    selected = []
    for action_id in ids:
        attrs = nodes[action_id]
        when = action_date(attrs)
        if kinds and attrs["action"] not in kinds:
            continue
        if agency is not None and attrs.get("agency") != agency:
            continue
        if jurisdiction is not None and attrs.get("jurisdiction") != jurisdiction:
            continue
        if wanted is not None and attrs.get("condition") not in wanted:
            continue
        if disclosure is not None and attrs.get("disclosure") != disclosure:
            continue
        if since is not None and (when is None or when.latest < since):
            continue
        if until is not None and (when is None or when.earliest > until):
            continue
        selected.append(action_id)
    return sorted(selected, key=lambda a: (*_date_key(nodes[a]), a))


def _date_key(attrs: dict[str, object]) -> tuple[date, date]:
    when = action_date(attrs)
    return (when.earliest, when.latest) if when else (date.max, date.max)
