"""The validator: one test per kind of problem, each pinned to its file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from graph.errors import DataValidationError, Problem
from graph.load import load_graph
from graph.model import KINDS
from tests.conftest import TINY

Make = Callable[[dict[str, str]], Path]


def all_problems_in(make_data: Make, name: str, text: str) -> list[Problem]:
    """The problems of TINY with the file `name` replaced by `text`."""
    root = make_data({**TINY, name: text})
    with pytest.raises(DataValidationError) as info:
        load_graph(root)
    return info.value.problems


def is_quote_rule(problem: Problem) -> bool:
    """Breaches of the quote rule, which tests/graph/test_quotes.py covers."""
    return "quote carries no value" in problem.message or "is in no quote" in problem.message


def problems_in(make_data: Make, name: str, text: str) -> list[Problem]:
    """The problems other than the quote rule's: the records these tests write to break
    one rule do not bother to quote every value."""
    return [p for p in all_problems_in(make_data, name, text) if not is_quote_rule(p)]


def extended(name: str, text: str) -> str:
    """TINY's file `name` with the records in `text` added at its end."""
    return dedent(TINY[name]).strip() + "\n" + dedent(text).lstrip("\n")


def where(problems: list[Problem]) -> list[tuple[str, int]]:
    return [(p.file, p.line) for p in problems]


def test_tiny_data_is_valid(tiny_dir: Path) -> None:
    kg = load_graph(tiny_dir)
    assert sorted(kg.graph.nodes) == [
        "action:x-btd",
        "action:x-crl",
        "action:x-priority",
        "action:x-submitted",
        "claim:not-significant",
        "claim:significant",
        "condition:broad",
        "condition:narrow",
        "conflict:result",
        "jurisdiction:AU",
        "jurisdiction:EU",
        "jurisdiction:US",
        "jurisdiction:US-OR",
        "organisation:agency",
        "organisation:sponsor",
        "source:agency-page",
        "source:sponsor-release",
        "substance:x",
        "trial:NCT00000001",
    ]


def test_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(DataValidationError) as info:
        load_graph(missing)
    assert info.value.problems == [Problem(str(missing), 0, "no such data directory")]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            """
            - id: trial:NCT00000001
              registry_id: NCT00000001
              title: A trial of drugxamine
              colour: blue
              sources: [{source: source:sponsor-release, derived: test}]
            """,
            4,
            "unknown field 'colour' for a trial; allowed: id, registry_id, title, acronym,",
        ),
        (
            """
            - id: trial:NCT00000001
              registry_id: NCT00000001
              title: A trial of drugxamine
              sources:
                - source: source:sponsor-release
                  page: 12
            """,
            6,
            "unknown key 'page' in sources; allowed: source, quote, supports, note",
        ),
    ],
    ids=["record-field", "citation-key"],
)
def test_unknown_key(make_data: Make, text: str, line: int, message: str) -> None:
    problems = problems_in(make_data, "trials.yaml", text)
    assert where(problems) == [("data/trials.yaml", line)]
    assert problems[0].message.startswith(message)


def test_unknown_field_message_lists_every_allowed_field(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          colour: blue
          sources: [{source: source:sponsor-release, derived: test}]
        """,
    )
    allowed = ", ".join(["id", *KINDS["trial"].by_name, "sources", "note"])
    assert problems == [
        Problem("data/trials.yaml", 4, f"unknown field 'colour' for a trial; allowed: {allowed}")
    ]


def test_missing_required_field(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        # the title was forgotten
        - id: trial:NCT00000001
          registry_id: NCT00000001
          sources: [{source: source:sponsor-release, derived: test}]
        """,
    )
    assert problems == [
        Problem("data/trials.yaml", 2, "trial:NCT00000001: required field 'title' is missing")
    ]


def test_missing_required_url_of_a_source(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "sources.yaml",
        extended(
            "sources.yaml",
            """
            - id: source:no-url
              title: Untitled
              publisher: Nobody
              type: press
            """,
        ),
    )
    assert problems == [
        Problem(
            "data/sources.yaml",
            13,
            "source:no-url: required field 'url' is missing (a copy with no public address "
            "says where its text is kept, in `held`, instead)",
        )
    ]


