"""Trial lists read from orders kept since loading: the same pages a full sort gives, for
every order, filter and cursor, at the cost of a page."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.generate import generate
from graph.build import KnowledgeGraph
from graph.load import load_graph
from graph.orders import TRIAL_ORDERS, Backwards, Matches
from graph.records import date_order
from graph.selection import ordered_trials, sort_trials, trials
from schema.relay import _cursor, paginate
from tests.conftest import TINY

Make = Callable[[dict[str, str]], Path]

# Starts and enrollments drawn from short lists, so that orders have ties and gaps: the
# same day, a month or a year alone, no date; the same count, zero, no count.
STARTS = ("2020-01-01", "2020-01", "2019", None, "2020-01-01", "2018-06-30", None)
ENROLLMENTS = (100, 0, None, 100, 12, None, 250, 12)
PHASES = ("PHASE1", "PHASE2", "PHASE3")
STATUSES = ("COMPLETED", "RECRUITING", "WITHDRAWN", "COMPLETED")


def _many_trials(count: int) -> str:
    """`count` trials whose registry ids run against their regkg ids."""
    out = []
    for i in range(count):
        start, enrollment = STARTS[i % len(STARTS)], ENROLLMENTS[i % len(ENROLLMENTS)]
        substances = "[substance:x]" if i % 3 else "[substance:x, substance:y]"
        out.append(
            f"""
    - id: trial:t{i:03d}
      registry_id: NCT{90000000 - i * 7 % 40:08d}
      title: Trial number {i}
      phase: {PHASES[i % len(PHASES)]}
      status: {STATUSES[i % len(STATUSES)]}
      substances: {substances if i % 5 else "[substance:y]"}
      conditions: [{"condition:narrow" if i % 2 else "condition:broad"}]"""
            + (f"\n      start: {start}" if start else "")
            + (f"\n      enrollment: {enrollment}" if enrollment is not None else "")
            + "\n      sources: [{source: source:agency-page, derived: test}]"
        )
    return "\n".join(out)


SUBSTANCE_Y = """
    - id: substance:y
      name: Whyzine
      sources: [{source: source:agency-page, derived: test}]
