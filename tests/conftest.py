"""Shared fixtures: a tiny hand-written data set, and the real bundled data loaded once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from graph.build import KnowledgeGraph
from graph.load import DEFAULT_DATA_DIR, load_graph

# Jurisdictions are reference records that actions and organisations point to.
JURISDICTIONS = """
    - {id: jurisdiction:US, name: United States, code: US, level: country, synonyms: [U.S.]}
    - {id: jurisdiction:AU, name: Australia, code: AU, level: country}
    - {id: jurisdiction:EU, name: European Union, code: EU, level: supranational}
    - id: jurisdiction:US-OR
      name: Oregon
      code: US-OR
      level: subdivision
      parent: jurisdiction:US
    """

# Quotes too long for one line of the files below; each carries the values it cites.
SPONSOR_NAMES = "Old Sponsor (to 2019-12-31) is Sponsor Inc. from 2020-01-01"
BTD_QUOTE = (
    "The Agency granted drugxamine for PTSD to Sponsor Inc. on 2 May 2018, announced 10 May 2018"
)
SUBMITTED_QUOTE = "drugxamine for PTSD submitted to The Agency in June 2019"
PRIORITY_QUOTE = "The Agency gave drugxamine for PTSD priority review on August 1, 2019"
CRL_QUOTE = "The Agency declined drugxamine for PTSD on 2020-03-01"
TRIAL_QUOTE = (
    "NCT00000001: Sponsor Inc. gives drugxamine to 90 people with PTSD "
    "from January 2017 to 2018-02-03"
)
ABOUT = "The source reports this trial."

TINY = {
    "sources.yaml": """
        - id: source:agency-page
          url: https://agency.example/decision
          title: Decision on drug X
          publisher: The Agency
          published: 2020-03-01
          type: regulator
        - id: source:sponsor-release
          url: https://sponsor.example/news
          title: Sponsor announces designation
          publisher: Sponsor Inc.
          published: 2018-05
          type: sponsor
        """,
    "jurisdictions.yaml": JURISDICTIONS,
    "entities.yaml": f"""
        - id: substance:x
          name: Drugxamine
          synonyms: [Ex, "Street X"]
          code_names: [XY-100]
          sources: [{{source: source:sponsor-release, quote: "XY-100 (drugxamine)"}}]
        - id: condition:broad
          name: Mood disorders
          sources: [{{source: source:agency-page}}]
        - id: condition:narrow
          name: Post-traumatic stress disorder
          abbreviations: [PTSD]
          broader: [condition:broad]
          sources: [{{source: source:agency-page, quote: "PTSD, one of the mood disorders"}}]
        - id: organisation:agency
          name: The Agency
          type: regulator
          country: jurisdiction:US
          sources: [{{source: source:agency-page, quote: "The Agency of the United States"}}]
        - id: organisation:sponsor
          name: Sponsor Inc.
          names:
            - {{name: Old Sponsor, to: 2019-12-31}}
            - {{name: Sponsor Inc., from: 2020-01-01}}
          type: company
          sources: [{{source: source:sponsor-release, quote: "{SPONSOR_NAMES}"}}]
        """,
    "actions.yaml": f"""
        - id: action:x-btd
          action: breakthrough_therapy_designation
          summary: Designation granted.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          condition: condition:narrow
          sponsor: organisation:sponsor
          date: 2018-05-02
          announced: 2018-05-10
          disclosure: sponsor
          sources:
            - source: source:sponsor-release
              quote: "{BTD_QUOTE}"
        - id: action:x-submitted
          action: application_submitted
          summary: Application submitted.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          condition: condition:narrow
          date: 2019-06
          disclosure: sponsor
          sources: [{{source: source:sponsor-release, quote: "{SUBMITTED_QUOTE}"}}]
        - id: action:x-priority
          action: priority_review
          summary: Priority review.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          condition: condition:narrow
          date: 2019-08-01
          disclosure: sponsor
          sources: [{{source: source:sponsor-release, quote: "{PRIORITY_QUOTE}"}}]
        - id: action:x-crl
          action: complete_response_letter
          summary: Not approved.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          condition: condition:narrow
          date: 2020-03-01
          disclosure: regulator
          sources: [{{source: source:agency-page, quote: "{CRL_QUOTE}"}}]
        """,
    "trials.yaml": f"""
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          phase: PHASE3
          enrollment: 90
          enrollment_type: ACTUAL
          start: 2017-01
          primary_completion: 2018-02-03
          sponsor: organisation:sponsor
          substances: [substance:x]
          conditions: [condition:narrow]
          sources: [{{source: source:sponsor-release, quote: "{TRIAL_QUOTE}"}}]
        """,
    "claims.yaml": f"""
        - id: claim:significant
          statement: X significantly helped.
          subject: trial:NCT00000001
          predicate: result
          value: significant
          status: contradicted
          sources: [{{source: source:sponsor-release, quote: "significantly", derived: "{ABOUT}"}}]
        - id: claim:not-significant
          statement: X did not reach significance.
          subject: trial:NCT00000001
          predicate: result
          value: not significant
          status: confirmed
          sources: [{{source: source:agency-page, quote: "p = .056", derived: "{ABOUT}"}}]
        - id: conflict:result
          question: Did X help significantly?
          claims: [claim:significant, claim:not-significant]
          status: resolved
          resolution: The paper's p value stands.
        """,
}


def write_data(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (name -> YAML text, indented freely) under `root`/data."""
    data = root / "data"
    data.mkdir(exist_ok=True)
    for name, text in files.items():
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return data


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    return write_data(tmp_path, TINY)


@pytest.fixture
def tiny(tiny_dir: Path) -> KnowledgeGraph:
    return load_graph(tiny_dir)


@pytest.fixture
def make_data(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    def make(files: dict[str, str]) -> Path:
        return write_data(tmp_path, files)

    return make


@pytest.fixture(scope="session")
def real() -> KnowledgeGraph:
    return load_graph(DEFAULT_DATA_DIR)
