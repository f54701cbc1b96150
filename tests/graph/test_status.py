"""A substance's regulatory status on a date, and its timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.errors import WrongKind
from graph.load import load_graph
from graph.status import Phase, RegulatoryStatus, TimelineEntry, status_as_of, timeline
from tests.conftest import TINY

Make = Callable[[dict[str, str]], Path]

BTD = "breakthrough therapy designation (2018-05-02)"
INVESTIGATIONAL = "Investigational: no marketing application decided or pending"


@pytest.mark.parametrize(
    ("as_of", "phase", "phase_set_by", "in_force", "history", "uncertain", "summary"),
    [
        (date(2018, 5, 1), Phase.INVESTIGATIONAL, None, (), (), (), f"{INVESTIGATIONAL}."),
        (date(2018, 5, 2), Phase.INVESTIGATIONAL, None, ("action:x-btd",), ("action:x-btd",), (),
         f"{INVESTIGATIONAL}. In force: {BTD}."),
        (date(2019, 6, 1), Phase.INVESTIGATIONAL, None, ("action:x-btd",), ("action:x-btd",),
         ("action:x-submitted",), f"{INVESTIGATIONAL}. In force: {BTD}."),
        (date(2019, 6, 30), Phase.UNDER_REVIEW, "action:x-submitted", ("action:x-btd",),
         ("action:x-btd", "action:x-submitted"), (),
         f"Application under review: application submitted (2019-06). In force: {BTD}."),
        (date(2019, 9, 1), Phase.UNDER_REVIEW, "action:x-submitted",
         ("action:x-btd", "action:x-priority"),
         ("action:x-btd", "action:x-submitted", "action:x-priority"), (),
         f"Application under review: application submitted (2019-06). In force: {BTD}; "
         "priority review (2019-08-01)."),
        (date(2020, 2, 29), Phase.UNDER_REVIEW, "action:x-submitted",
         ("action:x-btd", "action:x-priority"),
         ("action:x-btd", "action:x-submitted", "action:x-priority"), (),
         f"Application under review: application submitted (2019-06). In force: {BTD}; "
         "priority review (2019-08-01)."),
        (date(2020, 3, 1), Phase.NOT_APPROVED, "action:x-crl", ("action:x-btd",),
         ("action:x-btd", "action:x-submitted", "action:x-priority", "action:x-crl"), (),
         f"Not approved: complete response letter (2020-03-01). In force: {BTD}."),
    ],
    ids=["before-anything", "designation-in-force", "submission-uncertain-inside-its-month",
         "last-day-of-submission-month", "under-review-with-priority-review",
         "day-before-decision", "not-approved-after-crl"],
)  # fmt: skip
def test_status_across_the_story(
    tiny: KnowledgeGraph,
    as_of: date,
    phase: Phase,
    phase_set_by: str | None,
    in_force: tuple[str, ...],
    history: tuple[str, ...],
    uncertain: tuple[str, ...],
    summary: str,
) -> None:
    assert status_as_of(tiny, "substance:x", as_of) == RegulatoryStatus(
        substance="substance:x",
        condition=None,
        jurisdiction=None,
        as_of=as_of,
        phase=phase,
        phase_set_by=phase_set_by,
        in_force=in_force,
        history=history,
        uncertain=uncertain,
        summary=summary,
    )


def test_status_for_a_condition_and_jurisdiction(tiny: KnowledgeGraph) -> None:
    day = date(2019, 9, 1)
    broad = status_as_of(
        tiny, "substance:x", day, condition="condition:broad", jurisdiction="jurisdiction:US"
    )
    assert (broad.condition, broad.jurisdiction, broad.phase) == (
        "condition:broad",
        "jurisdiction:US",
        Phase.UNDER_REVIEW,
    )
    assert broad.in_force == ("action:x-btd", "action:x-priority")
    elsewhere = status_as_of(tiny, "substance:x", day, jurisdiction="jurisdiction:AU")
    assert (elsewhere.phase, elsewhere.history, elsewhere.summary) == (
        Phase.INVESTIGATIONAL,
        (),
        f"{INVESTIGATIONAL}.",
    )


def test_status_of_a_non_substance(tiny: KnowledgeGraph) -> None:
    with pytest.raises(WrongKind, match="'condition:narrow' is not a substance"):
        status_as_of(tiny, "condition:narrow", date(2020, 1, 1))


STORY = """
    - id: condition:other
      name: Other disorder
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-scheduled
      action: scheduling
      summary: Scheduled.
      agency: organisation:agency
      jurisdiction: jurisdiction:US
      substance: substance:x
      date: 2016-01-10
      effective: 2016-02-15
      disclosure: regulator
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-rescheduled
      action: rescheduling
      summary: Rescheduled.
      agency: organisation:agency
      jurisdiction: jurisdiction:US
      substance: substance:x
      date: 2021-06
      disclosure: regulator
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-other-approval
      action: approval
      summary: Approved for the other disorder.
      agency: organisation:agency
      jurisdiction: jurisdiction:US
      substance: substance:x
      condition: condition:other
      date: 2021-01-05
      disclosure: regulator
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-hold
      action: clinical_hold
      summary: Hold.
      agency: organisation:agency
      jurisdiction: jurisdiction:US
      substance: substance:x
      condition: condition:other
      date: 2016-03-01
      ended: 2016-09-30
      disclosure: sponsor
      sources: [{source: source:sponsor-release, derived: test}]
    """


@pytest.fixture
def story(make_data: Make) -> KnowledgeGraph:
    return load_graph(make_data({**TINY, "story.yaml": STORY}))


def test_effective_date_starts_a_standing_action(story: KnowledgeGraph) -> None:
    before = status_as_of(story, "substance:x", date(2016, 2, 14))
    assert (before.history, before.in_force) == (("action:x-scheduled",), ())
    after = status_as_of(story, "substance:x", date(2016, 2, 15))
    assert after.in_force == ("action:x-scheduled",)
    assert after.summary == f"{INVESTIGATIONAL}. In force: scheduling (2016-02-15)."


def test_ended_action_is_no_longer_in_force(story: KnowledgeGraph) -> None:
    during = status_as_of(story, "substance:x", date(2016, 9, 29))
    assert during.in_force == ("action:x-scheduled", "action:x-hold")
    ended = status_as_of(story, "substance:x", date(2016, 9, 30))
    assert ended.in_force == ("action:x-scheduled",)


def test_a_new_schedule_replaces_the_old_one(story: KnowledgeGraph) -> None:
    inside = status_as_of(story, "substance:x", date(2021, 6, 15))
    assert inside.uncertain == ("action:x-rescheduled",)
    assert "action:x-scheduled" in inside.in_force
    after = status_as_of(story, "substance:x", date(2021, 7, 1))
    assert after.in_force == ("action:x-btd", "action:x-rescheduled")


def test_actions_without_a_condition_count_for_every_condition(story: KnowledgeGraph) -> None:
    day = date(2021, 2, 1)
    narrow = status_as_of(story, "substance:x", day, condition="condition:narrow")
    assert narrow.history == (
        "action:x-scheduled",
        "action:x-btd",
        "action:x-submitted",
        "action:x-priority",
        "action:x-crl",
    )
    assert narrow.summary == (
        "Not approved: complete response letter (2020-03-01). In force: scheduling "
        f"(2016-02-15); {BTD}."
    )
    other = status_as_of(story, "substance:x", day, condition="condition:other")
    assert other.history == ("action:x-scheduled", "action:x-hold", "action:x-other-approval")
    assert other.summary == ("Approved: approval (2021-01-05). In force: scheduling (2016-02-15).")


def test_decision_on_one_indication_does_not_end_review_of_another(make_data: Make) -> None:
    other = """
        - id: condition:other
          name: Other disorder
          sources: [{source: source:agency-page, derived: test}]
        - id: action:x-other-priority
          action: priority_review
          summary: Priority review for the other disorder.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          condition: condition:other
          date: 2019-09-01
          disclosure: sponsor
          sources: [{source: source:sponsor-release, derived: test}]
        """
    kg = load_graph(make_data({**TINY, "other.yaml": other}))
    per_condition = status_as_of(kg, "substance:x", date(2020, 6, 1), condition="condition:other")
    assert per_condition.in_force == ("action:x-other-priority",)
    overall = status_as_of(kg, "substance:x", date(2020, 6, 1))
    assert overall.in_force == ("action:x-btd", "action:x-other-priority")


def test_timeline(tiny: KnowledgeGraph) -> None:
    assert timeline(tiny, "substance:x") == [
        TimelineEntry(PartialDate(2017, 1), "trial:NCT00000001", "trial_start",
                      "NCT00000001 start: A trial of drugxamine"),
        TimelineEntry(PartialDate(2018, 2, 3), "trial:NCT00000001", "trial_primary_completion",
                      "NCT00000001 primary completion: A trial of drugxamine"),
        TimelineEntry(PartialDate(2018, 5, 2), "action:x-btd", "breakthrough_therapy_designation",
                      "Designation granted."),
        TimelineEntry(PartialDate(2019, 6), "action:x-submitted", "application_submitted",
                      "Application submitted."),
        TimelineEntry(PartialDate(2019, 8, 1), "action:x-priority", "priority_review",
                      "Priority review."),
        TimelineEntry(PartialDate(2020, 3, 1), "action:x-crl", "complete_response_letter",
                      "Not approved."),
    ]  # fmt: skip


def test_timeline_without_trials_and_elsewhere(tiny: KnowledgeGraph) -> None:
    assert [e.node for e in timeline(tiny, "substance:x", include_trials=False)] == [
        "action:x-btd",
        "action:x-submitted",
        "action:x-priority",
        "action:x-crl",
    ]
    assert timeline(tiny, "substance:x", jurisdiction="jurisdiction:AU", include_trials=False) == []


def test_timeline_with_events_and_publications(make_data: Make) -> None:
    events = """
        - id: event:x-paper
          summary: A paper about drugxamine.
          type: publication
          date: 2019-06-10
          substances: [substance:x]
          sources: [{source: source:agency-page, derived: test}]
        - id: event:sponsor-rename
          summary: Old Sponsor renamed itself.
          type: corporate
          date: 2020-01-01
          organisations: [organisation:sponsor]
          sources: [{source: source:sponsor-release, derived: test}]
        - id: event:agency-news
          summary: The Agency reorganised.
          type: corporate
          date: 2019
          organisations: [organisation:agency]
          sources: [{source: source:agency-page, derived: test}]
        """
    trials = TINY["trials.yaml"].replace(
        "          sources:", "          publications: [source:agency-page]\n          sources:"
    )
    kg = load_graph(make_data({**TINY, "events.yaml": events, "trials.yaml": trials}))
    assert [(str(e.date), e.node, e.what, e.label) for e in timeline(kg, "substance:x")] == [
        ("2017-01", "trial:NCT00000001", "trial_start", "NCT00000001 start: A trial of drugxamine"),
        ("2018-02-03", "trial:NCT00000001", "trial_primary_completion",
         "NCT00000001 primary completion: A trial of drugxamine"),
        ("2018-05-02", "action:x-btd", "breakthrough_therapy_designation", "Designation granted."),
        ("2019-06", "action:x-submitted", "application_submitted", "Application submitted."),
        ("2019-06-10", "event:x-paper", "publication", "A paper about drugxamine."),
        ("2019-08-01", "action:x-priority", "priority_review", "Priority review."),
        ("2020-01-01", "event:sponsor-rename", "corporate", "Old Sponsor renamed itself."),
        ("2020-03-01", "action:x-crl", "complete_response_letter", "Not approved."),
        ("2020-03-01", "source:agency-page", "trial_results",
         "NCT00000001 results published: Decision on drug X"),
    ]  # fmt: skip


ACTIONS_WITH_UNSCOPED = (
    TINY["actions.yaml"]
    + """
        - id: action:x-approval-unscoped
          action: approval
          summary: An approval recorded without its indication.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          date: 2019-01-10
          disclosure: regulator
          sources: [{source: source:agency-page, derived: test}]
        - id: action:x-scheduled
          action: scheduling
          summary: Placed in a schedule.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          date: 2015
          disclosure: regulator
          sources: [{source: source:agency-page, derived: test}]
        - id: action:x-au
          action: rescheduling
          summary: Rescheduled elsewhere.
          agency: organisation:agency
          jurisdiction: jurisdiction:AU
          substance: substance:x
          date: 2019-02-01
          disclosure: regulator
          sources: [{source: source:agency-page, derived: test}]
        """
)


def test_an_action_naming_no_condition_is_uncertain_unless_it_is_a_schedule(
    make_data: Make,
) -> None:
    kg = load_graph(make_data({**TINY, "actions.yaml": ACTIONS_WITH_UNSCOPED}))
    day = date(2019, 3, 1)
    status = status_as_of(kg, "substance:x", day, "condition:narrow", "jurisdiction:US")
    assert status.phase is Phase.INVESTIGATIONAL  # the unscoped approval moves nothing
    assert status.uncertain == ("action:x-approval-unscoped",)
    assert status.in_force == ("action:x-scheduled", "action:x-btd")


def test_without_a_jurisdiction_regulators_that_differ_are_an_error(make_data: Make) -> None:
    from graph.errors import NeedsJurisdiction

    kg = load_graph(make_data({**TINY, "actions.yaml": ACTIONS_WITH_UNSCOPED}))
    with pytest.raises(
        NeedsJurisdiction, match=r"^substance:x has regulatory actions in AU and US"
    ):
        status_as_of(kg, "substance:x", date(2019, 3, 1))
