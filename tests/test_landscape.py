"""The beat beyond MDMA, on the bundled data: the questions a journalist covering psychedelic
medicine asks, with the answers the curated records give."""

from __future__ import annotations

from datetime import date

import pytest

from graph.build import KnowledgeGraph
from graph.coverage import coverage
from graph.dates import PartialDate
from graph.lookup import resolve
from graph.selection import actions
from graph.status import LegalStanding, Phase, status_as_of


def test_oregon_psilocybin_access_beside_the_product_still_investigational(
    real: KnowledgeGraph,
) -> None:
    status = status_as_of(
        real, "substance:psilocybin", date(2024, 1, 1), None, "jurisdiction:US-OR"
    )
    # In Schedule I federally, and lawful in a licensed Oregon programme on the same day,
    # while no psilocybin product is approved.
    assert status.legal.standing is LegalStanding.ACCESS_IN_FORCE
    assert status.legal.schedules == ("action:psilocybin-us-csa-schedule-i-1970",)
    assert {
        "action:psilocybin-us-or-measure-109-2020",
        "action:psilocybin-us-or-licence-applications-2023",
    } <= set(status.legal.access)
    assert status.approval.phase is Phase.INVESTIGATIONAL
    assert "action:psilocybin-trd-compass-btd" in status.approval.in_force


def test_esketamine_is_approved_and_in_schedule_iii(real: KnowledgeGraph) -> None:
    status = status_as_of(real, "substance:esketamine", date(2025, 6, 1), None, "jurisdiction:US")
    assert status.approval.phase is Phase.APPROVED
    assert status.approval.phase_set_by == "action:esketamine-trd-monotherapy-approval"
    assert real.node("substance:esketamine")["us_schedule"] == "III"
    assert real.node("substance:psilocybin")["us_schedule"] == "I"


def test_massachusetts_voted_psilocybin_down_in_2024(real: KnowledgeGraph) -> None:
    found = actions(real, jurisdiction="jurisdiction:US-MA", substance="substance:psilocybin")
    assert found == ["action:psilocybin-us-ma-question-4-2024"]
    vote = real.node(found[0])
    assert (vote["action"], vote["date"]) == ("ballot_measure_failed", PartialDate(2024, 11, 5))


def test_the_states_that_acted_are_asked_with_the_country(real: KnowledgeGraph) -> None:
    state_actions = actions(
        real,
        jurisdiction="jurisdiction:US",
        include_subdivisions=True,
        jurisdiction_levels=["subdivision"],
        tracks=["legal"],
    )
    states = {real.node(real.node(a)["jurisdiction"])["code"] for a in state_actions}
    assert {"US-OR", "US-CO", "US-NM", "US-TX", "US-MA", "US-WA", "US-UT", "US-MD"} <= states
    # Asked apart, the country's own actions hold no state's.
    federal = actions(real, jurisdiction="jurisdiction:US", tracks=["legal"])
    assert not set(federal) & set(state_actions)


def test_access_outside_the_us(real: KnowledgeGraph) -> None:
    czech = status_as_of(real, "substance:psilocybin", date(2026, 6, 1), None, "jurisdiction:CZ")
    assert czech.legal.standing is LegalStanding.ACCESS_IN_FORCE
    assert czech.legal.access == ("action:psilocybin-cz-government-regulation-2025",)
    australia = status_as_of(
        real, "substance:mdma", date(2024, 6, 1), "condition:ptsd", "jurisdiction:AU"
    )
    assert "action:mdma-ptsd-tga-rescheduling" in australia.legal.schedules


def test_what_the_federal_government_did_in_2026(real: KnowledgeGraph) -> None:
    newest = actions(real, jurisdiction="jurisdiction:US", since=date(2026, 1, 1))
    assert "action:ibogaine-us-executive-order-2026" in newest
    order = real.node("action:ibogaine-us-executive-order-2026")
    assert (order["action"], order["date"]) == ("executive_order", PartialDate(2026, 4, 18))


@pytest.mark.parametrize(
    ("name", "substance"),
    [
        ("magic mushrooms", "substance:psilocybin"),
        ("shrooms", "substance:psilocybin"),
        ("acid", "substance:lsd"),
        ("special K", "substance:ketamine"),
        ("molly", "substance:mdma"),
    ],
)
def test_street_names_resolve(real: KnowledgeGraph, name: str, substance: str) -> None:
    assert resolve(real, "substance", name) == substance


def test_coverage_says_when_oregon_was_reviewed(real: KnowledgeGraph) -> None:
    oregon = next(t for t in coverage(real, "jurisdiction") if t.topic == "jurisdiction:US-OR")
    assert oregon.reviewed == PartialDate(2026, 12, 2)
    assert oregon.actions >= 8