HELD_COPY = """- id: source:held-copy
  title: A blog's copy
  publisher: A blog
  type: secondary_copy
  original: The Daily's story, https://news.example/story
  held: a text file kept beside the repository
"""


def test_a_copy_with_no_public_address_says_where_its_text_is_held(make_data: Make) -> None:
    kg = load_graph(make_data({**TINY, "zz-copy.yaml": HELD_COPY}))
    copy = kg.node("source:held-copy")
    assert "url" not in copy
    assert copy["held"] == "a text file kept beside the repository"


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        pytest.param(
            ("type: secondary_copy", "type: press"),
            6,
            "only a secondary copy may go without a `url`: a document of its own is cited at "
            "its public address",
            id="not-a-copy",
        ),
        pytest.param(
            ("  held:", "  url: https://copy.example\n  held:"),
            7,
            "`held` is for a copy with no public address; this source has a `url`",
            id="held-beside-a-url",
        ),
    ],
)
def test_only_a_copy_without_an_address_may_be_held(
    make_data: Make, change: tuple[str, str], line: int, message: str
) -> None:
    text = HELD_COPY.replace(*change)
    assert problems_in(make_data, "zz-copy.yaml", text) == [
        Problem("data/zz-copy.yaml", line, message)
    ]


def test_missing_required_key_of_a_struct_entry(make_data: Make) -> None:
    text = TINY["entities.yaml"].replace("{name: Old Sponsor, to: 2019-12-31}", "{to: 2019-12-31}")
    problems = problems_in(make_data, "entities.yaml", text)
    assert problems == [Problem("data/entities.yaml", 22, "names entry is missing 'name'")]


def test_dangling_reference(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          sponsor: organisation:nobody
          sources: [{source: source:sponsor-release, derived: test}]
        """,
    )
    assert problems == [
        Problem(
            "data/trials.yaml",
            4,
            "dangling reference: no record has the id 'organisation:nobody'",
        )
    ]


def test_dangling_citation(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          sources:
            - source: source:sponsor-release
              supports: [registry_id]
            - source: source:gone
              supports: [title]
        """,
    )
    assert problems == [
        Problem("data/trials.yaml", 7, "dangling reference: no record has the id 'source:gone'")
    ]


def test_reference_to_the_wrong_kind(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          substances:
            - substance:x
            - condition:narrow
          sources: [{source: source:sponsor-release, derived: test}]
        """,
    )
    assert problems == [
        Problem(
            "data/trials.yaml",
            6,
            "'substances' may refer to substance, not to condition 'condition:narrow'",
        )
    ]


def test_reference_to_one_of_several_kinds(make_data: Make) -> None:
    text = TINY["claims.yaml"].replace(
        "subject: trial:NCT00000001", "subject: source:agency-page", 1
    )
    problems = problems_in(make_data, "claims.yaml", text)
    assert where(problems) == [("data/claims.yaml", 3)]
    assert problems[0].message == (
        "'subject' may refer to substance or condition or organisation or trial or action or "
        "event or target or effect, not to source 'source:agency-page'"
    )


def test_unsourced_fact(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          phase: PHASE3
          sources:
            - source: source:sponsor-release
              quote: "A trial of drugxamine"
              supports: [registry_id, title]
        """,
    )
    assert problems == [
        Problem("data/trials.yaml", 4, "unsourced fact: no citation supports 'phase'")
    ]


