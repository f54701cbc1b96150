"""The quote rule: every way a quote can fail to carry its value, each refused with file:line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.dates import PartialDate
from graph.errors import DataValidationError, Problem
from graph.load import load_graph, load_records
from graph.quotes import QuoteCheck, Tally, carries_date, carries_identifier, names_in_text
from tests.conftest import BTD_QUOTE, TINY, TRIAL_QUOTE

Make = Callable[[dict[str, str]], Path]

# The trial file of TINY with its one citation (line 12) quoting `quote`.
TRIAL_CITATION_LINE = 12


def refused(make_data: Make, files: dict[str, str]) -> list[Problem]:
    with pytest.raises(DataValidationError) as info:
        load_graph(make_data({**TINY, **files}))
    return info.value.problems


def trial_quoting(quote: str) -> dict[str, str]:
    return {"trials.yaml": TINY["trials.yaml"].replace(TRIAL_QUOTE, quote)}


def test_tiny_data_passes_the_rule(make_data: Make) -> None:
    load_graph(make_data(dict(TINY)))


@pytest.mark.parametrize(
    ("quote", "field", "shown"),
    [
        (TRIAL_QUOTE.replace("90 people", "ninety people"), "enrollment", "90"),
        (TRIAL_QUOTE.replace("January 2017", "2016"), "start", "2017-01"),
        (TRIAL_QUOTE.replace("2018-02-03", "February 2018"), "primary_completion", "2018-02-03"),
        (TRIAL_QUOTE.replace("NCT00000001: ", ""), "registry_id", "NCT00000001"),
        (TRIAL_QUOTE.replace("Sponsor Inc.", "the company"), "sponsor", "organisation:sponsor"),
        (TRIAL_QUOTE.replace("drugxamine", "the drug"), "substances", "substance:x"),
        (TRIAL_QUOTE.replace("with PTSD", "with trauma"), "conditions", "condition:narrow"),
    ],
    ids=["number", "month", "day", "registry-id", "sponsor", "substance", "condition"],
)
def test_a_value_missing_from_the_quote_is_refused_at_the_citation(
    make_data: Make, quote: str, field: str, shown: str
) -> None:
    problems = refused(make_data, trial_quoting(quote))
    assert [(p.file, p.line) for p in problems] == [("data/trials.yaml", TRIAL_CITATION_LINE)]
    message = problems[0].message
    assert message.startswith(
        "trial:NCT00000001: a citation of source:sponsor-release, https://sponsor.example/news "
        f"supports {field!r}, but its quote carries no value of it ({shown}"
    )
    assert f'the quote says "{quote}"' in message


def test_a_citation_with_no_quote_is_refused_for_each_checkable_field(make_data: Make) -> None:
    rest = TRIAL_QUOTE.replace("NCT00000001: ", "").replace("90 people", "people")
    files = {
        "trials.yaml": TINY["trials.yaml"].replace(
            f', quote: "{TRIAL_QUOTE}"',
            ", supports: [registry_id, enrollment]}, "
            f'{{source: source:agency-page, quote: "{rest}", supports: [title, phase, '
            "enrollment_type, start, primary_completion, sponsor, substances, conditions]",
        )
    }
    problems = refused(make_data, files)
    assert [(p.line, p.message.split("supports ")[1].split(",")[0]) for p in problems] == [
        (TRIAL_CITATION_LINE, "'enrollment'"),
        (TRIAL_CITATION_LINE, "'registry_id'"),
    ]
    assert problems[0].message.endswith(
        "it has no quote. Quote the value, narrow `supports`, or say how it was `derived`"
    )


def test_narrowing_supports_leaves_the_value_uncarried_where_it_is_written(
    make_data: Make,
) -> None:
    """A citation that no longer claims the enrollment is fine; the record is not."""
    files = {
        "trials.yaml": TINY["trials.yaml"].replace(
            f'quote: "{TRIAL_QUOTE}"',
            f'quote: "{TRIAL_QUOTE.replace("90 people", "people")}", supports: '
            "[registry_id, title, phase, enrollment_type, start, primary_completion, sponsor, "
            "substances, conditions]",
        )
    }
    problems = refused(make_data, files)
    assert problems == [
        Problem("data/trials.yaml", 5, "unsourced fact: no citation supports 'enrollment'")
    ]


def test_each_value_of_a_list_needs_a_quote(make_data: Make) -> None:
    """One quote naming one of two conditions serves the citation, not the other value."""
    extra = """
        - id: condition:other
          name: Other disorder
          sources: [{source: source:agency-page}]
        """
    trials = TINY["trials.yaml"].replace(
        "conditions: [condition:narrow]", "conditions: [condition:narrow, condition:other]"
    )
    problems = refused(make_data, {"trials.yaml": trials, "more.yaml": extra})
    assert problems == [
        Problem(
            "data/trials.yaml",
            11,
            "trial:NCT00000001: conditions condition:other (Other disorder) is in no quote: no "
            "citation that supports 'conditions' quotes it, and none says how it was `derived`",
        )
    ]


def test_a_derived_citation_carries_what_it_supports(make_data: Make) -> None:
    trials = TINY["trials.yaml"].replace(
        f'quote: "{TRIAL_QUOTE}"',
        f'quote: "{TRIAL_QUOTE.replace("90 people", "people")}", supports: [registry_id, '
        "title, phase, start, primary_completion, sponsor, substances, conditions]}, "
        "{source: source:agency-page, supports: [enrollment, enrollment_type], "
        'derived: "the sum of the two arms the page gives"',
    )
    kg = load_graph(make_data({**TINY, "trials.yaml": trials}))
    assert kg.node("trial:NCT00000001")["enrollment"] == 90


@pytest.mark.parametrize(
    ("published", "refused_"),
    [("2018-05-08", False), ("2018-05-02", False), ("2018-05-10", True), ("2018-05", True)],
    ids=["in-the-week-after", "same-day", "eight-days-later", "month-only"],
)
def test_a_weekday_carries_a_date_only_in_the_week_before_publication(
    make_data: Make, published: str, refused_: bool
) -> None:
    """2018-05-02 was a Wednesday."""
    actions = TINY["actions.yaml"].replace(BTD_QUOTE, BTD_QUOTE.replace("2 May 2018", "Wednesday"))
    sources = TINY["sources.yaml"].replace("published: 2018-05", f"published: {published}")
    files = {"actions.yaml": actions, "sources.yaml": sources}
    if not refused_:
        load_graph(make_data({**TINY, **files}))
        return
    problems = refused(make_data, files)
    assert [(p.file, p.line) for p in problems] == [("data/actions.yaml", 13)]
    assert "supports 'date', but its quote carries no value of it (2018-05-02)" in (
        problems[0].message
    )


def test_a_registry_records_own_address_carries_its_id(make_data: Make) -> None:
    registry = """
        - id: source:registry-record
          url: https://clinicaltrials.gov/study/NCT00000001
          title: Registry record
          publisher: Registry
          type: registry
        """
    trials = TINY["trials.yaml"].replace(
        "sources: [{source: source:sponsor-release,",
        "sources: [{source: source:registry-record, quote: A trial, supports: [registry_id]}, "
        "{source: source:sponsor-release,",
    )
    load_graph(make_data({**TINY, "trials.yaml": trials, "registry.yaml": registry}))
    copy = registry.replace("type: registry", "type: secondary_copy\n          original: x")
    problems = refused(make_data, {"trials.yaml": trials, "registry.yaml": copy})
    assert [(p.file, p.line, "'registry_id'" in p.message) for p in problems] == [
        ("data/trials.yaml", 12, True)
    ]


def test_naming_the_agency_places_the_action_in_its_country(make_data: Make) -> None:
    """The Agency is based in the United States: naming it carries jurisdiction:US, not
    jurisdiction:AU."""
    actions = TINY["actions.yaml"].replace(
        "jurisdiction: jurisdiction:US\n          substance: substance:x\n"
        "          condition: condition:narrow\n          date: 2020-03-01",
        "jurisdiction: jurisdiction:AU\n          substance: substance:x\n"
        "          condition: condition:narrow\n          date: 2020-03-01",
    )
    problems = refused(make_data, {"actions.yaml": actions})
    assert [(p.line, p.message.split(": ")[0]) for p in problems] == [(44, "action:x-crl")]
    assert "(jurisdiction:AU (Australia, AU))" in problems[0].message


def test_votes_are_numbers_each_quote_must_give(make_data: Make) -> None:
    actions = (
        TINY["actions.yaml"]
        + """
        - id: action:x-vote
          action: advisory_committee_vote
          summary: The committee voted.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          disclosure: regulator
          votes:
            - {question: Effective?, yes: 2, no: 9}
          sources:
            - source: source:agency-page
              quote: "The Agency's committee voted 2 to 9 on drugxamine"
        """
    )
    load_graph(make_data({**TINY, "actions.yaml": actions}))
    problems = refused(make_data, {"actions.yaml": actions.replace("2 to 9", "2 to 8")})
    assert problems == [
        Problem(
            "data/actions.yaml",
            54,
            "action:x-vote: votes 9 is in no quote: no citation that supports 'votes' quotes "
            "it, and none says how it was `derived`",
        )
    ]


def test_every_problem_is_reported_with_the_others(make_data: Make) -> None:
    problems = refused(
        make_data,
        {
            **trial_quoting(TRIAL_QUOTE.replace("90 people", "people")),
            "claims.yaml": TINY["claims.yaml"].replace("status: confirmed", "status: maybe"),
        },
    )
    assert [(p.file, p.line) for p in problems] == [
        ("data/claims.yaml", 13),
        ("data/trials.yaml", TRIAL_CITATION_LINE),
    ]


@pytest.mark.parametrize(
    ("text", "value", "published", "expected"),
    [
        ("2017-08-16", "2017-08-16", None, True),
        ("August 16, 2017", "2017-08-16", None, True),
        ("Aug. 16, 2017", "2017-08-16", None, True),
        ("Sept. 5 2024", "2024-09-05", None, True),
        ("16 August 2017", "2017-08-16", None, True),
        ("16th of August, 2017", "2017-08-16", None, True),
        ("08/16/2017", "2017-08-16", None, True),
        ("August 16", "2017-08-16", None, False),
        ("August 2017", "2017-08", None, True),
        ("Aug. 2017", "2017-08", None, True),
        ("2017-08", "2017-08", None, True),
        ("August 16, 2017", "2017-08", None, True),
        ("July 2017", "2017-08", None, False),
        ("in 2017", "2017", None, True),
        ("12017 doses", "2017", None, False),
        ("2,017 doses", "2017", None, False),
        ("on Wednesday", "2017-08-16", "2017-08-18", True),
        ("on Thursday", "2017-08-16", "2017-08-18", False),
    ],
)
def test_date_forms(text: str, value: str, published: str | None, expected: bool) -> None:
    when = PartialDate.parse(published) if published else None
    assert carries_date(text, PartialDate.parse(value), when) is expected


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("NDA 215455", "NDA 215455", True),
        ("NDA215455", "NDA 215455", True),
        ("nct03537014", "NCT03537014", True),
        ("NCT035370149", "NCT03537014", False),
        ("NDA 21545", "NDA 215455", False),
    ],
)
def test_identifier_forms(text: str, value: str, expected: bool) -> None:
    assert carries_identifier(text, value) is expected


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("the U.S. FDA", ("US",), True),
        ("Lykos' application", ("Lykos",), True),
        ("MDMA-assisted therapy", ("MDMA",), True),
        ("Psilocybine", ("psilocybin",), False),
        ("psilocybin", ("Psilocybine",), False),
        ("Sécurité", ("securite",), True),
        ("MM-120", ("MM120",), True),
        ("emdma", ("MDMA",), False),
    ],
)
def test_name_forms(text: str, names: tuple[str, ...], expected: bool) -> None:
    assert names_in_text(text, names) is expected


def test_tally_counts_quoted_and_derived_values_and_citations(tiny_dir: Path) -> None:
    records, _ = load_records(tiny_dir)
    check = QuoteCheck({r.id: r for r in records})
    tallies: dict[str, Tally] = {}
    for record in records:
        check.tally(record, tallies)
    assert tallies["trial"] == Tally(values=7, quoted=7, derived=0, citations=1)
    assert tallies["claim"] == Tally(
        values=2, quoted=0, derived=2, citations=2, derived_citations=2
    )
