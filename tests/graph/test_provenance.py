"""Where facts come from: citations, conflicts, stale facts and how to cite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.errors import NodeNotFound
from graph.load import load_graph
from graph.provenance import (
    CitedSource,
    Evidence,
    citations_of,
    cited_sources,
    conflicts,
    evidence,
    how_to_cite,
    newest_source_date,
    ranked,
    ranked_citations,
    stale,
)
from graph.records import Citation
from graph.vocab import SourceType
from tests.conftest import ABOUT, BTD_QUOTE, TINY

Make = Callable[[dict[str, str]], Path]

SPLIT_CITATIONS = TINY["actions.yaml"].replace(
    f"""
          sources:
            - source: source:sponsor-release
              quote: "{BTD_QUOTE}"
    """,
    f"""
          sources:
            - source: source:sponsor-release
              quote: "{BTD_QUOTE}"
              supports: [action, summary, agency, jurisdiction, substance, condition, sponsor,
                         date, disclosure]
            - source: source:agency-page
              quote: "made public on 10 May 2018"
              supports: [announced]
              note: the agency's page repeats it
    """,
)

UNDATED = """
    - id: source:undated
      url: https://undated.example/
      title: An undated page
      publisher: Someone
      type: press
    - id: claim:undated
      statement: X is safe.
      subject: substance:x
      predicate: safety
      status: unconfirmed
      sources: [{source: source:undated, derived: test}]
    - id: conflict:open
      question: Is X safe?
      claims: [claim:undated, claim:significant]
      status: open
    """


@pytest.fixture
def split(make_data: Make) -> KnowledgeGraph:
    assert TINY["actions.yaml"] != SPLIT_CITATIONS
    return load_graph(make_data({**TINY, "actions.yaml": SPLIT_CITATIONS}))


@pytest.fixture
def undated(make_data: Make) -> KnowledgeGraph:
    return load_graph(make_data({**TINY, "undated.yaml": UNDATED}))


def test_cited_sources(tiny: KnowledgeGraph) -> None:
    assert cited_sources(tiny, "claim:not-significant") == [
        CitedSource(
            citation=Citation("source:agency-page", quote="p = .056", derived=ABOUT),
            source="source:agency-page",
            url="https://agency.example/decision",
            title="Decision on drug X",
            publisher="The Agency",
            published=PartialDate(2020, 3, 1),
        )
    ]


def test_cited_sources_of_a_field(split: KnowledgeGraph) -> None:
    everything = cited_sources(split, "action:x-btd")
    # The regulator's own page comes before the sponsor's release, whatever the order written.
    assert [(c.source, c.citation.quote, c.published) for c in everything] == [
        ("source:agency-page", "made public on 10 May 2018", PartialDate(2020, 3, 1)),
        ("source:sponsor-release", BTD_QUOTE, PartialDate(2018, 5)),
    ]
    assert everything[0].citation.note == "the agency's page repeats it"
    assert [c.source for c in cited_sources(split, "action:x-btd", field="date")] == [
        "source:sponsor-release"
    ]
    assert [c.source for c in cited_sources(split, "action:x-btd", field="announced")] == [
        "source:agency-page"
    ]
    assert cited_sources(split, "action:x-btd", field="ended") == []
    # A citation without `supports` covers every field.
    assert [c.source for c in cited_sources(split, "action:x-crl", field="date")] == [
        "source:agency-page"
    ]


def test_cited_sources_of_a_source_or_missing_node(tiny: KnowledgeGraph) -> None:
    assert cited_sources(tiny, "source:agency-page") == []
    with pytest.raises(NodeNotFound, match="'claim:nope'"):
        cited_sources(tiny, "claim:nope")


def test_newest_source_date(tiny: KnowledgeGraph, split: KnowledgeGraph) -> None:
    assert newest_source_date(tiny, "action:x-btd") == PartialDate(2018, 5)
    assert newest_source_date(split, "action:x-btd") == PartialDate(2020, 3, 1)
    assert newest_source_date(tiny, "conflict:result") is None


def test_newest_source_date_without_dates(undated: KnowledgeGraph) -> None:
    assert newest_source_date(undated, "claim:undated") is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [(None, ["conflict:open", "conflict:result"]), ("open", ["conflict:open"]),
     ("resolved", ["conflict:result"]), ("unknown", [])],
    ids=["all", "open", "resolved", "no-such-status"],
)  # fmt: skip
def test_conflicts(undated: KnowledgeGraph, status: str | None, expected: list[str]) -> None:
    assert conflicts(undated, status=status) == expected


def test_conflicts_in_tiny(tiny: KnowledgeGraph) -> None:
    assert conflicts(tiny) == ["conflict:result"]
    assert conflicts(tiny, status="open") == []


@pytest.mark.parametrize(
    ("older_than", "expected"),
    [
        (date(2018, 5, 31), []),
        (date(2018, 6, 1), [("claim:significant", PartialDate(2018, 5))]),
        (date(2020, 3, 2), [("claim:not-significant", PartialDate(2020, 3, 1)),
                            ("claim:significant", PartialDate(2018, 5))]),
    ],
    ids=["inside-the-month", "after-the-month", "after-both"],
)  # fmt: skip
def test_stale(
    tiny: KnowledgeGraph, older_than: date, expected: list[tuple[str, PartialDate | None]]
) -> None:
    assert stale(tiny, older_than) == expected


def test_stale_includes_nodes_whose_sources_have_no_date(undated: KnowledgeGraph) -> None:
    assert stale(undated, date(2000, 1, 1)) == [("claim:undated", None)]
    assert stale(undated, date(2019, 1, 1)) == [
        ("claim:significant", PartialDate(2018, 5)),
        ("claim:undated", None),
    ]


def test_stale_of_other_kinds(tiny: KnowledgeGraph) -> None:
    assert stale(tiny, date(2019, 1, 1), kinds=("substance", "action", "conflict", "nope")) == [
        ("substance:x", PartialDate(2018, 5)),
        ("action:x-btd", PartialDate(2018, 5)),
        ("action:x-priority", PartialDate(2018, 5)),
        ("action:x-submitted", PartialDate(2018, 5)),
        ("conflict:result", None),
    ]


def test_how_to_cite_a_record(tiny: KnowledgeGraph) -> None:
    assert how_to_cite(tiny, "substance:x") == (
        f"Drugxamine [regkg substance:x, data version {tiny.version}]. Sources: "
        'Sponsor Inc. (2018-05). "Sponsor announces designation". https://sponsor.example/news'
    )


def test_how_to_cite_several_sources_once_each(make_data: Make) -> None:
    entities = TINY["entities.yaml"].replace(
        'sources: [{source: source:sponsor-release, quote: "XY-100 (drugxamine)"}]',
        "sources: [{source: source:sponsor-release, supports: [name]},"
        " {source: source:agency-page, supports: [synonyms]},"
        " {source: source:sponsor-release, supports: [code_names]}]",
    )
    kg = load_graph(make_data({**TINY, "entities.yaml": entities}))
    assert how_to_cite(kg, "substance:x") == (
        f"Drugxamine [regkg substance:x, data version {kg.version}]. Sources: "
        'The Agency (2020-03-01). "Decision on drug X". https://agency.example/decision; '
        'Sponsor Inc. (2018-05). "Sponsor announces designation". https://sponsor.example/news'
    )


def test_how_to_cite_a_source(tiny: KnowledgeGraph, undated: KnowledgeGraph) -> None:
    assert how_to_cite(tiny, "source:agency-page") == (
        'The Agency (2020-03-01). "Decision on drug X". https://agency.example/decision '
        f"[regkg data version {tiny.version}]"
    )
    assert how_to_cite(undated, "source:undated") == (
        'Someone. "An undated page". https://undated.example/ '
        f"[regkg data version {undated.version}]"
    )


def test_how_to_cite_a_record_without_sources(tiny: KnowledgeGraph) -> None:
    assert how_to_cite(tiny, "conflict:result") == (
        f"Did X help significantly? [regkg conflict:result, data version {tiny.version}]. Sources: "
    )


def test_cited_by_counts_each_citing_record_once(tiny: KnowledgeGraph) -> None:
    from graph.provenance import cited_by

    assert cited_by(tiny, "source:agency-page") == [
        "action:x-crl",
        "claim:not-significant",
        "condition:broad",
        "condition:narrow",
        "organisation:agency",
    ]


PRESS_ONLY = """
    - id: source:newspaper
      url: https://news.example/story
      title: Drugxamine story
      publisher: The Daily
      published: 2020-03-02
      type: press
    - id: source:mirror
      url: https://mirror.example/story
      title: Drugxamine story, reposted
      publisher: Mirror Site
      type: secondary_copy
      original: The Daily's story, https://news.example/story
    """


@pytest.fixture
def pressed(make_data: Make) -> KnowledgeGraph:
    claims = TINY["claims.yaml"].replace(
        f'sources: [{{source: source:agency-page, quote: "p = .056", derived: "{ABOUT}"}}]',
        f'sources: [{{source: source:mirror, quote: p = .056, derived: "{ABOUT}"}}, '
        f'{{source: source:newspaper, quote: p = .056, derived: "{ABOUT}"}}]',
    )
    assert claims != TINY["claims.yaml"]
    return load_graph(make_data({**TINY, "claims.yaml": claims, "press.yaml": PRESS_ONLY}))


def test_sources_ranked_closest_to_the_fact_first(pressed: KnowledgeGraph) -> None:
    ranked = ranked_citations(pressed, "claim:not-significant")
    assert [c.source for c in ranked] == ["source:newspaper", "source:mirror"]


@pytest.mark.parametrize(
    ("node_id", "expected"),
    [
        ("claim:not-significant", Evidence(SourceType.PRESS, primary=False)),
        ("action:x-crl", Evidence(SourceType.REGULATOR, primary=True)),
        ("substance:x", Evidence(SourceType.SPONSOR, primary=True)),
        ("source:mirror", Evidence(SourceType.SECONDARY_COPY, primary=False)),
        ("jurisdiction:US", Evidence(None, primary=False)),  # reference data: cites nothing
    ],
)
def test_what_a_record_rests_on(pressed: KnowledgeGraph, node_id: str, expected: Evidence) -> None:
    assert evidence(pressed, node_id) == expected


def test_what_rests_on_a_source(pressed: KnowledgeGraph) -> None:
    assert citations_of(pressed, "source:mirror") == [
        ("claim:not-significant", Citation("source:mirror", quote="p = .056", derived=ABOUT))
    ]
    assert [record for record, _ in citations_of(pressed, "source:agency-page")] == [
        "action:x-crl",
        "condition:broad",
        "condition:narrow",
        "organisation:agency",
    ]


def test_ranked_keeps_the_written_order_within_a_kind(make_data: Make) -> None:
    second_press = PRESS_ONLY.replace("source:newspaper", "source:weekly").replace(
        "https://news.example/story", "https://weekly.example/story"
    )
    cites = "sources: [{}]".format(
        ", ".join(
            f'{{source: source:{name}, quote: p = .056, derived: "{ABOUT}"}}'
            for name in ("mirror", "weekly", "agency-page", "newspaper")
        )
    )
    claims = TINY["claims.yaml"].replace(
        f'sources: [{{source: source:agency-page, quote: "p = .056", derived: "{ABOUT}"}}]', cites
    )
    assert claims != TINY["claims.yaml"]
    kg = load_graph(
        make_data(
            {
                **TINY,
                "claims.yaml": claims,
                "press.yaml": PRESS_ONLY,
                "weekly.yaml": second_press.split("- id: source:mirror")[0],
            }
        )
    )
    record = kg.node("claim:not-significant")
    expected = ["source:agency-page", "source:weekly", "source:newspaper", "source:mirror"]
    assert [c.source for c in ranked(kg, record)] == expected
    assert ranked_citations(kg, "claim:not-significant") == ranked(kg, record)
    assert record["citations"][0].source == "source:mirror"  # left as written


def test_ranked_of_records_with_one_citation_or_none(tiny: KnowledgeGraph) -> None:
    assert ranked(tiny, tiny.node("condition:broad")) == [Citation("source:agency-page")]
    assert ranked(tiny, tiny.node("jurisdiction:US")) == []