def test_record_with_no_sources(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
        """,
    )
    assert problems == [
        Problem("data/trials.yaml", 1, "trial:NCT00000001: unsourced: the record has no sources")
    ]


def test_sources_and_conflicts_need_no_sources(make_data: Make) -> None:
    # TINY's sources and its conflict carry no `sources:`; they load.
    kg = load_graph(make_data(dict(TINY)))
    assert kg.node("conflict:result")["citations"] == ()
    assert kg.node("source:agency-page")["citations"] == ()


@pytest.mark.parametrize(
    ("supported", "message"),
    [
        ("acronym", "a citation supports 'acronym', which this record does not set"),
        ("colour", "a citation supports 'colour', which a trial does not have"),
    ],
    ids=["field-not-set", "field-of-no-trial"],
)
def test_citation_supports_an_absent_field(make_data: Make, supported: str, message: str) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        f"""
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          sources:
            - source: source:sponsor-release
              supports: [registry_id, title, {supported}]
        """,
    )
    assert problems == [Problem("data/trials.yaml", 6, message)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Jan 2017", "start: 'Jan 2017' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2017/01/05", "start: '2017/01/05' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"),
        ("17-01", "start: '17-01' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
    ids=["words", "slashes", "short-year"],
)
def test_unparseable_date(make_data: Make, value: str, message: str) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        f"""
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          start: {value}
          sources: [{{source: source:sponsor-release, derived: test}}]
        """,
    )
    assert problems == [Problem("data/trials.yaml", 4, message)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-02-30", "start: '2023-02-30' is not a real day: that month has 28 days"),
        ("2023-13", "start: '2023-13' has no month 13"),
        ("2023-06-31", "start: '2023-06-31' is not a real day: that month has 30 days"),
    ],
    ids=["february-30", "month-13", "june-31"],
)
def test_impossible_calendar_date(make_data: Make, value: str, message: str) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        f"""
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          start: {value}
          sources: [{{source: source:sponsor-release, derived: test}}]
        """,
    )
    assert problems == [Problem("data/trials.yaml", 4, message)]


def test_trial_completed_before_it_started(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          start: 2018-05
          primary_completion: 2018-02-03
          completion: 2018-05-20
          sources: [{source: source:sponsor-release, derived: test}]
        """,
    )
    # completion 2018-05-20 may fall inside the start month: not an error.
    assert problems == [
        Problem(
            "data/trials.yaml",
            5,
            "impossible dates: primary_completion 2018-02-03 is before start 2018-05",
        )
    ]


def test_action_ended_before_its_date(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "actions.yaml",
        """
        - id: action:x-btd
          action: breakthrough_therapy_designation
          summary: Designation granted.
          agency: organisation:agency
          jurisdiction: jurisdiction:US
          substance: substance:x
          date: 2018-05-02
          ended: 2018-04
          disclosure: sponsor
          sources: [{source: source:sponsor-release, derived: test}]
        """,
    )
    assert problems == [
        Problem("data/actions.yaml", 8, "impossible dates: ended 2018-04 is before date 2018-05-02")
    ]


def test_former_name_used_to_before_from(make_data: Make) -> None:
    text = TINY["entities.yaml"].replace(
        "{name: Old Sponsor, to: 2019-12-31}", "{name: Old Sponsor, from: 2019, to: 2018-12}"
    )
    problems = problems_in(make_data, "entities.yaml", text)
    assert problems == [
        Problem("data/entities.yaml", 22, "impossible dates: a name used to 2018-12 from 2019")
    ]


@pytest.mark.parametrize(
    "announced",
    ["2018-05-10", "2018-04-20", "2018-05", "2017"],
    ids=["after-grant", "before-grant", "month-of-grant", "year-before"],
)
def test_announced_before_or_after_grant_is_fine(make_data: Make, announced: str) -> None:
    text = (
        TINY["actions.yaml"]
        .replace("announced: 2018-05-10", f"announced: {announced}")
        .replace("announced 10 May 2018", f"announced {announced}")
    )
    kg = load_graph(make_data({**TINY, "actions.yaml": text}))
    assert str(kg.node("action:x-btd")["announced"]) == announced
    assert str(kg.node("action:x-btd")["date"]) == "2018-05-02"


def test_duplicate_ids_name_both_locations(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        extended(
            "trials.yaml",
            """
            - id: trial:NCT00000001
              registry_id: NCT00000001
              title: The same trial again
              sources: [{source: source:agency-page, derived: test}]
            """,
        ),
    )
    assert problems == [
        Problem(
            "data/trials.yaml",
            13,
            "duplicate id 'trial:NCT00000001', first defined at data/trials.yaml:1",
        )
    ]


