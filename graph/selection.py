"""Select trials and regulatory actions by what they concern."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date
from typing import Final

from graph.build import KnowledgeGraph
from graph.lookup import require_kind
from graph.orders import Backwards, Matches, Picked, sort_trials_by
from graph.records import action_date, date_order
from graph.vocab import track_of


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


def jurisdictions_within(kg: KnowledgeGraph, jurisdiction: str) -> list[str]:
    """`jurisdiction` and every jurisdiction inside it at any depth (the United States,
    then its states, then their cities), parents before their parts."""
    require_kind(kg, jurisdiction, "jurisdiction")
    found = [jurisdiction]
    seen = {jurisdiction}
    for current in found:  # grows while it is walked: breadth first
        parts = sorted(p for p, _, k in kg.graph.in_edges(current, keys=True) if k == "part_of")
        for part in parts:
            if part not in seen:
                seen.add(part)
                found.append(part)
    return found


def enclosing_jurisdictions(kg: KnowledgeGraph, jurisdiction: str) -> list[str]:
    """`jurisdiction`, then the one it lies within, and so on out (Oregon, United States).

    A country's law and its regulator's decisions apply in its states as well.
    """
    require_kind(kg, jurisdiction, "jurisdiction")
    chain = [jurisdiction]
    parent = kg.graph.nodes[jurisdiction].get("parent")
    while isinstance(parent, str) and parent not in chain:
        chain.append(parent)
        parent = kg.graph.nodes[parent].get("parent")
    return chain


def _tested_or_studied(
    kg: KnowledgeGraph, substance: str | None, condition: str | None
) -> set[str] | None:
    """Trials testing `substance` and studying `condition` (or a narrower one), from their
    own edges; None when neither is given."""
    graph = kg.graph
    found: set[str] | None = None
    if substance is not None:
        require_kind(kg, substance, "substance")
        found = {t for t, _, k in graph.in_edges(substance, keys=True) if k == "tests"}
    if condition is not None:
        studying = {
            t
            for c in narrower_conditions(kg, condition)
            for t, _, k in graph.in_edges(c, keys=True)
            if k == "studies"
        }
        found = studying if found is None else found & studying
    return found


def _phase_and_status(
    kg: KnowledgeGraph, phases: Collection[str], statuses: Collection[str]
) -> Callable[[str], bool] | None:
    """Whether a trial is in one of `phases` and one of `statuses`; None when both are empty."""
    if not phases and not statuses:
        return None
    nodes = kg.graph.nodes
    return lambda t: (
        (not phases or nodes[t].get("phase") in phases)
        and (not statuses or nodes[t].get("status") in statuses)
    )


def trials(
    kg: KnowledgeGraph,
    substance: str | None = None,
    condition: str | None = None,
    phases: Collection[str] = (),
    statuses: Collection[str] = (),
) -> list[str]:
    """Trials testing `substance` and/or studying `condition` (or a narrower one), by id.

    Candidates come from the substance's and conditions' own edges, so the work grows with
    the answer, not with the number of trials.
    """
    found = _tested_or_studied(kg, substance, condition)
    ordered: Iterable[str] = kg.by_kind["trial"] if found is None else sorted(found)
    keep = _phase_and_status(kg, phases, statuses)
    return [t for t in ordered if keep is None or keep(t)]


# Below this share of all trials, a substance's or condition's trials are sorted; above it,
# the order kept since loading is read, skipping the others, which stops once a page is full.
_SORT_BELOW: Final = 0.05


def ordered_trials(
    kg: KnowledgeGraph,
    by: str = "registry_id",
    substance: str | None = None,
    condition: str | None = None,
    phases: Collection[str] = (),
    statuses: Collection[str] = (),
) -> Matches[str] | Picked[str]:
    """The trials `trials()` selects, in the order `by` (see `sort_trials`), read only as
    far as they are used: a page costs about a page of trials, not a sort of all of them.

    Every order was computed when the graph was built, and where the trials of each phase
    and status stand in it, so a page of a phase or status costs a page however deep it
    is. Trials of a substance or condition are found from its edges; when they are few,
    only they are sorted.
    """
    orders = kg.indexes.trials
    every = orders.of(by)
    keep = _phase_and_status(kg, phases, statuses)
    found = _tested_or_studied(kg, substance, condition)
    if found is None:
        if keep is None:
            return Matches(every)
        return orders.picked(by, phases, statuses)
    if len(found) < _SORT_BELOW * len(every):
        return Matches(sort_trials(kg, [t for t in found if keep is None or keep(t)], by))
    wanted = found if keep is None else {t for t in found if keep(t)}
    return Matches(every, wanted.__contains__, total=wanted.__len__)


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
    include_subdivisions: bool = False,
    tracks: Collection[str] = (),
    jurisdiction_levels: Collection[str] = (),
) -> list[str]:
    """Regulatory actions matching every filter given, oldest first (see `matching_actions`)."""
    return list(
        matching_actions(
            kg,
            kinds=kinds,
            agency=agency,
            jurisdiction=jurisdiction,
            substance=substance,
            condition=condition,
            disclosure=disclosure,
            since=since,
            until=until,
            include_subdivisions=include_subdivisions,
            tracks=tracks,
            jurisdiction_levels=jurisdiction_levels,
        )
    )


def matching_actions(
    kg: KnowledgeGraph,
    kinds: Collection[str] = (),
    agency: str | None = None,
    jurisdiction: str | None = None,
    substance: str | None = None,
    condition: str | None = None,
    disclosure: str | None = None,
    since: date | None = None,
    until: date | None = None,
    include_subdivisions: bool = False,
    tracks: Collection[str] = (),
    jurisdiction_levels: Collection[str] = (),
    rests_on_primary_source: bool | None = None,
    newest: bool = False,
) -> Matches[str]:
    """Regulatory actions matching every filter given, oldest first (`newest`: newest
    first, undated ones last either way), read only as far as they are used.

    A condition filter includes narrower conditions. `include_subdivisions` widens a
    jurisdiction to the jurisdictions inside it (the United States and its states). Date
    bounds are inclusive and apply to the action's date; a month- or year-precision date
    matches when its range overlaps the bounds. `tracks` keeps actions on the approval or
    the legal track, `jurisdiction_levels` those applying in a country, a state or a city,
    `rests_on_primary_source` those whose best source is (or is not) a primary one.

    Without a substance, condition or jurisdiction, the orders kept since loading are read
    until a page is full; filtered only by kind, track or source, the list is counted from
    the counts kept, so neither a page nor `len()` reads every action.
    """
    places: set[str] | None = None
    if jurisdiction is not None:
        require_kind(kg, jurisdiction, "jurisdiction")
        within = jurisdictions_within(kg, jurisdiction) if include_subdivisions else [jurisdiction]
        places = set(within)
    wanted = narrower_conditions(kg, condition) if condition is not None else None
    keep = _action_test(
        kg,
        kinds,
        agency,
        places,
        tracks,
        jurisdiction_levels,
        wanted,
        disclosure,
        since,
        until,
        rests_on_primary_source,
    )
    index = kg.indexes.actions
    # Places that many actions apply in (a country and its states) are not gathered and
    # sorted: the kept order is read, testing each action's place, until a page is full.
    acting = sum(kg.indexes.topics[p][0] for p in places) if places is not None else 0
    if substance is None and wanted is None and acting >= _SORT_BELOW * len(index.oldest):
        found = None
    else:
        found = _acting_on(kg, substance, wanted, places)
    if found is None:
        if since is not None or until is not None:
            # Only the actions dated near the bounds or within them can match.
            dated = index.dated_between(since, until)
            return Matches(Backwards(dated) if newest else dated, keep)
        order = index.newest() if newest else index.oldest
        if keep is None:
            return Matches(order)
        if jurisdiction_levels or agency is not None or disclosure is not None:
            return Matches(order, keep)
        primary = rests_on_primary_source
        if places is not None:  # each action applies in one place: counted with its place
            if kinds or tracks or primary is not None:
                return Matches(order, keep)
            return Matches(order, keep, total=lambda: acting)
        return Matches(order, keep, total=lambda: _count(kg, kinds, tracks, primary))
    ids = sorted(found, key=lambda a: date_order(a, kg.graph.nodes[a]))
    return Matches(newest_first(kg, ids) if newest else ids, keep)


def _acting_on(
    kg: KnowledgeGraph, substance: str | None, wanted: set[str] | None, places: set[str] | None
) -> set[str] | None:
    """Candidates from the substance's, the conditions' or the places' own edges, so that
    the work follows the answer, not the number of actions; None when none is given."""
    if substance is not None:
        require_kind(kg, substance, "substance")
        return {a for a, _, k in kg.graph.in_edges(substance, keys=True) if k == "concerns"}
    if wanted is not None:
        return {
            a for c in wanted for a, _, k in kg.graph.in_edges(c, keys=True) if k == "for_condition"
        }
    if places is not None:
        return {
            a for p in places for a, _, k in kg.graph.in_edges(p, keys=True) if k == "applies_in"
        }
    return None


def _action_test(
    kg: KnowledgeGraph,
    kinds: Collection[str],
    agency: str | None,
    places: set[str] | None,
    tracks: Collection[str],
    jurisdiction_levels: Collection[str],
    wanted: set[str] | None,
    disclosure: str | None,
    since: date | None,
    until: date | None,
    primary: bool | None,
) -> Callable[[str], bool] | None:
    """Whether an action passes every filter given; None when none is."""
    if not (
        kinds
        or tracks
        or jurisdiction_levels
        or any(f is not None for f in (agency, places, wanted, disclosure, since, until, primary))
    ):
        return None
    nodes = kg.graph.nodes
    index = kg.indexes.actions

    def keep(action_id: str) -> bool:
        attrs = nodes[action_id]
        if kinds and attrs["action"] not in kinds:
            return False
        if agency is not None and attrs.get("agency") != agency:
            return False
        if places is not None and attrs.get("jurisdiction") not in places:
            return False
        if tracks and track_of(str(attrs["action"])) not in tracks:
            return False
        if jurisdiction_levels and nodes[attrs["jurisdiction"]]["level"] not in jurisdiction_levels:
            return False
        if wanted is not None and attrs.get("condition") not in wanted:
            return False
        if disclosure is not None and attrs.get("disclosure") != disclosure:
            return False
        if since is not None or until is not None:
            when = action_date(attrs)
            if since is not None and (when is None or when.latest < since):
                return False
            if until is not None and (when is None or when.earliest > until):
                return False
        return primary is None or index.rests_on_primary(action_id) is primary

    return keep


def _count(
    kg: KnowledgeGraph, kinds: Collection[str], tracks: Collection[str], primary: bool | None
) -> int:
    """How many actions are of one of `kinds`, on one of `tracks` (empty: any) and rest on
    a primary source or not (None: either), from the counts kept since loading."""
    index = kg.indexes.actions
    if not kinds and not tracks:
        return index.count((), primary)
    allowed = {
        kind
        for kind, _, _ in index.kinds
        if (not kinds or kind in kinds) and (not tracks or track_of(str(kind)) in tracks)
    }
    return index.count(allowed, primary) if allowed else 0


def newest_first(kg: KnowledgeGraph, actions_oldest_first: list[str]) -> list[str]:
    """The same actions newest first; those with no date stay at the end."""
    nodes = kg.graph.nodes
    dated = [a for a in actions_oldest_first if action_date(nodes[a]) is not None]
    undated = [a for a in actions_oldest_first if action_date(nodes[a]) is None]
    return dated[::-1] + undated


def sort_trials(kg: KnowledgeGraph, trial_ids: list[str], by: str) -> list[str]:
    """Trials by `registry_id`, `start` (oldest first), `-start` (newest first) or
    `-enrollment` (largest first); trials missing the value go last, ties by id."""
    return sort_trials_by(kg.graph.nodes, trial_ids, by)


def claims(kg: KnowledgeGraph, status: str | None = None, about: str | None = None) -> list[str]:
    """Claims (about one entity, or of one status, when given), by id."""
    if about is not None:
        found = sorted(c for c, _, k in kg.graph.in_edges(about, keys=True) if k == "about")
        ids = [c for c in found if kg.graph.nodes[c]["kind"] == "claim"]
    else:
        ids = list(kg.by_kind["claim"])
    return [c for c in ids if status is None or kg.graph.nodes[c]["status"] == status]


def claims_of_status(kg: KnowledgeGraph, status: str | None = None) -> Matches[str] | Picked[str]:
    """Every claim, or those of one status, by id: a page costs a page, however deep,
    read from where the claims of each status stand, kept since loading."""
    every = kg.by_kind["claim"]
    if status is None:
        return Matches(every)
    return Picked(every, [kg.indexes.claims_of(status)])
