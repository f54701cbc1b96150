"""Selecting trials and regulatory actions by what they concern."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.errors import WrongKind
from graph.load import load_graph
from graph.records import action_date
from graph.selection import actions, narrower_conditions, trials
from tests.conftest import TINY

MORE = """
    - id: organisation:other-agency
      name: Other Agency
      type: regulator
      country: jurisdiction:AU
      sources: [{source: source:agency-page, derived: test}]
    - id: substance:y
      name: Whyzine
      sources: [{source: source:agency-page, derived: test}]
    - id: condition:narrower
      name: Complex PTSD
      broader: [condition:narrow]
      sources: [{source: source:agency-page, derived: test}]
    - id: trial:NCT00000002
      registry_id: NCT00000002
      title: A trial of whyzine
      phase: PHASE2
      status: RECRUITING
      substances: [substance:y]
      conditions: [condition:broad]
      sources: [{source: source:agency-page, derived: test}]
    - id: trial:NCT00000003
      registry_id: NCT00000003
      title: Drugxamine in complex PTSD
      phase: PHASE2
      status: COMPLETED
      substances: [substance:x]
      conditions: [condition:narrower]
      sources: [{source: source:agency-page, derived: test}]
    - id: action:y-au-approval
      action: approval
      summary: Whyzine approved in AU.
      agency: organisation:other-agency
      jurisdiction: jurisdiction:AU
      substance: substance:y
      condition: condition:broad
      date: 2021
      disclosure: regulator
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-au-scheduling
      action: scheduling
      summary: Drugxamine scheduled in AU.
      agency: organisation:other-agency
      jurisdiction: jurisdiction:AU
      substance: substance:x
      announced: 2019-06-20
      disclosure: press
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-meeting
      action: regulator_meeting
      summary: A meeting at some point.
      agency: organisation:agency
      jurisdiction: jurisdiction:US
      substance: substance:x
      disclosure: sponsor
      sources: [{source: source:sponsor-release, derived: test}]
    """

ALL_DATED = [
    "action:x-btd",  # 2018-05-02
    "action:x-submitted",  # 2019-06
    "action:x-au-scheduling",  # announced 2019-06-20
    "action:x-priority",  # 2019-08-01
    "action:x-crl",  # 2020-03-01
    "action:y-au-approval",  # 2021
]


@pytest.fixture
def kg(make_data: Callable[[dict[str, str]], Path]) -> KnowledgeGraph:
    return load_graph(make_data({**TINY, "more.yaml": MORE}))


def test_narrower_conditions(kg: KnowledgeGraph) -> None:
    assert narrower_conditions(kg, "condition:broad") == {
        "condition:broad",
        "condition:narrow",
        "condition:narrower",
    }
    assert narrower_conditions(kg, "condition:narrower") == {"condition:narrower"}
    with pytest.raises(WrongKind, match="'substance:x' is not a condition"):
        narrower_conditions(kg, "substance:x")


@pytest.mark.parametrize(
    ("substance", "condition", "expected"),
    [
        (None, None, ["trial:NCT00000001", "trial:NCT00000002", "trial:NCT00000003"]),
        ("substance:x", None, ["trial:NCT00000001", "trial:NCT00000003"]),
        ("substance:y", None, ["trial:NCT00000002"]),
        (None, "condition:broad", ["trial:NCT00000001", "trial:NCT00000002", "trial:NCT00000003"]),
        (None, "condition:narrow", ["trial:NCT00000001", "trial:NCT00000003"]),
        (None, "condition:narrower", ["trial:NCT00000003"]),
        ("substance:x", "condition:narrower", ["trial:NCT00000003"]),
        ("substance:y", "condition:narrow", []),
    ],
    ids=["all", "substance-x", "substance-y", "broad-includes-narrower-ones", "narrow",
         "narrowest", "substance-and-condition", "nothing"],
)  # fmt: skip
def test_trials_by_substance_and_condition(
    kg: KnowledgeGraph, substance: str | None, condition: str | None, expected: list[str]
) -> None:
    assert trials(kg, substance=substance, condition=condition) == expected


def test_trials_by_phase_and_status(kg: KnowledgeGraph) -> None:
    assert trials(kg, phases=["PHASE2"]) == ["trial:NCT00000002", "trial:NCT00000003"]
    assert trials(kg, phases={"PHASE3", "PHASE4"}) == ["trial:NCT00000001"]
    assert trials(kg, statuses=["COMPLETED"]) == ["trial:NCT00000003"]
    # The TINY trial has no status, so a status filter leaves it out.
    assert trials(kg, phases=["PHASE3"], statuses=["COMPLETED"]) == []


def test_trials_wrong_kind(kg: KnowledgeGraph) -> None:
    with pytest.raises(WrongKind, match="'condition:broad' is not a substance"):
        trials(kg, substance="condition:broad")


def test_action_date_prefers_the_regulators_date(kg: KnowledgeGraph) -> None:
    nodes = kg.graph.nodes
    assert action_date(nodes["action:x-btd"]) == PartialDate(2018, 5, 2)  # not announced
    assert action_date(nodes["action:x-au-scheduling"]) == PartialDate(2019, 6, 20)
    assert action_date(nodes["action:x-meeting"]) is None
    assert action_date({"effective": PartialDate(2020)}) == PartialDate(2020)


def test_all_actions_oldest_first_undated_last(kg: KnowledgeGraph) -> None:
    assert actions(kg) == [*ALL_DATED, "action:x-meeting"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kinds": ["priority_review", "complete_response_letter"]},
         ["action:x-priority", "action:x-crl"]),
        ({"kinds": ["approval"]}, ["action:y-au-approval"]),
        ({"agency": "organisation:other-agency"},
         ["action:x-au-scheduling", "action:y-au-approval"]),
        ({"jurisdiction": "jurisdiction:US"},
         ["action:x-btd", "action:x-submitted", "action:x-priority", "action:x-crl",
          "action:x-meeting"]),
        ({"jurisdiction": "jurisdiction:EU"}, []),
        ({"substance": "substance:y"}, ["action:y-au-approval"]),
        ({"condition": "condition:broad"},
         ["action:x-btd", "action:x-submitted", "action:x-priority", "action:x-crl",
          "action:y-au-approval"]),
        ({"condition": "condition:narrower"}, []),
        ({"disclosure": "regulator"}, ["action:x-crl", "action:y-au-approval"]),
        ({"disclosure": "press"}, ["action:x-au-scheduling"]),
        ({"agency": "organisation:agency", "disclosure": "sponsor", "kinds": ["priority_review"]},
         ["action:x-priority"]),
    ],
    ids=["kinds", "one-kind", "agency", "jurisdiction", "jurisdiction-without-actions",
         "substance", "condition-includes-narrower", "condition-without-actions",
         "disclosure-regulator", "disclosure-press", "every-filter"],
)  # fmt: skip
def test_actions_filtered(
    kg: KnowledgeGraph, filters: dict[str, object], expected: list[str]
) -> None:
    assert actions(kg, **filters) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (date(2019, 6, 30), None, ["action:x-submitted", *ALL_DATED[3:]]),
        (date(2019, 7, 1), None, ALL_DATED[3:]),
        (None, date(2019, 6, 1), ALL_DATED[:2]),
        (None, date(2019, 5, 31), ALL_DATED[:1]),
        (date(2019, 6, 15), date(2019, 6, 15), ["action:x-submitted"]),
        (date(2019, 6, 20), date(2019, 6, 20), ["action:x-submitted", "action:x-au-scheduling"]),
        (date(2021, 12, 31), None, ["action:y-au-approval"]),
        (None, date(2021, 1, 1), ALL_DATED),
        (date(2022, 1, 1), None, []),
        (date(2018, 5, 2), date(2018, 5, 2), ["action:x-btd"]),
    ],
    ids=["since-last-day-of-month", "since-after-month", "until-first-day-of-month",
         "until-before-month", "single-day-inside-month", "single-day-two-matches",
         "since-last-day-of-year", "until-first-day-of-year", "after-everything",
         "bounds-inclusive"],
)  # fmt: skip
def test_actions_in_date_range(
    kg: KnowledgeGraph, since: date | None, until: date | None, expected: list[str]
) -> None:
    assert actions(kg, since=since, until=until) == expected


def test_actions_wrong_kind(kg: KnowledgeGraph) -> None:
    with pytest.raises(WrongKind, match="'trial:NCT00000001' is not a substance"):
        actions(kg, substance="trial:NCT00000001")
    with pytest.raises(WrongKind, match="'substance:x' is not a condition"):
        actions(kg, condition="substance:x")


def test_newest_first_keeps_undated_actions_last(tiny: KnowledgeGraph) -> None:
    from graph.selection import newest_first

    oldest_first = actions(tiny, substance="substance:x")
    assert newest_first(tiny, oldest_first) == [
        "action:x-crl",
        "action:x-priority",
        "action:x-submitted",
        "action:x-btd",
    ]


def test_sort_trials_refuses_an_unknown_order(tiny: KnowledgeGraph) -> None:
    from graph.selection import sort_trials

    with pytest.raises(ValueError, match="unknown trial order 'colour'"):
        sort_trials(tiny, [], "colour")


def test_claims_by_status_and_subject(tiny: KnowledgeGraph) -> None:
    from graph.selection import claims

    assert claims(tiny) == ["claim:not-significant", "claim:significant"]
    assert claims(tiny, status="contradicted") == ["claim:significant"]
    assert claims(tiny, about="trial:NCT00000001") == ["claim:not-significant", "claim:significant"]
    assert claims(tiny, about="substance:x") == []