def test_duplicate_ids_across_files(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "zz-more.yaml",
        """
        # a second copy of TINY's substance
        - id: substance:x
          name: Drugxamine
          sources: [{source: source:sponsor-release, derived: test}]
        """,
    )
    assert problems == [
        Problem(
            "data/zz-more.yaml",
            2,
            "duplicate id 'substance:x', first defined at data/entities.yaml:1",
        )
    ]


def test_duplicate_source_url(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "sources.yaml",
        extended(
            "sources.yaml",
            """
            - id: source:agency-page-again
              url: https://agency.example/decision
              title: The decision, again
              publisher: The Agency
              type: regulator
            """,
        ),
    )
    assert problems == [
        Problem(
            "data/sources.yaml",
            13,
            "source URL already used by source:agency-page (data/sources.yaml:1)",
        )
    ]


@pytest.mark.parametrize(
    ("line_text", "message"),
    [
        (
            "phase: PHASE9",
            "phase: 'PHASE9' is not one of EARLY_PHASE1, PHASE1, PHASE1_PHASE2, PHASE2, "
            "PHASE2_PHASE3, PHASE3, PHASE4, NA",
        ),
        (
            "phase: phase3",
            "phase: 'phase3' is not one of EARLY_PHASE1, PHASE1, PHASE1_PHASE2, PHASE2, "
            "PHASE2_PHASE3, PHASE3, PHASE4, NA",
        ),
        ("enrollment_type: GUESSED", "enrollment_type: 'GUESSED' is not one of ACTUAL, ESTIMATED"),
    ],
    ids=["unknown-phase", "wrong-case", "enrollment-type"],
)
def test_enum_value_outside_the_choices(make_data: Make, line_text: str, message: str) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        f"""
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          {line_text}
          sources: [{{source: source:sponsor-release, derived: test}}]
        """,
    )
    assert problems == [Problem("data/trials.yaml", 4, message)]


@pytest.mark.parametrize(
    "value",
    ["ninety", "9.5", "-3", "1e3", "'90 '", "'1,000'"],
    ids=["words", "decimal", "negative", "exponent", "trailing-space", "thousands-comma"],
)
def test_non_integer_enrollment(make_data: Make, value: str) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        f"""
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          enrollment: {value}
          sources: [{{source: source:sponsor-release, derived: test}}]
        """,
    )
    shown = value.strip("'")
    assert problems == [
        Problem(
            "data/trials.yaml",
            4,
            f"enrollment: {shown!r} is not a whole number from 0 to 2147483647",
        )
    ]


def test_conflict_with_fewer_than_two_claims(make_data: Make) -> None:
    text = TINY["claims.yaml"].replace(
        "claims: [claim:significant, claim:not-significant]", "claims: [claim:significant]"
    )
    problems = problems_in(make_data, "claims.yaml", text)
    assert problems == [Problem("data/claims.yaml", 17, "a conflict needs at least two claims")]


@pytest.mark.parametrize(
    "bad_id",
    ["Substance:x", "substance x", "substance:", "substance:-x", "substance:x/y", "x"],
    ids=["capital-kind", "space", "empty-name", "leading-dash", "slash", "no-colon"],
)
def test_bad_id_format(make_data: Make, bad_id: str) -> None:
    problems = problems_in(
        make_data,
        "zz-more.yaml",
        f"""
        - id: substance:y
          name: Y
          sources: [{{source: source:agency-page, derived: test}}]
        - id: "{bad_id}"
          name: Z
        """,
    )
    assert problems == [
        Problem(
            "data/zz-more.yaml",
            4,
            f"{bad_id!r} is not an id of the form kind:name (letters, digits, . _ -)",
        )
    ]


def test_record_without_id(make_data: Make) -> None:
    problems = problems_in(make_data, "zz-more.yaml", "- name: Nameless\n  note: no id\n")
    assert problems == [
        Problem(
            "data/zz-more.yaml",
            1,
            "the record has no id (every record starts with `- id: kind:name`)",
        )
    ]


