"""Reading YAML files into raw records: problems with file and line, text-only scalars."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from graph.errors import Problem
from graph.reader import RawRecord, data_files, read_dir, read_text


def text(yaml_text: str) -> str:
    return dedent(yaml_text).lstrip("\n")


def test_reads_records_with_their_lines() -> None:
    records, problems = read_text(
        text("""
            # a comment
            - id: substance:a
              name: A
            - id: substance:b
              name: B
            """),
        "data/entities.yaml",
    )
    assert problems == []
    assert [(r.file, r.line, r.data) for r in records] == [
        ("data/entities.yaml", 2, {"id": "substance:a", "name": "A"}),
        ("data/entities.yaml", 4, {"id": "substance:b", "name": "B"}),
    ]


@pytest.mark.parametrize(
    ("yaml_text", "line", "message"),
    [
        (
            "- id: substance:a\n  name: [unclosed\n- id: substance:b\n",
            3,
            "not valid YAML: did not find expected ',' or ']'",
        ),
        (
            "- id: substance:a\n  name: A\n   bad: 1\n",
            3,
            "not valid YAML: mapping values are not allowed in this context",
        ),
        (
            "- id: substance:a\n\tname: A\n",
            2,
            "not valid YAML: found a tab character that violates indentation",
        ),
        ("- id: substance:a\n  name: 'A\n", 3, "not valid YAML: found unexpected end of stream"),
        ("- id: a\n---\n- id: b\n", 2, "not valid YAML: but found another document"),
    ],
    ids=["unclosed-flow-list", "bad-indent", "tab", "unclosed-quote", "two-documents"],
)
def test_yaml_syntax_error_is_a_problem_with_file_and_line(
    yaml_text: str, line: int, message: str
) -> None:
    records, problems = read_text(yaml_text, "data/broken.yaml")
    assert records == []
    assert problems == [Problem("data/broken.yaml", line, message)]


@pytest.mark.parametrize(
    ("yaml_text", "line"),
    [
        ("# records\nid: substance:a\nname: A\n", 2),
        ("just some text\n", 1),
    ],
    ids=["mapping", "scalar"],
)
def test_file_that_is_not_a_list(yaml_text: str, line: int) -> None:
    records, problems = read_text(yaml_text, "data/flat.yaml")
    assert records == []
    assert problems == [
        Problem("data/flat.yaml", line, "the file must be a list of records (- id: ...)")
    ]


def test_list_item_that_is_not_a_mapping() -> None:
    records, problems = read_text(
        text("""
            - id: substance:a
              name: A
            - substance:b
            - [substance:c]
            - id: substance:d
              name: D
            """),
        "data/mixed.yaml",
    )
    assert problems == [
        Problem("data/mixed.yaml", 3, "a record must be a mapping of fields"),
        Problem("data/mixed.yaml", 4, "a record must be a mapping of fields"),
    ]
    assert [r.data["id"] for r in records] == ["substance:a", "substance:d"]


def test_duplicate_keys() -> None:
    records, problems = read_text(
        text("""
            - id: substance:a
              name: A
              synonyms: [B]
              name: C
              sources:
                - source: source:s
                  quote: one
                  quote: two
            """),
        "data/dup.yaml",
    )
    assert problems == [
        Problem("data/dup.yaml", 4, "the key 'name' appears twice"),
        Problem("data/dup.yaml", 8, "the key 'quote' appears twice"),
    ]
    # The record is still read; the later value wins.
    assert records[0].data["name"] == "C"


def test_empty_file_has_no_records_and_no_problems() -> None:
    assert read_text("# nothing yet\n", "data/empty.yaml") == ([], [])


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("true", "true"),
        ("False", "False"),
        ("2019-01", "2019-01"),
        ("2019-01-02", "2019-01-02"),
        ("2019", "2019"),
        ("1.50", "1.50"),
        ("0x10", "0x10"),
        ("1_000", "1_000"),
        ("007", "007"),
        ("~", "~"),
        ("null", "null"),
        (".inf", ".inf"),
        ("'quoted'", "quoted"),
        ('"2019-01"', "2019-01"),
        ("''", ""),
    ],
    ids=[
        "no",
        "yes",
        "true",
        "False",
        "year-month",
        "full-date",
        "year",
        "float",
        "hex",
        "underscored-int",
        "leading-zeros",
        "tilde",
        "null",
        "infinity",
        "single-quoted",
        "double-quoted-date",
        "quoted-empty",
    ],
)
def test_scalars_are_kept_as_text(scalar: str, expected: str) -> None:
    records, problems = read_text(f"- id: substance:a\n  value: {scalar}\n", "data/s.yaml")
    assert problems == []
    assert records[0].data["value"] == expected


@pytest.mark.parametrize(
    "yaml_text",
    ["- id: substance:a\n  value:\n", "- id: substance:a\n  value:   # to do\n"],
    ids=["nothing", "comment-only"],
)
def test_empty_unquoted_value_is_absent(yaml_text: str) -> None:
    records, problems = read_text(yaml_text, "data/s.yaml")
    assert problems == []
    assert records[0].data == {"id": "substance:a", "value": None}


def test_nested_values_are_text_too() -> None:
    records, _ = read_text(
        text("""
            - id: organisation:a
              names:
                - {name: "No", from: 2019-01}
              abbreviations: [ON, off, 12]
            """),
        "data/o.yaml",
    )
    assert records[0].data == {
        "id": "organisation:a",
        "names": [{"name": "No", "from": "2019-01"}],
        "abbreviations": ["ON", "off", "12"],
    }


def test_line_numbers_of_nested_keys() -> None:
    records, _ = read_text(
        text("""
            - id: substance:a
              name: A
            - id: action:b
              summary: B
              synonyms:
                - one
                - two
              sources:
                - source: source:s
                  quote: "q"
                  supports: [summary]
                - {source: source:t}
            """),
        "data/n.yaml",
    )
    record = records[1]
    assert record.line == 3
    assert record.lines == {
        "id": 3,
        "summary": 4,
        "synonyms": 5,
        "synonyms.0": 6,
        "synonyms.1": 7,
        "sources": 8,
        "sources.0": 9,
        "sources.0.source": 9,
        "sources.0.quote": 10,
        "sources.0.supports": 11,
        "sources.0.supports.0": 11,
        "sources.1": 12,
        "sources.1.source": 12,
    }
    assert record.line_of("sources.0.quote") == 10
    assert record.line_of("not.there") == 3


def test_raw_record_line_of_falls_back_to_the_record_line() -> None:
    record = RawRecord("data/x.yaml", 7, {"id": "substance:a"}, {"id": 7, "name": 8})
    assert (record.line_of("name"), record.line_of("synonyms.0")) == (8, 7)


def test_non_utf8_file_is_a_problem_naming_the_file(
    make_data: Callable[[dict[str, str]], Path],
) -> None:
    root = make_data({"good.yaml": "- id: substance:a\n  name: A\n"})
    (root / "latin1.yaml").write_bytes(b"- id: substance:b\n  name: caf\xe9\n")
    data = read_dir(root)
    assert data.problems == [
        Problem("data/latin1.yaml", 2, "not UTF-8 text; save the file as UTF-8")
    ]
    assert [r.data["id"] for r in data.records] == ["substance:a"]


def test_read_dir_reads_every_yaml_file_in_order(
    make_data: Callable[[dict[str, str]], Path],
) -> None:
    root = make_data(
        {
            "b.yaml": "- id: substance:b\n",
            "a.yaml": "- id: substance:a\n",
            "sub/c.yaml": "- id: substance:c\n",
            "notes.txt": "- id: substance:ignored\n",
        }
    )
    assert [p.relative_to(root).as_posix() for p in data_files(root)] == [
        "a.yaml",
        "b.yaml",
        "sub/c.yaml",
    ]
    data = read_dir(root)
    assert data.problems == []
    assert [(r.file, r.data["id"]) for r in data.records] == [
        ("data/a.yaml", "substance:a"),
        ("data/b.yaml", "substance:b"),
        (str(Path("data/sub/c.yaml")), "substance:c"),
    ]


def test_version_changes_with_content(make_data: Callable[[dict[str, str]], Path]) -> None:
    root = make_data({"a.yaml": "- id: substance:a\n"})
    first = read_dir(root).version
    assert first == read_dir(root).version
    assert len(first) == 12
    (root / "a.yaml").write_text("- id: substance:b\n", encoding="utf-8")
    assert read_dir(root).version != first


def test_problems_from_several_files_are_all_collected(
    make_data: Callable[[dict[str, str]], Path],
) -> None:
    root = make_data(
        {
            "a.yaml": "id: substance:a\n",
            "b.yaml": "- id: substance:b\n  name: [x\n",
            "c.yaml": "- id: substance:c\n",
        }
    )
    data = read_dir(root)
    assert data.problems == [
        Problem("data/a.yaml", 1, "the file must be a list of records (- id: ...)"),
        Problem("data/b.yaml", 3, "not valid YAML: did not find expected ',' or ']'"),
    ]
    assert [r.data["id"] for r in data.records] == ["substance:c"]


ALIAS_REFUSED = (
    "the list or mapping defined here is reused through a YAML alias; "
    "aliases are not allowed in data files, write the value out"
)


@pytest.mark.parametrize(
    ("yaml_text", "line", "data"),
    [
        (
            "- &a {id: 'substance:a', self: *a}\n",
            1,
            {"id": "substance:a", "self": None},
        ),
        (
            "- id: substance:a\n  synonyms: &s\n    - a\n    - *s\n",
            2,
            {"id": "substance:a", "synonyms": ["a", None]},
        ),
    ],
    ids=["record-contains-itself", "list-contains-itself"],
)
def test_recursive_alias_is_a_problem(yaml_text: str, line: int, data: dict[str, object]) -> None:
    # The line is that of the anchored node the alias refers to.
    records, problems = read_text(yaml_text, "data/loop.yaml")
    assert problems == [Problem("data/loop.yaml", line, ALIAS_REFUSED)]
    assert [r.data for r in records] == [data]


def test_alias_to_a_sibling_is_refused() -> None:
    records, problems = read_text(
        "- id: substance:a\n  synonyms: &s [a, b]\n  code_names: *s\n", "data/alias.yaml"
    )
    assert problems == [Problem("data/alias.yaml", 2, ALIAS_REFUSED)]
    assert records[0].data == {"id": "substance:a", "synonyms": ["a", "b"], "code_names": None}


def test_nested_aliases_do_not_expand() -> None:
    # "Billion laughs": each level doubles the one before; expanding it would not finish.
    levels = ["- id: substance:a", "  l0: &l0 [x, x]"]
    levels += [f"  l{i}: &l{i} [*l{i - 1}, *l{i - 1}]" for i in range(1, 40)]
    records, problems = read_text("\n".join(levels) + "\n", "data/laughs.yaml")
    assert len(records) == 1
    assert len(problems) == 78  # two aliases a level
    assert {p.message for p in problems} == {ALIAS_REFUSED}


def test_an_unreadable_file_is_a_problem_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.yaml").write_text("- id: substance:a\n", encoding="utf-8")
    real_read = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "a.yaml":
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = read_dir(data)
    assert result.problems == [Problem("data/a.yaml", 1, "cannot be read: Permission denied")]
    assert result.records == []
