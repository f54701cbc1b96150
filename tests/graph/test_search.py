"""Name search: normalisation, ranking tiers, kinds filter and what matched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import process

from graph.build import KnowledgeGraph
from graph.load import load_graph
from graph.search import EXACT, PREFIX, SearchHit, normalise
from tests.conftest import TINY

Make = Callable[[dict[str, str]], Path]

TIERS = """
    - id: substance:calmorin
      name: Calmorin
      sources: [{source: source:agency-page, derived: test}]
    - id: substance:calmorine
      name: Calmorine
      sources: [{source: source:agency-page, derived: test}]
    - id: substance:oral
      name: Oral calmorin
      sources: [{source: source:agency-page, derived: test}]
    - id: substance:kalmorin
      name: Kalmorin
      sources: [{source: source:agency-page, derived: test}]
    """


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Post-Traumatic  Stress (PTSD)", "post traumatic stress ptsd"),
        ("drugxamíne", "drugxamine"),
        ("ÉCSTASY", "ecstasy"),
        ("XY-100", "xy 100"),
        ("snake_case", "snake case"),
        ("  ...  ", ""),
        ("Straße", "strasse"),
    ],
    ids=["punctuation", "accent", "capital-accent", "hyphen", "underscore", "only-punctuation",
         "casefold"],
)  # fmt: skip
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("query", "node_id", "matched", "field", "score"),
    [
        ("POST-traumatic stress", "condition:narrow", "Post-traumatic stress disorder", "name",
         92.1),
        ("post traumatic stress disorder", "condition:narrow", "Post-traumatic stress disorder",
         "name", 100.0),
        ("drugxamíne", "substance:x", "Drugxamine", "name", 100.0),
        ("DRUGXAMINE!", "substance:x", "Drugxamine", "name", 100.0),
        ("ptsd", "condition:narrow", "PTSD", "abbreviations", 100.0),
        ("xy100", "substance:x", "XY-100", "code_names", 79.19),
        ("xy 100", "substance:x", "XY-100", "code_names", 100.0),
        ("street-x", "substance:x", "Street X", "synonyms", 100.0),
        ("nct00000001", "trial:NCT00000001", "NCT00000001", "registry_id", 100.0),
    ],
    ids=["mixed-case-hyphen", "full-name", "accent", "capitals-punctuation", "abbreviation",
         "code-name-without-space-is-only-fuzzy", "code-name", "synonym", "registry-id"],
)  # fmt: skip
def test_insensitive_to_case_accents_and_punctuation(
    tiny: KnowledgeGraph, query: str, node_id: str, matched: str, field: str, score: float
) -> None:
    best = tiny.names.search(query)[0]
    assert (best.id, best.matched, best.field, best.score) == (node_id, matched, field, score)


def test_exact_beats_prefix_beats_words_beats_fuzzy(make_data: Make) -> None:
    kg = load_graph(make_data({**TINY, "more.yaml": TIERS}))
    hits = kg.names.search("calmorin")
    assert [(h.id, h.score) for h in hits] == [
        ("substance:calmorin", EXACT),
        ("substance:calmorine", 92.67),  # prefix: 90 + 3 * 8/9
        ("substance:oral", 81.85),  # every word: 80 + 3 * 8/13
        ("substance:kalmorin", 79.19),  # fuzzy, capped below the word tier
    ]


def test_shorter_prefix_match_ranks_higher(tiny: KnowledgeGraph) -> None:
    hits = tiny.names.search("sponsor")
    # The source's publisher (90 + 3 * 7/11) beats its title (90 + 3 * 7/29); on equal
    # scores the organisation outranks a document it published.
    assert [(h.id, h.matched, h.field, h.score) for h in hits] == [
        ("organisation:sponsor", "Sponsor Inc.", "name", 91.91),
        ("source:sponsor-release", "Sponsor Inc.", "publisher", 91.91),
    ]
    assert PREFIX < hits[1].score <= hits[0].score < EXACT


def test_sources_are_found_by_publisher_and_by_title(tiny: KnowledgeGraph) -> None:
    by_publisher = tiny.names.search("The Agency", kinds=("source",))
    assert [(h.id, h.field, h.score) for h in by_publisher] == [
        ("source:agency-page", "publisher", EXACT)
    ]
    by_title = tiny.names.search("decision on drug x", kinds=("source",))
    assert [(h.id, h.field, h.score) for h in by_title] == [("source:agency-page", "label", EXACT)]


def test_misspelling_finds_the_right_node(tiny: KnowledgeGraph) -> None:
    assert tiny.names.search("drugzamine") == [
        SearchHit("substance:x", "substance", "Drugxamine", "Drugxamine", "name", 79.19)
    ]
    assert [h.id for h in tiny.names.search("Post-traumatic stres disorder")] == [
        "condition:narrow"
    ]


def test_one_hit_per_node_with_its_best_name(tiny: KnowledgeGraph) -> None:
    hits = tiny.names.search("drugxamine")
    assert hits == [
        SearchHit("substance:x", "substance", "Drugxamine", "Drugxamine", "name", 100.0),
        SearchHit(
            "trial:NCT00000001",
            "trial",
            "A trial of drugxamine",
            "A trial of drugxamine",
            "label",
            81.43,  # every word: 80 + 3 * 10/21
        ),
    ]


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ((), ["substance:x", "trial:NCT00000001"]),
        (("trial",), ["trial:NCT00000001"]),
        (("substance", "trial"), ["substance:x", "trial:NCT00000001"]),
        (("condition",), []),
    ],
    ids=["all", "trial-only", "two-kinds", "no-match-of-that-kind"],
)
def test_kinds_filter(tiny: KnowledgeGraph, kinds: tuple[str, ...], expected: list[str]) -> None:
    assert [h.id for h in tiny.names.search("drugxamine", kinds=kinds)] == expected


def test_former_organisation_name(tiny: KnowledgeGraph) -> None:
    assert tiny.names.search("old sponsor") == [
        SearchHit(
            "organisation:sponsor", "organisation", "Sponsor Inc.", "Old Sponsor", "names", 100.0
        )
    ]


@pytest.mark.parametrize(
    ("query", "limit"),
    [("", 10), ("   ", 10), ("-- !", 10), ("drugxamine", 0)],
    ids=["empty", "spaces", "punctuation-only", "zero-limit"],
)
def test_empty_query_or_limit_gives_nothing(tiny: KnowledgeGraph, query: str, limit: int) -> None:
    assert tiny.names.search(query, limit=limit) == []


def test_limit(tiny: KnowledgeGraph) -> None:
    assert [h.id for h in tiny.names.search("x", limit=2)] == [
        "substance:x",
        "claim:significant",
    ]
    assert tiny.names.search("x", limit=2)[0].matched == "XY-100"


def test_ties_are_ordered_by_label_then_id(make_data: Make) -> None:
    twins = """
        - id: substance:b
          name: Twin
          sources: [{source: source:agency-page, derived: test}]
        - id: substance:a
          name: Twin
          sources: [{source: source:agency-page, derived: test}]
        - id: condition:twin
          name: Twin
          sources: [{source: source:agency-page, derived: test}]
        """
    kg = load_graph(make_data({**TINY, "more.yaml": twins}))
    assert [(h.id, h.score) for h in kg.names.search("twin")] == [
        ("condition:twin", 100.0),
        ("substance:a", 100.0),
        ("substance:b", 100.0),
    ]


def test_nothing_close_enough(tiny: KnowledgeGraph) -> None:
    assert tiny.names.search("zzyzx quux") == []


@pytest.mark.parametrize(
    ("query", "node_id", "matched"),
    [("PTSD PTSD", "condition:narrow", "PTSD"), ("ex ex ex", "substance:x", "Ex")],
    ids=["twice", "three-times"],
)
def test_repeated_words_score_like_every_word(
    tiny: KnowledgeGraph, query: str, node_id: str, matched: str
) -> None:
    # 80 + 3 * min(1, len(query) / len(name)): never above the prefix tier.
    assert [(h.id, h.matched, h.score) for h in tiny.names.search(query)] == [
        (node_id, matched, 83.0)
    ]


CROWDED = """
    - id: substance:calmoradine
      name: Calmoradine
      synonyms: [Calmoradina, Kalmoradine, Calmoradyne]
      sources: [{source: source:agency-page, derived: test}]
    - id: condition:calmoradinum
      name: Calmoradinum
      sources: [{source: source:agency-page, derived: test}]
    """


def test_fuzzy_match_of_a_kind_with_a_generous_limit(make_data: Make) -> None:
    kg = load_graph(make_data({**TINY, "more.yaml": CROWDED}))
    assert [(h.id, h.score) for h in kg.names.search("calmoradine", kinds=("condition",))] == [
        ("condition:calmoradinum", 79.19)
    ]


def test_fuzzy_match_of_a_kind_is_not_crowded_out_by_other_kinds(make_data: Make) -> None:
    # Four names of the substance are closer to the query than the condition's.
    kg = load_graph(make_data({**TINY, "more.yaml": CROWDED}))
    assert [h.id for h in kg.names.search("calmoradine", kinds=("condition",), limit=1)] == [
        "condition:calmoradinum"
    ]
    assert [h.id for h in kg.names.search("calmoradine", limit=1)] == ["substance:calmoradine"]


REVIEW = """
    - id: source:review
      url: https://review.example/
      title: A review of calmorin
      publisher: Journal
      type: journal
    """


def test_kind_priority_does_not_cross_tiers(make_data: Make) -> None:
    kg = load_graph(make_data({**TINY, "more.yaml": TIERS + REVIEW}))
    hits = kg.names.search("calmorin")
    assert [(h.id, h.field, h.score) for h in hits] == [
        ("substance:calmorin", "name", 100.0),
        ("substance:calmorine", "name", 92.67),
        ("substance:oral", "name", 81.85),
        ("source:review", "label", 81.2),
        ("substance:kalmorin", "name", 79.19),
    ]


def test_kind_priority_within_a_tier(make_data: Make) -> None:
    # A substance outranks a source whose title starts with the same words, though the
    # source's prefix score is a little higher.
    more = """
        - id: substance:tablets
          name: Calmorin tablets
          sources: [{source: source:agency-page, derived: test}]
        - id: source:leaflet
          url: https://leaflet.example/
          title: Calmorin A
          publisher: Maker
          type: reference
        """
    kg = load_graph(make_data({**TINY, "more.yaml": more}))
    assert [(h.id, h.score) for h in kg.names.search("calmorin")] == [
        ("substance:tablets", 91.5),  # 90 + 3 * 8/16, ranked with +5 for a substance
        ("source:leaflet", 92.4),  # 90 + 3 * 8/10
    ]


def test_a_letter_dropped_from_any_bundled_name_still_finds_it(real: KnowledgeGraph) -> None:
    missed = []
    for kind in ("substance", "condition", "organisation"):
        for node_id in real.by_kind[kind]:
            name = str(real.node(node_id)["name"])
            if len(name) < 6:
                continue
            cut = len(name) // 2
            misspelt = name[:cut] + name[cut + 1 :]
            if node_id not in [h.id for h in real.names.search(misspelt, kinds=(kind,))]:
                missed.append(misspelt)
    assert missed == []


def test_a_misspelling_is_compared_with_its_candidates_only(
    make_data: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many names, and one misspelt: the near-spelling step compares the query with the
    # names sharing its pieces, not with every name.
    many = "".join(
        f"""
    - id: organisation:org{i}
      name: {word} {i}
      type: company
      sources: [{{source: source:agency-page, derived: test}}]"""
        for i, word in enumerate(["Alpha", "Bravo", "Charlie", "Delta"] * 50)
    )
    kg = load_graph(make_data({**TINY, "more.yaml": many}))
    compared: list[int] = []
    extract = process.extract

    def counting(query: str, choices: list[str], **kwargs: Any) -> Any:
        compared.append(len(choices))
        return extract(query, choices, **kwargs)

    monkeypatch.setattr(process, "extract", counting)
    assert [h.id for h in kg.names.search("drugzamine", limit=1)] == ["substance:x"]
    assert len(compared) == 1
    assert compared[0] <= 3  # of more than 200 names
    compared.clear()
    hits = kg.names.search("charlei 42", kinds=("organisation",), limit=100)
    assert "organisation:org42" in [h.id for h in hits]
    assert 0 < compared[0] <= 50  # the Charlies, not the others


def test_exact_names_of_one_field(tiny: KnowledgeGraph) -> None:
    assert tiny.names.exact("nct00000001", "trial", "registry_id") == ["trial:NCT00000001"]
    assert tiny.names.exact("NCT00000001", "substance", "registry_id") == []
    assert tiny.names.exact("drugxamine", "substance", "name") == ["substance:x"]