def test_unknown_kind_prefix(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "zz-more.yaml",
        """
        - id: drug:x
          name: Drugxamine
        """,
    )
    kinds = ", ".join(sorted(KINDS))
    assert problems == [
        Problem("data/zz-more.yaml", 1, f"'drug:x' names an unknown kind 'drug'; kinds are {kinds}")
    ]
    assert kinds.startswith("action, claim, condition, conflict, effect, event, jurisdiction")


def test_many_problems_in_several_files_are_all_reported_sorted(make_data: Make) -> None:
    root = make_data(
        {
            **TINY,
            "trials.yaml": """
                - id: trial:NCT00000001
                  registry_id: NCT00000001
                  title: A trial of drugxamine
                  enrollment: many
                  sponsor: organisation:nobody
                  sources: [{source: source:sponsor-release, quote: NCT00000001}]
                """,
            "actions.yaml": """
                - id: action:x-btd
                  action: breakthrough_therapy_designation
                  summary: Designation granted.
                  agency: organisation:agency
                  jurisdiction: Mars
                  substance: substance:x
                  colour: red
                  disclosure: sponsor
                  sources: [{source: source:sponsor-release, quote: The Agency approved drugxamine}]
                """,
            "claims.yaml": "- id: claim:broken\n  statement: [unclosed\n",
            "a-first.yaml": "id: substance:a\n",
        }
    )
    with pytest.raises(DataValidationError) as info:
        load_graph(root)
    problems = info.value.problems
    assert where(problems) == [  # the files that do not parse first: root causes
        ("data/a-first.yaml", 1),
        ("data/claims.yaml", 3),
        ("data/actions.yaml", 5),
        ("data/actions.yaml", 7),
        ("data/trials.yaml", 4),
        ("data/trials.yaml", 5),
    ]
    assert [p.message.split(":")[0] for p in problems] == [
        "the file must be a list of records (- id",
        "not valid YAML",
        "dangling reference",
        "unknown field 'colour' for an action; allowed",
        "enrollment",
        "dangling reference",
    ]
    assert str(info.value).splitlines()[:3] == [
        "6 problems in the data:",
        "fix these first:",
        "data/a-first.yaml:1: the file must be a list of records (- id: ...)",
    ]


def test_single_problem_message(make_data: Make) -> None:
    root = make_data({**TINY, "zz-more.yaml": "- id: drug:x\n"})
    with pytest.raises(DataValidationError, match=r"^1 problem in the data:\ndata/zz-more"):
        load_graph(root)


