"""Status, coverage and evidence over GraphQL, on hand-built data: a state inside the US."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.load import load_graph
from tests.conftest import BTD_QUOTE, TINY
from tests.graph.test_status import STATE
from tests.schema.test_query import data_of, execute

Make = Callable[[dict[str, str]], Path]


def ask(make_data: Make, query: str) -> Any:
    return data_of(execute(load_graph(make_data({**TINY, "state.yaml": STATE})), query))


def test_a_state_status_over_graphql(make_data: Make) -> None:
    data = ask(
        make_data,
        """{
          regulatoryStatus(substance: "Drugxamine", jurisdiction: "Oregon", asOf: "2024-01-01") {
            jurisdiction { code parent { code } }
            approval { phase phaseSetBy { regkgId } }
            legal {
              standing
              schedules { regkgId jurisdiction { code } track }
              access { regkgId action }
            }
            coverage { covered actionCount newestAction { regkgId } }
          }
        }""",
    )
    assert data["regulatoryStatus"] == {
        "jurisdiction": {"code": "US-OR", "parent": {"code": "US"}},
        "approval": {"phase": "NOT_APPROVED", "phaseSetBy": {"regkgId": "action:x-crl"}},
        "legal": {
            "standing": "ACCESS_IN_FORCE",
            "schedules": [
                {
                    "regkgId": "action:x-federal-schedule",
                    "jurisdiction": {"code": "US"},
                    "track": "LEGAL",
                }
            ],
            "access": [
                {"regkgId": "action:x-state-measure", "action": "BALLOT_MEASURE_PASSED"},
                {"regkgId": "action:x-state-programme", "action": "ACCESS_PROGRAMME"},
            ],
        },
        "coverage": {
            "covered": True,
            "actionCount": 3,
            "newestAction": {"regkgId": "action:x-state-licences"},
        },
    }


def test_a_country_and_its_states_together_or_apart(make_data: Make) -> None:
    data = ask(
        make_data,
        """{
          apart: regulatoryActions(filter: {jurisdiction: "US", track: LEGAL}) {
            nodes { regkgId }
          }
          states: regulatoryActions(filter: {jurisdictionLevels: [SUBDIVISION, CITY]}) {
            totalCount
          }
          together: regulatoryActions(
            filter: {jurisdiction: "US", includeSubdivisions: true, track: LEGAL}, order: DATE_DESC
          ) { nodes { regkgId } }
          statuses: regulatoryStatuses(substance: "Drugxamine", asOf: "2024-01-01") {
            jurisdiction { code }
            legal { standing }
          }
          timeline(substance: "Drugxamine", jurisdiction: "US", includeSubdivisions: true,
                   track: LEGAL) { date what track }
          jurisdiction(name: "US-OR") { name parts { code } actions(track: LEGAL) { regkgId } }
        }""",
    )
    assert data["apart"] == {"nodes": [{"regkgId": "action:x-federal-schedule"}]}
    assert data["states"] == {"totalCount": 3}
    assert [n["regkgId"] for n in data["together"]["nodes"]] == [
        "action:x-state-licences",
        "action:x-state-programme",
        "action:x-state-measure",
        "action:x-federal-schedule",
    ]
    assert data["statuses"] == [
        {"jurisdiction": {"code": "US"}, "legal": {"standing": "SCHEDULE_IN_FORCE"}},
        {"jurisdiction": {"code": "US-OR"}, "legal": {"standing": "ACCESS_IN_FORCE"}},
    ]
    assert data["timeline"][0] == {"date": "1970-10-27", "what": "SCHEDULING", "track": "LEGAL"}
    assert len(data["timeline"]) == 4
    assert data["jurisdiction"] == {
        "name": "Oregon",
        "parts": [],
        "actions": [
            {"regkgId": "action:x-state-measure"},
            {"regkgId": "action:x-state-programme"},
            {"regkgId": "action:x-state-licences"},
        ],
    }


def test_what_rests_on_a_source_and_what_a_record_rests_on(make_data: Make) -> None:
    data = ask(
        make_data,
        """{
          search(text: "Sponsor Inc.", kinds: [SOURCE]) {
            nodes {
            field
            node {
              ... on Source {
                restsOn { bestSourceKind primary }
                supports { record { regkgId } citation { quote supports derived } }
              }
            }
            }
          }
          entity(id: "claim:not-significant") {
            ... on Claim { restsOn { bestSourceKind primary } sources { source { type } } }
          }
          meta { coverage { jurisdictions { topic { regkgId } actionCount covered } } }
        }""",
    )
    hit = data["search"]["nodes"][0]
    assert hit["field"] == "publisher"
    assert hit["node"]["restsOn"] == {"bestSourceKind": "SPONSOR", "primary": True}
    assert hit["node"]["supports"][0] == {
        "record": {"regkgId": "action:x-btd"},
        "citation": {"quote": BTD_QUOTE, "supports": [], "derived": None},
    }
    assert data["entity"] == {
        "restsOn": {"bestSourceKind": "REGULATOR", "primary": True},
        "sources": [{"source": {"type": "REGULATOR"}}],
    }
    assert data["meta"]["coverage"]["jurisdictions"] == [
        {"topic": {"regkgId": "jurisdiction:AU"}, "actionCount": 0, "covered": False},
        {"topic": {"regkgId": "jurisdiction:EU"}, "actionCount": 0, "covered": False},
        {"topic": {"regkgId": "jurisdiction:US-OR"}, "actionCount": 3, "covered": True},
        {"topic": {"regkgId": "jurisdiction:US"}, "actionCount": 5, "covered": True},
    ]


def test_actions_resting_on_a_primary_source_or_not(make_data: Make) -> None:
    pressed = """
        - id: source:newspaper
          url: https://news.example/story
          title: Drugxamine story
          publisher: The Daily
          type: press
        - id: action:x-reported
          action: scheduling_petition
          summary: A petition, known only from the press.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          date: 2022-05-01
          disclosure: press
          sources: [{source: source:newspaper, derived: test}]
        """
    kg = load_graph(make_data({**TINY, "pressed.yaml": pressed}))
    query = """{
      primary: regulatoryActions(filter: {restsOnPrimarySource: true}) { nodes { regkgId } }
      press: regulatoryActions(filter: {restsOnPrimarySource: false}) {
        nodes { regkgId restsOn { bestSourceKind primary } }
      }
    }"""
    data = data_of(execute(kg, query))
    assert [n["regkgId"] for n in data["primary"]["nodes"]] == [
        "action:x-btd",
        "action:x-submitted",
        "action:x-priority",
        "action:x-crl",
    ]
    assert data["press"]["nodes"] == [
        {"regkgId": "action:x-reported", "restsOn": {"bestSourceKind": "PRESS", "primary": False}}
    ]
