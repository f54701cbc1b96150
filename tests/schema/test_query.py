"""The root Query on the bundled data: the questions regkg is for, answered exactly.

Expected values were checked against shared/facts.md (grant and announcement dates of
each FDA breakthrough designation, enrollments, the 2020 pilot's p = .056, the MAPS PBC
rename on 2024-01-05), not copied from the output.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

import pytest
import strawberry
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    Undefined,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
)
from strawberry.types import ExecutionResult

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.model import KINDS
from graph.vocab import SourceType
from schema.app import build_schema
from schema.context import Context
from schema.limits import Limits
from schema.relay import MAX_PAGE, to_global_id
from schema.types import TYPE_OF_KIND


@cache
def regkg_schema(limits: Limits | None = None) -> strawberry.Schema:
    return build_schema(limits)


def execute(kg: KnowledgeGraph, query: str, variables: dict[str, Any] | None = None) -> Any:
    return regkg_schema().execute_sync(query, variable_values=variables, context_value=Context(kg))


def data_of(result: ExecutionResult) -> dict[str, Any]:
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


STATUS = """
query Status($asOf: Date!) {
  regulatoryStatus(substance: "MDMA", condition: "PTSD", jurisdiction: "US", asOf: $asOf) {
    asOf
    jurisdiction { code }
    substance { regkgId }
    condition { regkgId }
    approval {
      phase
      summary
      inForce { regkgId }
      phaseSetBy { regkgId date disclosure }
      uncertain { regkgId }
    }
    coverage { covered }
  }
}
"""

IN_FORCE_SINCE_2019 = [
    {"regkgId": "action:mdma-ptsd-spa"},
    {"regkgId": "action:mdma-ptsd-btd"},
    {"regkgId": "action:mdma-ptsd-expanded-access"},
]
IN_FORCE_TEXT = (
    "In force: special protocol assessment (2017-07-28); breakthrough therapy designation "
    "(2017-08-16); expanded access (2019-12-20)."
)


@pytest.mark.parametrize(
    ("as_of", "phase", "summary", "phase_set_by"),
    [
        pytest.param(
            "2023-06-01",
            "INVESTIGATIONAL",
            "Investigational: no marketing application decided or pending. " + IN_FORCE_TEXT,
            None,
            id="before-the-application",
        ),
        pytest.param(
            "2024-09-01",
            "NOT_APPROVED",
            "Not approved: complete response letter (2024-08-09). " + IN_FORCE_TEXT,
            {"regkgId": "action:mdma-ptsd-crl", "date": "2024-08-09", "disclosure": "SPONSOR"},
            id="after-the-complete-response-letter",
        ),
    ],
)
def test_status_of_mdma_for_ptsd_in_the_us(
    real: KnowledgeGraph,
    as_of: str,
    phase: str,
    summary: str,
    phase_set_by: dict[str, str] | None,
) -> None:
    result = execute(real, STATUS, {"asOf": as_of})
    assert data_of(result) == {
        "regulatoryStatus": {
            "asOf": as_of,
            "jurisdiction": {"code": "US"},
            "substance": {"regkgId": "substance:mdma"},
            "condition": {"regkgId": "condition:ptsd"},
            "approval": {
                "phase": phase,
                "summary": summary,
                "inForce": IN_FORCE_SINCE_2019,
                "phaseSetBy": phase_set_by,
                "uncertain": [],
            },
            "coverage": {"covered": True},
        }
    }


def test_status_history_and_the_sources_of_the_decision(real: KnowledgeGraph) -> None:
    query = """{
      regulatoryStatus(substance: "substance:mdma", condition: "condition:ptsd",
                       jurisdiction: "US", asOf: "2024-09-01") {
        approval {
          history { regkgId }
          phaseSetBy { sources { quote derived source { publisher url type } } }
        }
      }
    }"""
    status = data_of(execute(real, query))["regulatoryStatus"]["approval"]
    assert [a["regkgId"] for a in status["history"]] == [
        "action:mdma-ptsd-fda-meeting-2016",
        "action:mdma-ptsd-btd-requested",
        "action:mdma-ptsd-spa",
        "action:mdma-ptsd-btd",
        "action:mdma-ptsd-ea-requested",
        "action:mdma-ptsd-expanded-access",
        "action:mdma-ptsd-nda-submitted",
        "action:mdma-ptsd-priority-review",
        "action:mdma-ptsd-adcom-scheduled",
        "action:mdma-ptsd-adcom-vote",
        "action:mdma-ptsd-crl",
    ]
    sources = status["phaseSetBy"]["sources"]
    # Closest to the fact first: whatever the data cites, no copy precedes a primary source.
    ranks = [list(SourceType).index(SourceType(c["source"]["type"].lower())) for c in sources]
    assert ranks == sorted(ranks)
    assert {c["source"]["url"] for c in sources} >= {
        "https://phillipslytle.com/fda-denies-approval-of-new-drug-application-for-"
        "mdma-and-requests-additional-study/"
    }


def test_status_on_the_substance_type_while_under_review(real: KnowledgeGraph) -> None:
    query = """{
      substance(name: "MDMA") {
        status(asOf: "2024-05-01", condition: "PTSD", jurisdiction: "US") {
          approval {
            phase
            phaseSetBy { regkgId }
            inForce { regkgId }
          }
        }
      }
    }"""
    assert data_of(execute(real, query)) == {
        "substance": {
            "status": {
                "approval": {
                    "phase": "UNDER_REVIEW",
                    "phaseSetBy": {"regkgId": "action:mdma-ptsd-nda-submitted"},
                    "inForce": [
                        *IN_FORCE_SINCE_2019,
                        {"regkgId": "action:mdma-ptsd-priority-review"},
                    ],
                }
            }
        }
    }


def test_every_fda_breakthrough_designation_with_dates_and_sponsors(real: KnowledgeGraph) -> None:
    query = """{
      regulatoryActions(filter: {kinds: [BREAKTHROUGH_THERAPY_DESIGNATION], agency: "FDA"}) {
        totalCount
        nodes {
          regkgId date announced disclosure
          agency { regkgId }
          substance { name }
          condition { name }
          sponsor { regkgId }
          sponsorNameThen
        }
      }
    }"""
    # Dates from facts.md: the FDA does not publish designations, so each comes from the
    # sponsor; only MAPS gave the grant day apart from the announcement.
    expected = [
        ("action:esketamine-trd-btd", "2013-11", None, "Esketamine",
         "Treatment-resistant depression", "organisation:janssen",
         "Janssen (Johnson & Johnson)"),
        ("action:esketamine-mdd-suicidal-btd", None, "2016-08-16", "Esketamine",
         "Major depressive disorder with acute suicidal ideation or behavior",
         "organisation:janssen", "Janssen (Johnson & Johnson)"),
        ("action:mdma-ptsd-btd", "2017-08-16", "2017-08-26", "MDMA",
         "Post-traumatic stress disorder", "organisation:maps",
         "Multidisciplinary Association for Psychedelic Studies"),
        ("action:psilocybin-trd-compass-btd", None, "2018-10-23", "Psilocybin",
         "Treatment-resistant depression", "organisation:compass-pathways", "Compass Pathways"),
        ("action:psilocybin-mdd-usona-btd", None, "2019-11-22", "Psilocybin",
         "Major depressive disorder", "organisation:usona", "Usona Institute"),
        ("action:lsd-gad-btd", None, "2024-03-07", "LSD",
         "Generalized anxiety disorder", "organisation:mindmed", "MindMed"),
        ("action:cyb003-mdd-btd", None, "2024-03-13", "CYB003",
         "Major depressive disorder", "organisation:cybin", "Cybin"),
        ("action:methylone-us-transcend-btd-2025", None, "2025-07-10", "Methylone",
         "Post-traumatic stress disorder", "organisation:transcend-therapeutics",
         "Transcend Therapeutics"),
        ("action:mebufotenin-trd-btd", None, "2025-10-16", "Mebufotenin",
         "Treatment-resistant depression", "organisation:beckley-psytech", "Beckley Psytech"),
        ("action:luvesilocin-us-re104-btd-2026", None, "2026-02-23", "Luvesilocin",
         "Postpartum depression", "organisation:reunion-neuroscience", "Reunion Neuroscience"),
    ]  # fmt: skip
    nodes = [
        {
            "regkgId": regkg_id,
            "date": date,
            "announced": announced,
            "disclosure": "SPONSOR",
            "agency": {"regkgId": "organisation:fda"},
            "substance": {"name": substance},
            "condition": {"name": condition},
            "sponsor": {"regkgId": sponsor},
            "sponsorNameThen": name_then,
        }
        for regkg_id, date, announced, substance, condition, sponsor, name_then in expected
    ]
    assert data_of(execute(real, query)) == {
        "regulatoryActions": {"totalCount": len(nodes), "nodes": nodes}
    }


def test_actions_of_a_substance_filtered_by_kind_and_jurisdiction(real: KnowledgeGraph) -> None:
    query = """{
      substance(name: "MDMA") {
        actions(kinds: [BREAKTHROUGH_THERAPY_DESIGNATION, COMPLETE_RESPONSE_LETTER],
                jurisdiction: "US", condition: "PTSD") { regkgId }
      }
    }"""
    assert data_of(execute(real, query)) == {
        "substance": {
            "actions": [{"regkgId": "action:mdma-ptsd-btd"}, {"regkgId": "action:mdma-ptsd-crl"}]
        }
    }


def test_trials_of_mdma_with_enrollment(real: KnowledgeGraph) -> None:
    query = """{
      trials(filter: {substance: "MDMA"}) {
        totalCount
        nodes { registryId acronym phase enrollment enrollmentType }
      }
    }"""

    def trial(
        registry_id: str, acronym: str | None, phase: str | None, n: int | None, kind: str | None
    ) -> dict[str, Any]:
        return {
            "registryId": registry_id,
            "acronym": acronym,
            "phase": phase,
            "enrollment": n,
            "enrollmentType": kind,
        }

    # Autistic adults n=12 (a copy of the registry record, which does not say whether the
    # count is actual); 2020 pilot n=18; MAPP1 n=90; MAPP2 n=104 randomised; MED1 planned
    # 18; the EAP record and MAPPUSX have no confirmed size.
    assert data_of(execute(real, query)) == {
        "trials": {
            "totalCount": 7,
            "nodes": [
                trial("NCT02008396", None, "PHASE2", 12, None),
                trial("NCT02427568", None, "PHASE2", 18, "ACTUAL"),
                trial("NCT03537014", "MAPP1", "PHASE3", 90, "ACTUAL"),
                trial("NCT04077437", "MAPP2", "PHASE3", 104, "ACTUAL"),
                trial("NCT04438512", "EAMP1", None, None, None),
                trial("NCT04454684", "MED1", "PHASE2", 18, "ESTIMATED"),
                trial("NCT04714359", "MAPPUSX", "PHASE3", None, None),
            ],
        }
    }


def test_phase_3_trials_of_mdma_by_enrollment(real: KnowledgeGraph) -> None:
    query = """{
      trials(filter: {substance: "substance:mdma", phases: [PHASE3]}, order: ENROLLMENT_DESC) {
        nodes { registryId enrollment }
      }
    }"""
    assert data_of(execute(real, query)) == {
        "trials": {
            "nodes": [
                {"registryId": "NCT04077437", "enrollment": 104},
                {"registryId": "NCT03537014", "enrollment": 90},
                {"registryId": "NCT04714359", "enrollment": None},
            ]
        }
    }


def _dated(action: dict[str, Any]) -> bool:
    return any(action[f] is not None for f in ("date", "announced", "effective"))


def test_actions_oldest_first_put_undated_actions_last(real: KnowledgeGraph) -> None:
    query = """{
      regulatoryActions(filter: {substance: "MDMA"}, first: 100) {
        nodes { regkgId date announced effective }
      }
    }"""
    nodes = data_of(execute(real, query))["regulatoryActions"]["nodes"]
    dated = [_dated(n) for n in nodes]
    assert dated == sorted(dated, reverse=True)
    assert nodes[-1]["regkgId"] == "action:mdma-ptsd-ea-clinical-hold"


def test_actions_newest_first_put_undated_actions_last(real: KnowledgeGraph) -> None:
    query = """{
      regulatoryActions(filter: {substance: "MDMA"}, order: DATE_DESC, first: 100) {
        nodes { regkgId date announced effective }
      }
    }"""
    nodes = data_of(execute(real, query))["regulatoryActions"]["nodes"]
    dated = [_dated(n) for n in nodes]
    assert dated == sorted(dated, reverse=True)
    assert nodes[0]["regkgId"] == "action:mdma-ptsd-crl-published"


@pytest.mark.parametrize(
    ("text", "kind", "label", "matched", "field", "regkg_id"),
    [
        pytest.param(
            "molly", "SUBSTANCE", "MDMA", "molly", "synonyms", "substance:mdma", id="molly"
        ),
        pytest.param(
            "post traumatic stress",
            "CONDITION",
            "Post-traumatic stress disorder",
            "Post-traumatic stress disorder",
            "name",
            "condition:ptsd",
            id="post-traumatic-stress",
        ),
        pytest.param(
            "MAPS Public Benefit Corporation",
            "ORGANISATION",
            "Lykos Therapeutics",
            "MAPS Public Benefit Corporation",
            "names",
            "organisation:lykos",
            id="former-name",
        ),
    ],
)
def test_search_first_hit(
    real: KnowledgeGraph,
    text: str,
    kind: str,
    label: str,
    matched: str,
    field: str,
    regkg_id: str,
) -> None:
    query = """query ($text: String!) {
      search(text: $text) { nodes { kind label matched field node { regkgId } } }
    }"""
    hits = data_of(execute(real, query, {"text": text}))["search"]["nodes"]
    assert hits[0] == {
        "kind": kind,
        "label": label,
        "matched": matched,
        "field": field,
        "node": {"regkgId": regkg_id},
    }


def test_search_for_molly_finds_only_mdma_with_an_exact_score(real: KnowledgeGraph) -> None:
    query = (
        '{ search(text: "molly") { totalCount nodes { label matched score node { regkgId } } } }'
    )
    assert data_of(execute(real, query)) == {
        "search": {
            "totalCount": 1,
            "nodes": [
                {
                    "label": "MDMA",
                    "matched": "molly",
                    "score": 100.0,
                    "node": {"regkgId": "substance:mdma"},
                }
            ],
        }
    }


def test_search_restricted_to_a_kind(real: KnowledgeGraph) -> None:
    query = '{ search(text: "molly", kinds: [CONDITION]) { nodes { label } } }'
    assert data_of(execute(real, query)) == {"search": {"nodes": []}}


def test_path_from_mdma_to_oxytocin(real: KnowledgeGraph) -> None:
    query = """{
      path(from: "substance:mdma", to: "target:oxytocin") {
        length
        steps { relation forward source { regkgId } target { regkgId } }
      }
    }"""
    assert data_of(execute(real, query)) == {
        "path": [
            {
                "length": 2,
                "steps": [
                    {
                        "relation": "HAS_EFFECT_OF",
                        "forward": False,
                        "source": {"regkgId": "substance:mdma"},
                        "target": {"regkgId": "effect:mdma-raises-oxytocin"},
                    },
                    {
                        "relation": "ACTS_ON",
                        "forward": True,
                        "source": {"regkgId": "effect:mdma-raises-oxytocin"},
                        "target": {"regkgId": "target:oxytocin"},
                    },
                ],
            }
        ]
    }


PILOT = "conflict:mdma-anxiety-pilot-significance"
WOLFSON = {
    "regkgId": "source:wolfson-2020-sci-rep",
    "publisher": "Scientific Reports",
    "published": "2020-11-24",
}


def test_the_conflicting_claims_about_the_2020_pilot(real: KnowledgeGraph) -> None:
    query = """query ($id: String!) {
      entity(id: $id) {
        __typename
        ... on Conflict {
          question
          status
          claims {
            regkgId statement status
            subject { regkgId }
            sources { quote source { regkgId publisher published } }
          }
        }
      }
    }"""
    not_significant = "results did not reach a significant group difference (p = .056)"
    assert data_of(execute(real, query, {"id": PILOT})) == {
        "entity": {
            "__typename": "Conflict",
            "question": "Did MDMA therapy significantly lower anxiety in the 2020 pilot trial "
            "in life-threatening illness (NCT02427568)?",
            "status": "RESOLVED",
            "claims": [
                {
                    "regkgId": "claim:seed-2020-pilot-significantly-lowered-anxiety",
                    "statement": "According to the study, MDMA therapy significantly lowered "
                    "anxiety compared to the placebo group.",
                    "status": "CONTRADICTED",
                    "subject": {"regkgId": "trial:NCT02427568"},
                    # The journal, closest to the fact, before the press article.
                    "sources": [
                        {"quote": not_significant, "source": WOLFSON},
                        # The trial is the one the paper reports: derived, not quoted.
                        {"quote": None, "source": WOLFSON},
                        {
                            "quote": "According to the study, MDMA therapy significantly "
                            "lowered anxiety compared to the placebo group.",
                            # The seed's words are the blog copy's; the original's stored
                            # text ends before the pilot.
                            "source": {
                                "regkgId": "source:seed-copy",
                                "publisher": "Unnamed blog, paraphrasing Medical News Today",
                                "published": None,
                            },
                        },
                    ],
                },
                {
                    "regkgId": "claim:wolfson-2020-pilot-not-significant",
                    "statement": "In the pilot trial (MDMA 125 mg n=13, placebo n=5), trait "
                    "anxiety fell more with MDMA, but the results did not reach a significant "
                    "group difference (p = .056).",
                    "status": "CONFIRMED",
                    "subject": {"regkgId": "trial:NCT02427568"},
                    "sources": [
                        {"quote": not_significant, "source": WOLFSON},
                        {
                            "quote": "randomized... to receive MDMA (125 mg, n = 13) or placebo "
                            "(n = 5)",
                            "source": WOLFSON,
                        },
                        {"quote": None, "source": WOLFSON},
                    ],
                },
            ],
        }
    }


def test_conflicts_by_status(real: KnowledgeGraph) -> None:
    query = """{
      all: conflicts { regkgId status }
      open: conflicts(status: OPEN) { regkgId }
      resolved: conflicts(status: RESOLVED) { regkgId }
    }"""
    data = data_of(execute(real, query))
    open_ids = [c["regkgId"] for c in data["open"]]
    resolved_ids = [c["regkgId"] for c in data["resolved"]]
    assert PILOT in resolved_ids
    assert PILOT not in open_ids
    assert "conflict:bonding-hormones" in open_ids
    assert sorted(open_ids + resolved_ids) == sorted(c["regkgId"] for c in data["all"])
    assert {c["status"] for c in data["all"]} == {"OPEN", "RESOLVED"}


def test_timeline_of_mdma_for_ptsd_in_the_us(real: KnowledgeGraph) -> None:
    query = """{
      timeline(substance: "MDMA", condition: "PTSD", jurisdiction: "US", includeTrials: false) {
        date what node { regkgId }
      }
    }"""
    # facts.md section 2, in order; undated actions (the clinical hold) are left out.
    expected = [
        ("2014", "corporate", "event:maps-pbc-created"),
        ("2016-12-13", "regulator_meeting", "action:mdma-ptsd-fda-meeting-2016"),
        ("2017-06-22", "designation_requested", "action:mdma-ptsd-btd-requested"),
        ("2017-07-28", "special_protocol_assessment", "action:mdma-ptsd-spa"),
        ("2017-08-16", "breakthrough_therapy_designation", "action:mdma-ptsd-btd"),
        ("2019-01", "designation_requested", "action:mdma-ptsd-ea-requested"),
        ("2019-12-20", "expanded_access", "action:mdma-ptsd-expanded-access"),
        ("2023-12-12", "application_submitted", "action:mdma-ptsd-nda-submitted"),
        ("2023-12-22", "legislation_enacted", "action:mdma-us-ndaa-fy2024"),
        ("2024-01-05", "research_funding", "action:mdma-us-va-research-call-2024"),
        ("2024-01-05", "financing", "event:lykos-series-a-2024"),
        ("2024-01-05", "corporate", "event:maps-pbc-renamed-lykos"),
        ("2024-02", "priority_review", "action:mdma-ptsd-priority-review"),
        ("2024-06-04", "advisory_committee_scheduled", "action:mdma-ptsd-adcom-scheduled"),
        ("2024-06-04", "advisory_committee_vote", "action:mdma-ptsd-adcom-vote"),
        ("2024-08-09", "complete_response_letter", "action:mdma-ptsd-crl"),
        ("2024-08-10", "retraction", "event:psychopharmacology-retractions-2024"),
        ("2024-08-15", "corporate", "event:lykos-restructuring-2024"),
        ("2024-09", "leadership", "event:lykos-ceo-change-2024"),
        ("2024-10-18", "regulator_meeting", "action:mdma-ptsd-fda-meeting-2024-10"),
        ("2024-12-03", "research_funding", "action:mdma-us-va-grant-ptsd-2024"),
        ("2025-01-16", "regulator_meeting", "action:mdma-ptsd-fda-meeting-2025-01"),
        ("2025-03-17", "research_funding", "action:mdma-us-dod-grants-ptsd-2025"),
        (
            "2025-09-04",
            "complete_response_letter_published",
            "action:mdma-ptsd-crl-published",
        ),
    ]
    assert data_of(execute(real, query)) == {
        "timeline": [
            {"date": date, "what": what.upper(), "node": {"regkgId": node}}
            for date, what, node in expected
        ]
    }


def test_timeline_with_trials_runs_oldest_first(real: KnowledgeGraph) -> None:
    query = '{ timeline(substance: "MDMA") { date what node { regkgId } } }'
    entries = data_of(execute(real, query))["timeline"]
    earliest = [PartialDate.parse(e["date"]).earliest for e in entries]
    assert earliest == sorted(earliest)
    assert {
        "date": "2018-11-29",
        "what": "TRIAL_START",
        "node": {"regkgId": "trial:NCT03537014"},
    } in entries
    assert {
        "date": "2020-11-24",
        "what": "TRIAL_RESULTS",
        "node": {"regkgId": "source:wolfson-2020-sci-rep"},
    } in entries


def test_neighbourhood_of_mdma_at_depth_1(real: KnowledgeGraph) -> None:
    query = """{
      neighbourhood(id: "substance:mdma") { nodes { regkgId } edges { source target relation } }
    }"""
    found = data_of(execute(real, query))["neighbourhood"]
    ids = [n["regkgId"] for n in found["nodes"]]
    assert ids[0] == "substance:mdma"
    assert len(ids) == len(set(ids))
    assert {
        "action:mdma-ptsd-btd",
        "action:mdma-ptsd-crl",
        "effect:mdma-raises-oxytocin",
        "organisation:lykos",
        "organisation:maps",
        "substance:ecstasy",
        "trial:NCT03537014",
        "trial:NCT04077437",
        "claim:seed-ptsd-research-in-phase-3",
    } <= set(ids)
    assert "target:oxytocin" not in ids  # two edges away
    assert not any(i.startswith("source:") for i in ids)  # citations are not relations
    assert {
        "source": "substance:ecstasy",
        "target": "substance:mdma",
        "relation": "STREET_FORM_OF",
    } in found["edges"]
    assert all(e["source"] in ids and e["target"] in ids for e in found["edges"])


def test_stale_claims(real: KnowledgeGraph) -> None:
    query = """{
      staleClaims(olderThan: "2015-01-01", first: 100) {
        totalCount nodes { newestSourceDate claim { regkgId } }
      }
    }"""
    page = data_of(execute(real, query))["staleClaims"]
    stale = page["nodes"]
    assert page["totalCount"] == len(stale)
    dated = [s for s in stale if s["newestSourceDate"] is not None]
    assert dated == [
        {"newestSourceDate": "2009-08-13", "claim": {"regkgId": "claim:bedi-2009-amygdala-threat"}},
        {
            "newestSourceDate": "2014-01-13",
            "claim": {"regkgId": "claim:carhart-harris-2014-amygdala-cbf"},
        },
        # Seed claims past the part of the original that was read rest on the undated blog
        # copy and on these older papers only.
        {
            "newestSourceDate": "2014-01-13",
            "claim": {"regkgId": "claim:seed-mdma-lowers-amygdala-activity"},
        },
        {"newestSourceDate": "2014", "claim": {"regkgId": "claim:seed-oxytocin-bonding-trust"}},
    ]
    # A claim whose sources carry no date is reported with a null date: its age is unknown.
    undated = {s["claim"]["regkgId"] for s in stale if s["newestSourceDate"] is None}
    assert "claim:cbs-fda-does-not-disclose-btd" in undated
    assert "claim:wolfson-2020-pilot-not-significant" not in undated
    assert "claim:seed-prolactin-bonding-trust" in undated  # the copy alone


def test_meta(real: KnowledgeGraph) -> None:
    query = "{ meta { dataVersion builtAt counts { kind count } } }"
    assert data_of(execute(real, query)) == {
        "meta": {
            "dataVersion": real.version,
            "builtAt": real.built_at.isoformat(timespec="seconds"),
            "counts": [
                {"kind": kind.upper(), "count": len(real.by_kind[kind])} for kind in sorted(KINDS)
            ],
        }
    }


def test_substance_by_street_name(real: KnowledgeGraph) -> None:
    query = """{
      substance(name: "ecstasy") { regkgId name streetFormOf { regkgId name } }
      mdma: substance(id: "substance:mdma") { name streetForms { regkgId } streetFormOf { name } }
    }"""
    assert data_of(execute(real, query)) == {
        "substance": {
            "regkgId": "substance:ecstasy",
            "name": "Ecstasy",
            "streetFormOf": {"regkgId": "substance:mdma", "name": "MDMA"},
        },
        "mdma": {
            "name": "MDMA",
            "streetForms": [{"regkgId": "substance:ecstasy"}],
            "streetFormOf": None,
        },
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            '{ x: condition(name: "PTSD") { regkgId } }',
            {"regkgId": "condition:ptsd"},
            id="condition-by-abbreviation",
        ),
        pytest.param(
            '{ x: condition(id: "condition:ptsd") { name } }',
            {"name": "Post-traumatic stress disorder"},
            id="condition-by-id",
        ),
        pytest.param(
            '{ x: organisation(name: "MAPS Public Benefit Corporation") { regkgId name } }',
            {"regkgId": "organisation:lykos", "name": "Lykos Therapeutics"},
            id="organisation-by-former-name",
        ),
        pytest.param(
            '{ x: trial(registryId: "nct03537014") { regkgId acronym } }',
            {"regkgId": "trial:NCT03537014", "acronym": "MAPP1"},
            id="trial-by-registry-id",
        ),
        pytest.param(
            '{ x: trial(id: "trial:NCT04077437") { registryId registryUrl } }',
            {
                "registryId": "NCT04077437",
                "registryUrl": "https://clinicaltrials.gov/study/NCT04077437",
            },
            id="trial-by-id",
        ),
        pytest.param(
            '{ x: regulatoryAction(id: "action:mdma-ptsd-btd") { action date announced } }',
            {
                "action": "BREAKTHROUGH_THERAPY_DESIGNATION",
                "date": "2017-08-16",
                "announced": "2017-08-26",
            },
            id="action-by-id",
        ),
        pytest.param(
            '{ x: source(id: "source:seed-mnt") { publisher published title } }',
            {
                "publisher": "Medical News Today",
                "published": "2022-09-29",
                "title": "What is MDMA therapy used for",
            },
            id="source-by-id",
        ),
        pytest.param(
            '{ x: entity(id: "target:oxytocin") { __typename regkgId } }',
            {"__typename": "Target", "regkgId": "target:oxytocin"},
            id="entity-by-id",
        ),
    ],
)
def test_entity_lookup(real: KnowledgeGraph, query: str, expected: dict[str, Any] | None) -> None:
    assert data_of(execute(real, query)) == {"x": expected}


@pytest.mark.parametrize(
    ("on", "name"),
    [
        pytest.param("2014-06-01", "MAPS Public Benefit Corporation", id="created"),
        pytest.param("2023-06-01", "MAPS Public Benefit Corporation", id="before-rename"),
        pytest.param("2024-01-04", "MAPS Public Benefit Corporation", id="last-day-of-old-name"),
        pytest.param("2024-01-05", "Lykos Therapeutics", id="day-of-rename"),
        pytest.param("2024-06-01", "Lykos Therapeutics", id="after-rename"),
    ],
)
def test_organisation_name_on_a_date(real: KnowledgeGraph, on: str, name: str) -> None:
    query = """query ($on: Date!) {
      organisation(id: "organisation:lykos") { name nameOn(on: $on) }
    }"""
    assert data_of(execute(real, query, {"on": on})) == {
        "organisation": {"name": "Lykos Therapeutics", "nameOn": name}
    }


@pytest.mark.parametrize(
    ("action", "name_then"),
    [
        pytest.param(
            "action:mdma-ptsd-nda-submitted", "MAPS Public Benefit Corporation", id="nda-2023-12"
        ),
        pytest.param("action:mdma-ptsd-ea-requested", "MAPS Public Benefit Corporation", id="2019"),
        pytest.param("action:mdma-ptsd-crl", "Lykos Therapeutics", id="crl-2024-08"),
        pytest.param(
            "action:mdma-ptsd-btd",
            "Multidisciplinary Association for Psychedelic Studies",
            id="sponsor-never-renamed",
        ),
        pytest.param("action:mdma-ptsd-tga-rescheduling", None, id="no-sponsor"),
    ],
)
def test_sponsor_name_then(real: KnowledgeGraph, action: str, name_then: str | None) -> None:
    query = "query ($id: String!) { regulatoryAction(id: $id) { sponsorNameThen } }"
    assert data_of(execute(real, query, {"id": action})) == {
        "regulatoryAction": {"sponsorNameThen": name_then}
    }


def test_sponsor_name_then_of_an_undated_action_is_not_todays_name(real: KnowledgeGraph) -> None:
    query = """{
      regulatoryAction(id: "action:mdma-ptsd-ea-clinical-hold") { date announced sponsorNameThen }
    }"""
    assert data_of(execute(real, query)) == {
        "regulatoryAction": {"date": None, "announced": None, "sponsorNameThen": None}
    }


def test_how_to_cite(real: KnowledgeGraph) -> None:
    query = """{
      substance(id: "substance:ecstasy") { howToCite }
      source(id: "source:seed-mnt") { howToCite }
      copy: source(id: "source:seed-copy") { howToCite url held }
    }"""
    version = real.version
    mnt = (
        'Medical News Today (2022-09-29). "What is MDMA therapy used for". '
        "https://www.medicalnewstoday.com/articles/mdma-therapy?utm_source=ReadNext"
    )
    held = (
        "shared/seed/000_c4d38e4f2f9fb276.txt, beside the repository (the seed text regkg "
        "started from)"
    )
    # A copy with no public address says where its text is held instead of a URL.
    copy = (
        'Unnamed blog, paraphrasing Medical News Today. "What is MDMA therapy used for". '
        f"No public address; text held in {held}"
    )
    assert data_of(execute(real, query)) == {
        "substance": {
            # The journal before the press: sources closest to the fact come first.
            "howToCite": f"Ecstasy [regkg substance:ecstasy, data version {version}]. "
            'Sources: Neuropsychopharmacology (Nature Publishing Group) (2014). "Kirkpatrick '
            'et al., Neuropsychopharmacology 39:1654-1663". '
            f"https://www.nature.com/npp/journal/v39/n7/full/npp201412a; {mnt}; {copy}; "
            'National Institute on Drug Abuse (NIDA). "NIDA Research Report text on MDMA '
            '(ecstasy), reproduced on storymd.com". https://storymd.com/amp/j68bxl2fzm'
        },
        "source": {"howToCite": f"{mnt} [regkg data version {version}]"},
        "copy": {
            "howToCite": f"{copy} [regkg data version {version}]",
            "url": None,
            "held": held,
        },
    }


# --- every field of every node type resolves, for every node of that kind -------------

KIND_TYPES = {kind: type_.__name__ for kind, type_ in TYPE_OF_KIND.items()}
# Values for required arguments, by type (Substance.status(asOf:, jurisdiction:),
# Organisation.nameOn(on:)), and for arguments without which a field refuses to answer.
ARGUMENTS = {"Date": '"2024-01-01"', "String": '"US"'}
ALWAYS: dict[tuple[str, str], str] = {}
# Selecting every field two levels deep costs more than a client should be allowed; and
# takes seconds, more on a busy machine: no time budget (a wall clock) may fail the test.
ROOMY = Limits(max_depth=20, max_aliases=100, max_tokens=100_000, max_cost=10**9, time_budget=0)


def _select_all(type_: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> str:
    parts = []
    for name, field in type_.fields.items():
        required = [
            f"{arg}: {ARGUMENTS[get_named_type(spec.type).name]}"
            for arg, spec in field.args.items()
            if is_non_null_type(spec.type) and spec.default_value is Undefined
        ] + [
            f"{arg}: {value}"
            for (on, arg), value in ALWAYS.items()
            if on == name and arg in field.args
        ]
        call = f"{name}({', '.join(required)})" if required else name
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(call)
        elif depth == 0:
            parts.append(f"{call} {{ __typename }}")
        else:
            assert isinstance(inner, GraphQLObjectType | GraphQLInterfaceType)
            parts.append(f"{call} {{ __typename {_select_all(inner, depth - 1)} }}")
    return " ".join(parts)


def test_without_a_jurisdiction_one_status_per_jurisdiction(real: KnowledgeGraph) -> None:
    query = """{
      regulatoryStatuses(substance: "MDMA", condition: "PTSD", asOf: "2024-09-01") {
        jurisdiction { code }
        approval { phase }
        legal { standing schedules { regkgId } }
      }
    }"""
    statuses = data_of(execute(real, query))["regulatoryStatuses"]
    by_code = {s["jurisdiction"]["code"]: s for s in statuses}
    assert by_code["US"]["approval"]["phase"] == "NOT_APPROVED"
    # Australia's schedule change is in force whatever access the data adds beside it.
    assert {"regkgId": "action:mdma-ptsd-tga-rescheduling"} in by_code["AU"]["legal"]["schedules"]
    assert by_code["AU"]["legal"]["standing"] in {"SCHEDULE_IN_FORCE", "ACCESS_IN_FORCE"}
    assert len(by_code) == len(statuses)  # one status per jurisdiction


def test_a_status_where_regkg_holds_nothing_says_so(real: KnowledgeGraph) -> None:
    query = """{
      regulatoryStatus(substance: "MDMA", jurisdiction: "European Union", asOf: "2024-09-01") {
        approval { phase }
        legal { standing }
        summary
        coverage { covered }
      }
    }"""
    status = data_of(execute(real, query))["regulatoryStatus"]
    assert (status["approval"], status["legal"]) == (
        {"phase": "NO_RECORD"},
        {"standing": "NO_RECORD"},
    )
    outside = (
        "European Union is outside regkg's coverage: it was never reviewed and holds no action."
    )
    assert status["summary"].endswith(outside) is not status["coverage"]["covered"]


def test_kind_types_cover_every_kind() -> None:
    assert set(KIND_TYPES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KIND_TYPES))
def test_every_field_resolves_for_every_node_of_a_kind(real: KnowledgeGraph, kind: str) -> None:
    type_name = KIND_TYPES[kind]
    schema = regkg_schema(ROOMY)
    type_ = schema._schema.get_type(type_name)
    assert isinstance(type_, GraphQLObjectType)
    query = (
        "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename regkgId "
        f"... on {type_name} {{ {_select_all(type_, 1)} }} }} }}"
    )
    ids = list(real.by_kind[kind])
    # `nodes` takes at most MAX_PAGE ids a call, so a large kind is asked for in pages.
    pages = [ids[start : start + MAX_PAGE] for start in range(0, len(ids), MAX_PAGE)]
    resolved = []
    for page in pages:
        variables = {"ids": [to_global_id(i) for i in page]}
        result = schema.execute_sync(query, variable_values=variables, context_value=Context(real))
        data = data_of(result)
        assert {n["__typename"] for n in data["nodes"]} == {type_name}
        resolved += [n["regkgId"] for n in data["nodes"]]
    assert resolved == ids


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '{ regulatoryAction(id: "action:nope") { regkgId } }',
        '{ substance(id: "substance:nope") { regkgId } }',
        '{ trial(registryId: "NCT99999999") { regkgId } }',
        '{ entity(id: "trial:NCT99999999") { regkgId } }',
    ],
    ids=["action", "substance", "trial-by-registry-id", "entity"],
)
def test_an_unknown_id_is_null_with_not_found(real: KnowledgeGraph, query: str) -> None:
    # Every lookup treats a miss alike: null, and an error saying so, coded NOT_FOUND.
    result = execute(real, query)
    assert result.data is not None
    assert list(result.data.values()) == [None]
    assert result.errors is not None
    assert [e.formatted["extensions"] for e in result.errors] == [{"code": "NOT_FOUND"}]
    assert result.errors[0].message.startswith("no ")


@pytest.mark.parametrize(
    "query",
    [
        '{ substance(id: "substance:mdma", name: "MDMA") { regkgId } }',
        '{ trial(id: "trial:NCT03537014", registryId: "NCT03537014") { regkgId } }',
    ],
    ids=["substance", "trial"],
)
def test_both_an_id_and_a_name_is_an_error(real: KnowledgeGraph, query: str) -> None:
    result = execute(real, query)
    assert result.errors is not None
    assert "not both" in result.errors[0].message
    assert result.errors[0].formatted["extensions"] == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    ("query", "message", "path"),
    [
        pytest.param(
            '{ substance(name: "zzqqxx") { regkgId } }',
            "no substance matches 'zzqqxx'",
            ["substance"],
            id="unknown-substance-name",
        ),
        pytest.param(
            '{ substance(id: "condition:ptsd") { regkgId } }',
            "'condition:ptsd' is not a substance",
            ["substance"],
            id="id-of-another-kind",
        ),
        pytest.param(
            '{ regulatoryStatus(substance: "qqzzxxqq", jurisdiction: "US", asOf: "2024-01-01") '
            "{ summary } }",
            "no substance matches 'qqzzxxqq'",
            ["regulatoryStatus"],
            id="status-of-unknown-substance",
        ),
        pytest.param(
            '{ trials(filter: {condition: "qqqqzzzz"}) { totalCount } }',
            "no condition matches 'qqqqzzzz'",
            ["trials"],
            id="trials-for-unknown-condition",
        ),
        pytest.param(
            '{ timeline(substance: "MDMA", condition: "xqxqxqxq") { date } }',
            "no condition matches 'xqxqxqxq'",
            ["timeline"],
            id="timeline-for-unknown-condition",
        ),
        pytest.param(
            '{ path(from: "substance:mdma", to: "target:nope") { length } }',
            "no entity with id 'target:nope'",
            ["path"],
            id="path-to-unknown-id",
        ),
        pytest.param(
            '{ neighborhood(id: "substance:nope") { nodes { regkgId } } }',
            "no entity with id 'substance:nope'",
            ["neighborhood"],
            id="neighbourhood-of-unknown-id",
        ),
        pytest.param(
            '{ neighborhood(id: "substance:mdma", depth: 4) { nodes { regkgId } } }',
            "`depth` is 4; it must be 1, 2 or 3",
            ["neighborhood"],
            id="neighbourhood-too-deep",
        ),
        pytest.param(
            '{ path(from: "substance:mdma", to: "target:oxytocin", first: 21) { length } }',
            "`first` is 21; it must be between 1 and 20",
            ["path"],
            id="too-many-paths",
        ),
        pytest.param(
            '{ substance(id: "substance:mdma") { status(asOf: "2024-01-01", jurisdiction: "US", '
            'condition: "zzqqxx") { summary } } }',
            "no condition matches 'zzqqxx'",
            ["substance", "status"],
            id="nested-unknown-condition",
        ),
    ],
)
def test_unknown_names_are_graphql_errors_with_a_clear_message(
    real: KnowledgeGraph, query: str, message: str, path: list[str]
) -> None:
    result = execute(real, query)
    assert result.errors is not None
    assert [(e.message, e.path) for e in result.errors] == [(message, path)]


def test_a_page_of_actions_reads_a_page_and_counts_only_when_asked(
    real: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    import schema.query
    from graph import selection

    made: list[Any] = []

    def probe(*args: Any, **kwargs: Any) -> Any:
        made.append(selection.matching_actions(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(schema.query, "matching_actions", probe)
    every = len(real.by_kind["action"])
    assert every > 100

    newest = "{ regulatoryActions(order: DATE_DESC, first: 10) { nodes { regkgId } } }"
    nodes = data_of(execute(real, newest))["regulatoryActions"]["nodes"]
    expected = selection.newest_first(real, selection.actions(real))[:10]
    assert [n["regkgId"] for n in nodes] == expected
    assert made[-1].walked == 11  # the page, and one more to know that there is a next page

    primary = """{ regulatoryActions(filter: {restsOnPrimarySource: true}, first: 10) {
      totalCount nodes { regkgId } } }"""
    found = data_of(execute(real, primary))["regulatoryActions"]
    assert found["totalCount"] == real.indexes.actions.count(primary=True)
    assert made[-1].walked < every // 2  # counted from the flags kept, not by reading

    # An agency's actions are counted by reading them all: only when the count is asked for.
    agency = str(real.node(real.by_kind["action"][0])["agency"])
    page = "query ($a: String) { regulatoryActions(filter: {agency: $a}, first: 3) { %s } }"
    data_of(execute(real, page % "nodes { regkgId }", {"a": agency}))
    assert made[-1].walked < every // 2
    counted = data_of(execute(real, page % "totalCount", {"a": agency}))
    assert counted["regulatoryActions"]["totalCount"] == len(selection.actions(real, agency=agency))
    assert made[-1].walked == every


def test_the_next_page_of_a_search_reuses_the_matches(
    real: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of the graph keeps no answers yet, whatever other tests asked of `real`.
    real = dataclasses.replace(real)
    names = type(real.names)
    scans: list[str] = []
    search = names.search

    def counted(self: Any, text: str, **kwargs: Any) -> Any:
        scans.append(text)
        return search(self, text, **kwargs)

    monkeypatch.setattr(names, "search", counted)
    query = """query ($after: String) { search(text: "ps", first: 3, after: $after) {
      pageInfo { endCursor hasNextPage } nodes { node { regkgId } } } }"""
    first = data_of(execute(real, query))["search"]
    after = first["pageInfo"]["endCursor"]
    second = data_of(execute(real, query, {"after": after}))["search"]
    assert first["pageInfo"]["hasNextPage"]
    assert scans == ["ps"]
    every = search(real.names, "ps", kinds=(), limit=MAX_PAGE)
    assert [n["node"]["regkgId"] for n in first["nodes"] + second["nodes"]] == [
        hit.id for hit in every[:6]
    ]


def test_conflicts_of_a_status_are_those_kept_since_loading(real: KnowledgeGraph) -> None:
    from graph import provenance

    query = """{ open: conflicts(status: OPEN) { regkgId }
      resolved: conflicts(status: RESOLVED) { regkgId } }"""
    found = data_of(execute(real, query))
    for status in ("open", "resolved"):
        expected = provenance.conflicts(real, status)
        assert expected
        assert [c["regkgId"] for c in found[status]] == expected
