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
from graph.status import (
    ApprovalStatus,
    LegalStanding,
    LegalStatus,
    Phase,
    RegulatoryStatus,
    TimelineEntry,
    status_as_of,
    statuses_as_of,
    timeline,
)
from graph.vocab import ActionTrack
from tests.conftest import TINY

Make = Callable[[dict[str, str]], Path]
US, OR, AU = "jurisdiction:US", "jurisdiction:US-OR", "jurisdiction:AU"

BTD = "breakthrough therapy designation (2018-05-02)"
INVESTIGATIONAL = "Investigational: no marketing application decided or pending"


NO_APPROVAL_RECORD = "No record of a marketing application, designation or other approval step"


@pytest.mark.parametrize(
    ("as_of", "phase", "phase_set_by", "in_force", "history", "uncertain", "summary"),
    [
        (date(2018, 5, 1), Phase.NO_RECORD, None, (), (), (),
         f"{NO_APPROVAL_RECORD} in United States on or before 2018-05-01."),
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
    ids=["no-record-before-anything", "designation-in-force",
         "submission-uncertain-inside-its-month", "last-day-of-submission-month",
         "under-review-with-priority-review", "day-before-decision", "not-approved-after-crl"],
)  # fmt: skip
def test_approval_status_across_the_story(
    tiny: KnowledgeGraph,
    as_of: date,
    phase: Phase,
    phase_set_by: str | None,
    in_force: tuple[str, ...],
    history: tuple[str, ...],
    uncertain: tuple[str, ...],
    summary: str,
) -> None:
    status = status_as_of(tiny, "substance:x", as_of, None, US)
    assert status.approval == ApprovalStatus(
        phase=phase,
        phase_set_by=phase_set_by,
        in_force=in_force,
        history=history,
        uncertain=uncertain,
        summary=summary,
    )


def test_a_status_has_an_approval_and_a_legal_part(tiny: KnowledgeGraph) -> None:
    day = date(2020, 3, 1)
    no_legal = "No record of its legal status in United States on or before 2020-03-01."
    crl = f"Not approved: complete response letter (2020-03-01). In force: {BTD}."
    assert status_as_of(tiny, "substance:x", day, None, US) == RegulatoryStatus(
        substance="substance:x",
        condition=None,
        jurisdiction=US,
        as_of=day,
        approval=status_as_of(tiny, "substance:x", day, None, US).approval,
        legal=LegalStatus(LegalStanding.NO_RECORD, (), (), (), (), no_legal),
        covered=True,
        summary=f"Approval: {crl} Legal status: {no_legal}",
    )


def test_status_for_a_condition_and_jurisdiction(tiny: KnowledgeGraph) -> None:
    day = date(2019, 9, 1)
    broad = status_as_of(tiny, "substance:x", day, "condition:broad", US)
    assert (broad.condition, broad.jurisdiction, broad.approval.phase) == (
        "condition:broad",
        US,
        Phase.UNDER_REVIEW,
    )
    assert broad.approval.in_force == ("action:x-btd", "action:x-priority")


def test_no_record_where_regkg_holds_nothing(tiny: KnowledgeGraph) -> None:
    elsewhere = status_as_of(tiny, "substance:x", date(2019, 9, 1), None, AU)
    assert (elsewhere.approval.phase, elsewhere.legal.standing, elsewhere.covered) == (
        Phase.NO_RECORD,
        LegalStanding.NO_RECORD,
        False,
    )
    assert elsewhere.approval.history == elsewhere.legal.history == ()
    assert elsewhere.summary == (
        f"Approval: {NO_APPROVAL_RECORD} in Australia on or before 2019-09-01. Legal status: "
        "No record of its legal status in Australia on or before 2019-09-01. Australia is "
        "outside regkg's coverage: it was never reviewed and holds no action."
    )


def test_status_of_a_non_substance(tiny: KnowledgeGraph) -> None:
    with pytest.raises(WrongKind, match="'condition:narrow' is not a substance"):
        status_as_of(tiny, "condition:narrow", date(2020, 1, 1), None, US)


def test_status_in_a_non_jurisdiction(tiny: KnowledgeGraph) -> None:
    with pytest.raises(WrongKind, match="'substance:x' is not a jurisdiction"):
        status_as_of(tiny, "substance:x", date(2020, 1, 1), None, "substance:x")


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


def test_effective_date_starts_a_schedule(story: KnowledgeGraph) -> None:
    before = status_as_of(story, "substance:x", date(2016, 2, 14), None, US).legal
    assert (before.standing, before.history, before.schedules) == (
        LegalStanding.NOTHING_IN_FORCE,
        ("action:x-scheduled",),
        (),
    )
    assert (
        before.summary
        == "Nothing in force in United States; on record: scheduling (2016-02-15, US)."
    )
    after = status_as_of(story, "substance:x", date(2016, 2, 15), None, US)
    assert (after.legal.standing, after.legal.schedules) == (
        LegalStanding.SCHEDULE_IN_FORCE,
        ("action:x-scheduled",),
    )
    assert after.legal.summary == "Schedule in force: scheduling (2016-02-15, US)."
    assert after.approval.in_force == ()  # a schedule is not an approval step


def test_ended_action_is_no_longer_in_force(story: KnowledgeGraph) -> None:
    during = status_as_of(story, "substance:x", date(2016, 9, 29), None, US)
    assert during.approval.in_force == ("action:x-hold",)
    ended = status_as_of(story, "substance:x", date(2016, 9, 30), None, US)
    assert ended.approval.in_force == ()
    assert ended.legal.schedules == ("action:x-scheduled",)


def test_a_new_schedule_replaces_the_old_one(story: KnowledgeGraph) -> None:
    inside = status_as_of(story, "substance:x", date(2021, 6, 15), None, US)
    assert inside.legal.uncertain == ("action:x-rescheduled",)
    assert inside.legal.schedules == ("action:x-scheduled",)
    after = status_as_of(story, "substance:x", date(2021, 7, 1), None, US)
    assert after.legal.schedules == ("action:x-rescheduled",)
    assert after.approval.in_force == ("action:x-btd",)


def test_legal_actions_without_a_condition_count_for_every_condition(
    story: KnowledgeGraph,
) -> None:
    day = date(2021, 2, 1)
    narrow = status_as_of(story, "substance:x", day, "condition:narrow", US)
    assert narrow.approval.history == (
        "action:x-btd",
        "action:x-submitted",
        "action:x-priority",
        "action:x-crl",
    )
    assert narrow.legal.history == ("action:x-scheduled",)
    assert narrow.approval.summary == (
        f"Not approved: complete response letter (2020-03-01). In force: {BTD}."
    )
    other = status_as_of(story, "substance:x", day, "condition:other", US)
    assert other.approval.history == ("action:x-hold", "action:x-other-approval")
    assert other.approval.summary == "Approved: approval (2021-01-05)."
    assert other.legal.schedules == ("action:x-scheduled",)


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
    per_condition = status_as_of(kg, "substance:x", date(2020, 6, 1), "condition:other", US)
    assert per_condition.approval.in_force == ("action:x-other-priority",)
    overall = status_as_of(kg, "substance:x", date(2020, 6, 1), None, US)
    assert overall.approval.in_force == ("action:x-btd", "action:x-other-priority")


def test_timeline(tiny: KnowledgeGraph) -> None:
    approval = ActionTrack.APPROVAL
    assert timeline(tiny, "substance:x") == [
        TimelineEntry(PartialDate(2017, 1), "trial:NCT00000001", "trial_start",
                      "NCT00000001 start: A trial of drugxamine", approval),
        TimelineEntry(PartialDate(2018, 2, 3), "trial:NCT00000001", "trial_primary_completion",
                      "NCT00000001 primary completion: A trial of drugxamine", approval),
        TimelineEntry(PartialDate(2018, 5, 2), "action:x-btd", "breakthrough_therapy_designation",
                      "Designation granted.", approval),
        TimelineEntry(PartialDate(2019, 6), "action:x-submitted", "application_submitted",
                      "Application submitted.", approval),
        TimelineEntry(PartialDate(2019, 8, 1), "action:x-priority", "priority_review",
                      "Priority review.", approval),
        TimelineEntry(PartialDate(2020, 3, 1), "action:x-crl", "complete_response_letter",
                      "Not approved.", approval),
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


def test_an_approval_naming_no_condition_is_uncertain_a_schedule_is_not(
    make_data: Make,
) -> None:
    kg = load_graph(make_data({**TINY, "actions.yaml": ACTIONS_WITH_UNSCOPED}))
    status = status_as_of(kg, "substance:x", date(2019, 3, 1), "condition:narrow", US)
    assert status.approval.phase is Phase.INVESTIGATIONAL  # the unscoped approval moves nothing
    assert status.approval.uncertain == ("action:x-approval-unscoped",)
    assert status.approval.in_force == ("action:x-btd",)
    assert status.legal.schedules == ("action:x-scheduled",)


def test_without_a_jurisdiction_one_status_per_jurisdiction_with_records(
    make_data: Make,
) -> None:
    kg = load_graph(make_data({**TINY, "actions.yaml": ACTIONS_WITH_UNSCOPED}))
    found = statuses_as_of(kg, "substance:x", date(2019, 3, 1))
    assert [(s.jurisdiction, s.approval.phase, s.legal.standing) for s in found] == [
        (AU, Phase.NO_RECORD, LegalStanding.SCHEDULE_IN_FORCE),
        (US, Phase.APPROVED, LegalStanding.SCHEDULE_IN_FORCE),  # no condition asked
    ]
    assert found[0].legal.schedules == ("action:x-au",)
    # One jurisdiction asked for comes first, recorded or not.
    assert [s.jurisdiction for s in statuses_as_of(kg, "substance:x", date(2019, 3, 1),
                                                   within=OR)] == [OR]  # fmt: skip


# A state inside the US: a federal schedule, the state's own measure and programme.
STATE = """
    - id: organisation:state-health
      name: State Health Authority
      type: government
      country: jurisdiction:US
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-federal-schedule
      action: scheduling
      summary: Placed in Schedule I.
      agency: organisation:agency
      jurisdiction: jurisdiction:US
      substance: substance:x
      date: 1970-10-27
      disclosure: regulator
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-state-measure
      action: ballot_measure_passed
      summary: Voters pass a measure.
      agency: organisation:state-health
      jurisdiction: jurisdiction:US-OR
      substance: substance:x
      date: 2020-11-03
      disclosure: regulator
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-state-programme
      action: access_programme
      summary: The state's service centres open.
      agency: organisation:state-health
      jurisdiction: jurisdiction:US-OR
      substance: substance:x
      date: 2023-01-02
      disclosure: regulator
      sources: [{source: source:agency-page, derived: test}]
    - id: action:x-state-licences
      action: licensing_milestone
      summary: First licences issued.
      agency: organisation:state-health
      jurisdiction: jurisdiction:US-OR
      substance: substance:x
      date: 2023-05-15
      disclosure: regulator
      sources: [{source: source:agency-page, derived: test}]
    """


@pytest.fixture
def state(make_data: Make) -> KnowledgeGraph:
    return load_graph(make_data({**TINY, "state.yaml": STATE}))


def test_a_state_shows_its_access_beside_the_federal_schedule_and_approval(
    state: KnowledgeGraph,
) -> None:
    oregon = status_as_of(state, "substance:x", date(2024, 1, 1), None, OR)
    assert oregon.legal == LegalStatus(
        standing=LegalStanding.ACCESS_IN_FORCE,
        schedules=("action:x-federal-schedule",),
        access=("action:x-state-measure", "action:x-state-programme"),
        history=(
            "action:x-federal-schedule",
            "action:x-state-measure",
            "action:x-state-programme",
            "action:x-state-licences",
        ),
        uncertain=(),
        summary="Schedule in force: scheduling (1970-10-27, US). Access in force: ballot "
        "measure passed (2020-11-03, US-OR); access programme (2023-01-02, US-OR).",
    )
    # The FDA-like decision holds in the state too, as the approval part.
    assert (oregon.approval.phase, oregon.approval.phase_set_by) == (
        Phase.NOT_APPROVED,
        "action:x-crl",
    )
    assert oregon.covered


def test_the_country_alone_shows_its_schedule_not_its_states_programmes(
    state: KnowledgeGraph,
) -> None:
    federal = status_as_of(state, "substance:x", date(2024, 1, 1), None, US).legal
    assert (federal.standing, federal.schedules, federal.access) == (
        LegalStanding.SCHEDULE_IN_FORCE,
        ("action:x-federal-schedule",),
        (),
    )
    before = status_as_of(state, "substance:x", date(2020, 11, 2), None, OR).legal
    assert (before.standing, before.access) == (LegalStanding.SCHEDULE_IN_FORCE, ())


def test_statuses_of_a_country_and_its_states(state: KnowledgeGraph) -> None:
    day = date(2024, 1, 1)
    every = statuses_as_of(state, "substance:x", day)
    assert [s.jurisdiction for s in every] == [US, OR]
    apart = statuses_as_of(state, "substance:x", day, within=US)
    assert [s.jurisdiction for s in apart] == [US]
    together = statuses_as_of(state, "substance:x", day, within=US, include_subdivisions=True)
    assert [(s.jurisdiction, s.legal.standing) for s in together] == [
        (US, LegalStanding.SCHEDULE_IN_FORCE),
        (OR, LegalStanding.ACCESS_IN_FORCE),
    ]


def test_timeline_of_a_country_with_or_without_its_states(state: KnowledgeGraph) -> None:
    def entries(**kwargs: object) -> list[tuple[str, ActionTrack | None]]:
        found = timeline(state, "substance:x", include_trials=False, **kwargs)  # type: ignore[arg-type]
        return [(e.node, e.track) for e in found]

    legal, approval = ActionTrack.LEGAL, ActionTrack.APPROVAL
    assert entries(jurisdiction=US, track=legal) == [("action:x-federal-schedule", legal)]
    assert entries(jurisdiction=US, include_subdivisions=True, track=legal) == [
        ("action:x-federal-schedule", legal),
        ("action:x-state-measure", legal),
        ("action:x-state-programme", legal),
        ("action:x-state-licences", legal),
    ]
    assert entries(jurisdiction=OR) == [
        ("action:x-state-measure", legal),
        ("action:x-state-programme", legal),
        ("action:x-state-licences", legal),
    ]
    assert entries(jurisdiction=US, track=approval)[0] == ("action:x-btd", approval)


def test_a_reviewed_jurisdiction_with_nothing_recorded_is_covered(make_data: Make) -> None:
    from tests.graph.test_coverage import REVIEWED

    kg = load_graph(make_data({**TINY, "jurisdictions.yaml": REVIEWED}))
    australia = status_as_of(kg, "substance:x", date(2019, 9, 1), None, AU)
    assert (australia.approval.phase, australia.covered) == (Phase.NO_RECORD, True)
    assert australia.summary.endswith("in Australia on or before 2019-09-01.")


def test_a_law_is_history_not_an_access_route(make_data: Make) -> None:
    law = """
        - id: action:x-state-task-force
          action: legislation_enacted
          summary: A law sets up a task force.
          agency: organisation:agency
          jurisdiction: jurisdiction:US-OR
          substance: substance:x
          date: 2021-07-01
          disclosure: regulator
          sources: [{source: source:agency-page, derived: test}]
        """
    kg = load_graph(make_data({**TINY, "law.yaml": law}))
    legal = status_as_of(kg, "substance:x", date(2022, 1, 1), None, OR).legal
    assert (legal.standing, legal.access, legal.history) == (
        LegalStanding.NOTHING_IN_FORCE,
        (),
        ("action:x-state-task-force",),
    )
    assert legal.summary == (
        "Nothing in force in Oregon; on record: legislation enacted (2021-07-01, US-OR)."
    )