NO_ID = "the record has no id (every record starts with `- id: kind:name`)"
NOT_A_MAPPING = "a record must be a mapping of fields"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "- id: trial:a\n  title: [x\n",
            [(3, "not valid YAML: did not find expected ',' or ']'")],
            id="yaml-syntax",
        ),
        pytest.param(
            "- 12\n- [a, b]\n", [(1, NOT_A_MAPPING), (2, NOT_A_MAPPING)], id="items-not-mappings"
        ),
        pytest.param("- id: [trial:a]\n", [(1, NO_ID)], id="id-is-a-list"),
        pytest.param("- id: {a: b}\n  sources: x\n", [(1, NO_ID)], id="id-is-a-mapping"),
        pytest.param(
            "- id: trial:a\n  registry_id: [a, b]\n  title: {x: y}\n  sources: [1, [2]]\n",
            [
                (2, "'registry_id' takes one value, not a list"),
                (2, "unsourced fact: no citation supports 'registry_id'"),
                (3, "'title' must be a single value, not a list or mapping"),
                (3, "unsourced fact: no citation supports 'title'"),
                (4, "'sources.0' must be a mapping of source, quote, supports, note, derived"),
                (4, "'sources.1' must be a mapping of source, quote, supports, note, derived"),
            ],
            id="wrong-shapes",
        ),
        pytest.param(
            "- id: trial:a\n  registry_id: a\n  title: t\n"
            "  sources: {source: source:agency-page, derived: test}\n",
            [
                (2, "unsourced fact: no citation supports 'registry_id'"),
                (3, "unsourced fact: no citation supports 'title'"),
                (4, "'sources' must be a list (- item, or [a, b])"),
            ],
            id="sources-not-a-list",
        ),
        pytest.param(
            "- id: trial:a\n  registry_id: a\n  title: t\n  start: 2019\n  completion: 2018-13\n"
            "  sources: [{source: source:agency-page, supports: title}]\n",
            [
                (5, "completion: '2018-13' has no month 13"),
                (6, "'sources.0.supports' must be a list (- item, or [a, b])"),
            ],
            id="bad-date-beside-order-check",
        ),
        pytest.param(
            "- id: conflict:c\n  question: q\n  claims: claim:significant\n  status: open\n",
            [
                (3, "'claims' must be a list (- item, or [a, b])"),
                (3, "a conflict needs at least two claims"),
            ],
            id="claims-not-a-list",
        ),
        pytest.param(
            "- id: organisation:o\n  name: O\n  type: company\n  names: [Old, {to: 2019}]\n"
            "  sources: [{source: source:agency-page, derived: test}]\n",
            [
                (4, "'names.0' must be a mapping of name, from, to"),
                (4, "names entry is missing 'name'"),
            ],
            id="names-entries-malformed",
        ),
        pytest.param(
            "- id: source:s\n  url: not a url\n",
            [
                (1, "source:s: required field 'publisher' is missing"),
                (1, "source:s: required field 'title' is missing"),
                (1, "source:s: required field 'type' is missing"),
                (2, "'not a url' is not an http(s) URL"),
            ],
            id="bad-url",
        ),
        pytest.param(
            "- id: source:s\n  url: https://s.example\n  title: T\n  publisher: P\n"
            "  type: press\n  sponsor_affiliated: maybe\n",
            [(6, "sponsor_affiliated: 'maybe' is not true or false")],
            id="bad-bool",
        ),
        pytest.param(
            "- id: trial:a\n  registry_id: a\n  title: t\n  enrollment: '\u00b2'\n"
            "  sources: [{source: source:agency-page, derived: test}]\n",
            [(4, "enrollment: '\u00b2' is not a whole number from 0 to 2147483647")],
            id="superscript-digit-enrollment",
        ),
        pytest.param(
            "- id: trial:a\n  registry_id: a\n  title: t\n  start: '0000'\n"
            "  completion: 2018\n  sources: [{source: source:agency-page, derived: test}]\n",
            [(4, "start: '0000' has no year 0")],
            id="year-zero",
        ),
    ],
)
def test_load_graph_on_broken_data_raises_only_data_validation_error(
    make_data: Make, text: str, expected: list[tuple[int, str]]
) -> None:
    root = make_data({**TINY, "zz-broken.yaml": text})
    with pytest.raises(DataValidationError) as info:
        load_graph(root)
    found = [p for p in info.value.problems if not is_quote_rule(p)]
    assert found == [Problem("data/zz-broken.yaml", n, m) for n, m in expected]


def test_empty_field_is_reported_as_empty(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          sponsor:
          sources: [{source: source:sponsor-release, derived: test}]
        """,
    )
    assert problems == [
        Problem("data/trials.yaml", 4, "'sponsor' is empty; remove it or give it a value")
    ]


def test_an_empty_supports_list_is_refused(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          sources:
            - source: source:sponsor-release
              supports: []
        """,
    )
    assert problems == [
        Problem("data/trials.yaml", 2, "unsourced fact: no citation supports 'registry_id'"),
        Problem("data/trials.yaml", 3, "unsourced fact: no citation supports 'title'"),
        Problem(
            "data/trials.yaml",
            6,
            "`supports` is empty: name the fields the citation supports, or leave it out to "
            "cite the whole record",
        ),
    ]


def test_a_number_too_large_for_graphql_is_refused(make_data: Make) -> None:
    problems = problems_in(
        make_data,
        "trials.yaml",
        """
        - id: trial:NCT00000001
          registry_id: NCT00000001
          title: A trial of drugxamine
          enrollment: 3000000000
          sources: [{source: source:sponsor-release, derived: test}]
        """,
    )
    assert problems == [
        Problem(
            "data/trials.yaml",
            4,
            "enrollment: '3000000000' is not a whole number from 0 to 2147483647",
        )
    ]