"""


@pytest.fixture(scope="module")
def ties(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    from tests.conftest import write_data

    root = write_data(
        tmp_path_factory.mktemp("ties"),
        {**TINY, "more.yaml": SUBSTANCE_Y + _many_trials(40)},
    )
    return load_graph(root)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return load_graph(generate(800, tmp_path_factory.mktemp("generated") / "set", seed=5))


def _filters(kg: KnowledgeGraph) -> list[dict[str, object]]:
    substances = [None, *kg.by_kind["substance"][:3]]
    conditions = [None, *kg.by_kind["condition"][:2]]
    nodes = kg.graph.nodes
    phases = sorted({str(nodes[t].get("phase")) for t in kg.by_kind["trial"]})
    statuses = sorted({str(nodes[t].get("status")) for t in kg.by_kind["trial"]})
    found: list[dict[str, object]] = []
    for substance, condition in itertools.product(substances, conditions):
        for wanted_phases, wanted_statuses in [
            ((), ()),
            (phases[:1], ()),
            ((), statuses[-2:]),
            (phases[1:3], statuses[:1]),
        ]:
            found.append(
                {
                    "substance": substance,
                    "condition": condition,
                    "phases": wanted_phases,
                    "statuses": wanted_statuses,
                }
            )
    return found


def _as_before(kg: KnowledgeGraph, by: str, **filters: object) -> list[str]:
    """What the list was before orders were kept: select, then sort everything."""
    return sort_trials(kg, trials(kg, **filters), by)  # type: ignore[arg-type]


def _pages(items: Sequence[str]) -> list[tuple[object, ...]]:
    """Every page shape a client asks for, as (nodes, cursors, total, next, previous)."""
    cursors: list[tuple[object, ...]] = []
    shapes: list[dict[str, object]] = [
        {"first": None, "after": None},
        {"first": 7, "after": None},
        {"first": 7, "after": _cursor(4)},
        {"first": 3, "after": _cursor(10_000)},
        {"first": 0, "after": None},
        {"first": None, "after": None, "last": 5},
        {"first": None, "after": None, "last": 4, "before": _cursor(9)},
        {"first": 3, "after": _cursor(2), "before": _cursor(8)},
        {"first": None, "after": _cursor(1), "last": 2, "before": _cursor(30)},
    ]
    for shape in shapes:
        page = paginate(items, **shape)  # type: ignore[arg-type]
        cursors.append(
            (
                page.nodes,
                [e.cursor for e in page.edges],
                len(page.matching),
                page.page_info.has_next_page,
                page.page_info.has_previous_page,
            )
        )
    return cursors


@pytest.mark.parametrize("by", TRIAL_ORDERS)
def test_every_page_equals_a_full_sort_with_ties_and_gaps(ties: KnowledgeGraph, by: str) -> None:
    for filters in _filters(ties):
        expected = _as_before(ties, by, **filters)
        found = ordered_trials(ties, by, **filters)  # type: ignore[arg-type]
        assert list(found) == expected, filters
        assert _pages(ordered_trials(ties, by, **filters)) == _pages(expected), filters  # type: ignore[arg-type]


@pytest.mark.parametrize("by", TRIAL_ORDERS)
def test_every_page_equals_a_full_sort_on_a_generated_set(
    generated: KnowledgeGraph, by: str
) -> None:
    for filters in _filters(generated):
        expected = _as_before(generated, by, **filters)
        assert _pages(ordered_trials(generated, by, **filters)) == _pages(expected), filters  # type: ignore[arg-type]


@pytest.mark.parametrize("by", TRIAL_ORDERS)
def test_every_page_equals_a_full_sort_on_the_bundled_data(real: KnowledgeGraph, by: str) -> None:
    for filters in _filters(real):
        expected = _as_before(real, by, **filters)
        assert _pages(ordered_trials(real, by, **filters)) == _pages(expected), filters  # type: ignore[arg-type]


def test_the_orders_have_ties_and_gaps(ties: KnowledgeGraph) -> None:
    # The fixture is only worth its name if equal and missing values are there to order.
    nodes = ties.graph.nodes
    starts = [nodes[t].get("start") for t in ties.by_kind["trial"]]
    assert starts.count(None) >= 5
    assert len(set(starts)) < len(starts) - 5
    by_registry = ties.indexes.trials.of("registry_id")
    assert by_registry != ties.by_kind["trial"]  # registry ids run against the regkg ids
    assert list(by_registry) == sort_trials(ties, list(ties.by_kind["trial"]), "registry_id")


def test_a_page_reads_a_page_not_the_list(generated: KnowledgeGraph) -> None:
    every = generated.indexes.trials.of("start")
    page = ordered_trials(generated, "start")
    assert paginate(page, 10, _cursor(49)).nodes == list(every[50:60])
    assert page.walked == 11  # the page, and one more to know that there is a next page

    # Filtered by phase: read where the trials of that phase stand, counted from the
    # counts kept.
    phase = str(generated.node(every[0])["phase"])
    filtered = ordered_trials(generated, "start", phases=[phase])
    found = paginate(filtered, 5, None)
    assert len(found.matching) == sum(1 for t in every if generated.node(t)["phase"] == phase)
    assert filtered.walked == 6


def test_a_deep_page_of_a_phase_and_status_reads_a_page(generated: KnowledgeGraph) -> None:
    nodes = generated.graph.nodes
    phases = sorted({str(nodes[t]["phase"]) for t in generated.by_kind["trial"]})
    statuses = sorted({str(nodes[t]["status"]) for t in generated.by_kind["trial"]})
    for by in TRIAL_ORDERS:
        every = generated.indexes.trials.of(by)
        for wanted_phases, wanted_statuses in [
            (phases[:1], ()),
            (phases[1:4], ()),
            ((), statuses[:2]),
            (phases[:2], statuses[1:3]),
        ]:
            matching = [
                t
                for t in every
                if (not wanted_phases or nodes[t]["phase"] in wanted_phases)
                and (not wanted_statuses or nodes[t]["status"] in wanted_statuses)
            ]
            deep = len(matching) * 2 // 3
            found = ordered_trials(generated, by, phases=wanted_phases, statuses=wanted_statuses)
            page = paginate(found, 10, _cursor(deep))
            assert page.nodes == matching[deep + 1 : deep + 11]
            assert page.page_info.has_next_page is (deep + 11 < len(matching))
            assert found.walked == len(matching[deep + 1 : deep + 12])  # not `deep` of them
            assert len(found) == len(matching)


def test_the_last_page_is_read_from_the_end(generated: KnowledgeGraph) -> None:
    every = generated.indexes.trials.of("-enrollment")
    phase = str(generated.node(every[-1])["phase"])
    filtered = ordered_trials(generated, "-enrollment", phases=[phase])
    found = paginate(filtered, None, None, last=3)
    matching = [t for t in every if generated.node(t)["phase"] == phase]
    assert found.nodes == matching[-3:]
    assert filtered.walked == 3


def test_no_sort_for_a_page_of_every_trial(
    generated: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("sorted trials for a request")

    monkeypatch.setattr("graph.selection.sort_trials", refuse)
    monkeypatch.setattr("graph.orders.sort_trials_by", refuse)
    phase = str(generated.node(generated.by_kind["trial"][0])["phase"])
    for by in TRIAL_ORDERS:
        assert len(paginate(ordered_trials(generated, by), 100, None).nodes) == 100
        assert len(paginate(ordered_trials(generated, by, phases=[phase]), 100, None).matching)


def test_a_common_substance_reads_the_kept_order(generated: KnowledgeGraph) -> None:
    # A substance tested in many trials is not sorted: the kept order is read, skipping
    # the trials of other substances, until the page is full.
    nodes = generated.graph.nodes
    substance = max(
        generated.by_kind["substance"],
        key=lambda s: sum(1 for _ in generated.graph.in_edges(s)),
    )
    found = ordered_trials(generated, "start", substance=substance)
    first = paginate(found, 2, None).nodes
    every = generated.indexes.trials.of("start")
    tested = [t for t in every if substance in nodes[t]["substances"]]
    assert first == tested[:2]


def test_matches_reads_on_demand() -> None:
    seen: list[int] = []

    def keep(n: int) -> bool:
        seen.append(n)
        return n % 3 == 0

    threes = Matches(range(100), keep)
    assert threes[:2] == [0, 3]
    assert seen == [0, 1, 2, 3]
    assert threes[1] == 3
    assert len(seen) == 4
    assert len(threes) == 34
    assert threes[-1] == 99
    assert list(threes)[:3] == [0, 3, 6]
    assert threes[::10] == [0, 30, 60, 90]
    with pytest.raises(IndexError):
        threes[34]
    assert Matches((1, 2, 3))[1:] == [2, 3]


def test_an_unknown_order_is_refused(tiny: KnowledgeGraph) -> None:
    with pytest.raises(ValueError, match="unknown trial order 'colour'"):
        ordered_trials(tiny, "colour")


def test_claims_of_a_status_are_counted_without_reading_them(generated: KnowledgeGraph) -> None:
    from graph.selection import claims, claims_of_status

    every = generated.by_kind["claim"]
    status = str(generated.node(every[0])["status"])
    found = claims_of_status(generated, status)
    assert len(found) == len(claims(generated, status=status))
    assert found.walked == 0
    assert paginate(found, 3, None).nodes == claims(generated, status=status)[:3]
    assert found.walked == 4  # the page, and one more to know that there is a next page
    deep = paginate(found, 3, _cursor(len(found) - 5))
    assert deep.nodes == claims(generated, status=status)[-4:-1]
    assert found.walked == 4 + 4
    assert list(claims_of_status(generated)) == claims(generated)


def test_coverage_is_counted_when_the_graph_is_built(real: KnowledgeGraph) -> None:
    from graph.coverage import topic_coverage
    from graph.records import date_order

    for topic in real.by_kind["jurisdiction"] + real.by_kind["substance"]:
        relation = "applies_in" if topic.startswith("jurisdiction:") else "concerns"
        acting = [a for a, _, k in real.graph.in_edges(topic, keys=True) if k == relation]
        dated = [a for a in acting if date_order(a, real.node(a))[0].year < 9999]
        newest = max(dated, key=lambda a: date_order(a, real.node(a))) if dated else None
        found = topic_coverage(real, topic)
        assert (found.actions, found.newest_action) == (len(acting), newest), topic


@pytest.mark.parametrize("year", [1990, 2012, 2020, 2100])
def test_stale_claims_are_counted_from_the_dates_kept(generated: KnowledgeGraph, year: int) -> None:
    from datetime import date

    from graph.provenance import newest_source_date, stale_claims

    day = date(year, 6, 15)
    expected = []
    for claim in generated.by_kind["claim"]:
        newest = newest_source_date(generated, claim)
        if newest is None or newest.latest < day:
            expected.append((claim, newest))
    found = stale_claims(generated, day)
    assert len(found) == len(expected)
    assert found.walked == 0
    assert paginate(found, 5, _cursor(1)).nodes == expected[2:7]
    assert list(stale_claims(generated, day)) == expected


def test_backwards_reads_like_the_reversed_list() -> None:
    items = tuple("abcdefg")
    backwards, expected = Backwards(items), list(reversed(items))
    assert len(backwards) == len(expected)
    assert list(backwards) == expected
    for start, stop in itertools.product(range(-9, 10), repeat=2):
        assert backwards[start:stop] == expected[start:stop], (start, stop)
    for index in range(-7, 7):
        assert backwards[index] == expected[index]
    with pytest.raises(IndexError):
        backwards[7]


# --- regulatory actions ------------------------------------------------------------------


def _actions_as_before(
    kg: KnowledgeGraph, newest: bool, primary: bool | None, **filters: object
) -> list[str]:
    """What a list of actions was before orders and flags were kept: select every match,
    ask each for its evidence, then reverse the dated ones."""
    from graph.provenance import evidence
    from graph.records import action_date

    nodes = kg.graph.nodes
    found = [
        a
        for a in sorted(kg.by_kind["action"], key=lambda a: date_order(a, nodes[a]))
        if _action_passes(kg, a, **filters)
        and (primary is None or evidence(kg, a).primary is primary)
    ]
    if not newest:
        return found
    dated = [a for a in found if action_date(nodes[a]) is not None]
    return dated[::-1] + [a for a in found if action_date(nodes[a]) is None]


def _action_passes(kg: KnowledgeGraph, action: str, **filters: object) -> bool:
    from graph.records import action_date
    from graph.selection import jurisdictions_within
    from graph.vocab import track_of

    attrs = kg.node(action)
    when = action_date(attrs)
    since, until = filters.get("since"), filters.get("until")
    if since is not None and (when is None or when.latest < since):  # type: ignore[operator]
        return False
    if until is not None and (when is None or when.earliest > until):  # type: ignore[operator]
        return False
    kinds = filters.get("kinds") or ()
    tracks = filters.get("tracks") or ()
    agency = filters.get("agency")
    substance = filters.get("substance")
    jurisdiction = filters.get("jurisdiction")
    places = None
    if isinstance(jurisdiction, str):
        places = {jurisdiction}
        if filters.get("include_subdivisions"):
            places = set(jurisdictions_within(kg, jurisdiction))
    return (
        (not kinds or attrs["action"] in kinds)  # type: ignore[operator]
        and (not tracks or track_of(str(attrs["action"])) in tracks)  # type: ignore[operator]
        and (agency is None or attrs.get("agency") == agency)
        and (substance is None or kg.graph.has_edge(action, substance, key="concerns"))
        and (places is None or attrs["jurisdiction"] in places)
    )


def _action_filters(kg: KnowledgeGraph) -> list[dict[str, object]]:
    nodes = kg.graph.nodes
    kinds = sorted({str(nodes[a]["action"]) for a in kg.by_kind["action"]})
    agency = nodes[kg.by_kind["action"][0]].get("agency")
    substance = max(kg.by_kind["substance"], key=lambda s: len(kg.graph.in_edges(s)))
    kept = kg.indexes.actions
    days = [date.fromordinal(d) for d in kept.earliest]  # sorted
    places = sorted(kg.by_kind["jurisdiction"], key=lambda j: kg.indexes.topics[j][0])
    return [
        {},
        {"kinds": kinds[:2]},
        {"tracks": ["legal"]},
        {"kinds": kinds[:3], "tracks": ["approval"]},
        {"agency": agency},
        {"substance": substance},
        {"substance": substance, "kinds": kinds[::2]},
        {"jurisdiction": "jurisdiction:US"},
        {"jurisdiction": "jurisdiction:US", "include_subdivisions": True},
        {"jurisdiction": "jurisdiction:US", "kinds": kinds[:4]},
        {"jurisdiction": places[-1], "since": days[len(days) // 2]},
        {"since": days[len(days) // 2]},
        {"since": days[len(days) // 4], "kinds": kinds[:4]},
        {"until": days[len(days) // 3]},
        {"since": days[len(days) // 3], "until": days[len(days) // 3] + timedelta(days=40)},
        {"since": days[-1] + timedelta(days=400)},
    ]


@pytest.mark.parametrize("newest", [False, True])
@pytest.mark.parametrize("primary", [None, True, False])
@pytest.mark.parametrize("sort_below", [0.05, 1.0])  # 1.0: a place's actions are sorted
def test_every_page_of_actions_is_as_before(
    generated: KnowledgeGraph,
    newest: bool,
    primary: bool | None,
    sort_below: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from graph.selection import matching_actions

    monkeypatch.setattr("graph.selection._SORT_BELOW", sort_below)

    for filters in _action_filters(generated):
        expected = _actions_as_before(generated, newest, primary, **filters)
        found = matching_actions(
            generated,
            newest=newest,
            rests_on_primary_source=primary,
            **filters,  # type: ignore[arg-type]
        )
        assert list(found) == expected, filters
        again = matching_actions(
            generated,
            newest=newest,
            rests_on_primary_source=primary,
            **filters,  # type: ignore[arg-type]
        )
        assert _pages(again) == _pages(expected), filters


def test_the_primary_source_flags_are_the_evidence(
    generated: KnowledgeGraph, real: KnowledgeGraph
) -> None:
    from graph.provenance import evidence

    for kg in (generated, real):
        kept = kg.indexes.actions
        flags = [kept.rests_on_primary(a) for a in kg.by_kind["action"]]
        assert flags == [evidence(kg, a).primary for a in kg.by_kind["action"]]
        assert any(flags)
        assert not all(flags)
        assert kept.count(primary=True) == sum(flags)
        assert kept.count() == len(flags)


def test_a_page_of_all_actions_reads_a_page(generated: KnowledgeGraph) -> None:
    from graph.selection import matching_actions

    kept = generated.indexes.actions
    for newest in (False, True):
        every = matching_actions(generated, newest=newest)
        page = paginate(every, 10, None)
        assert page.nodes == _actions_as_before(generated, newest, None)[:10]
        assert every.walked == 11  # the page, and one more to know that there is a next page
        deep = paginate(every, 10, _cursor(len(every) // 2))
        assert len(deep.nodes) == 10
        assert every.walked == 22

        # Resting on a primary source: read until the page is full, counted from the flags.
        primary = matching_actions(generated, newest=newest, rests_on_primary_source=True)
        assert len(paginate(primary, 10, None).nodes) == 10
        assert primary.walked < 40 < len(kept.oldest)
        assert len(primary) == kept.count(primary=True)
        assert primary.walked < 40

        # Of some kinds: counted from the counts kept too.
        kinds = sorted({str(k) for k, _, _ in kept.kinds})[:3]
        few = matching_actions(generated, kinds=kinds, newest=newest)
        assert len(few) == sum(1 for a in kept.oldest if generated.node(a)["action"] in kinds)
        assert few.walked == 0


def test_a_page_since_a_day_reads_from_that_day(generated: KnowledgeGraph) -> None:
    from graph.records import action_date
    from graph.selection import matching_actions

    kept = generated.indexes.actions
    middle = action_date(generated.node(kept.oldest[kept.dated // 2]))
    assert middle is not None
    since = middle.latest
    found = matching_actions(generated, since=since)
    page = paginate(found, 10, None)
    assert page.nodes == _actions_as_before(generated, False, None, since=since)[:10]
    # From a year before that day at most (the widest date spans a year), not from the first.
    dates = [action_date(generated.node(a)) for a in kept.oldest[: kept.dated]]
    before = sum(1 for d in dates if d is not None and d.latest < since)
    assert found.walked < before


def test_newest_first_reads_like_the_dated_ones_reversed() -> None:
    from graph.orders import NewestFirst

    items = tuple("abcdexy")
    newest, expected = NewestFirst(items, 5), list("edcbaxy")
    assert len(newest) == len(expected)
    assert list(newest) == expected
    for start, stop in itertools.product(range(-9, 10), repeat=2):
        assert newest[start:stop] == expected[start:stop], (start, stop)
    for index in range(-7, 7):
        assert newest[index] == expected[index]
    assert newest[::3] == expected[::3]
    with pytest.raises(IndexError):
        newest[7]


@pytest.mark.parametrize("year", [2012, 2020, 2100])
def test_a_page_of_stale_claims_reads_its_block_not_the_list(
    generated: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch, year: int
) -> None:
    from datetime import date

    from graph import indexes

    monkeypatch.setattr(indexes, "STALE_BLOCK", 16)  # blocks to skip, in a small set
    kept = indexes.Indexes.build(
        generated.graph, {k: list(v) for k, v in generated.by_kind.items()}
    )
    claims = generated.by_kind["claim"]
    day = date(year, 6, 15)
    stale = [
        i for i, d in enumerate(kept.claims_newest) if d is None or d.latest < day
    ]  # positions of the stale claims among all claims
    assert 0 < len(stale) <= len(claims)
    for start in range(0, len(stale), 7):
        found = kept.stale_claims(claims, day)
        page = paginate(found, 5, _cursor(start - 1) if start >= 1 else None)
        assert page.nodes == [(claims[i], kept.claims_newest[i]) for i in stale[start : start + 5]]
        assert page.page_info.has_next_page is (start + 5 < len(stale))
        last = stale[start + 5] if start + 5 < len(stale) else len(claims) - 1
        assert found.walked <= 16 + last - stale[start] + 1  # its block, then the page
    assert list(kept.stale_claims(claims, day)) == [
        (claims[i], kept.claims_newest[i]) for i in stale
    ]


def test_a_page_of_a_common_place_reads_a_page(generated: KnowledgeGraph) -> None:
    from graph.selection import matching_actions

    us = "jurisdiction:US"
    found = matching_actions(generated, jurisdiction=us, newest=True)
    page = paginate(found, 5, None)
    assert page.nodes == _actions_as_before(generated, True, None, jurisdiction=us)[:5]
    assert found.walked < 20 < len(generated.by_kind["action"])
    assert len(found) == generated.indexes.topics[us][0]  # counted without reading
    assert found.walked < 20
