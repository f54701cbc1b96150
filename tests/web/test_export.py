"""Answers as rows (CSV and JSON), and whole-graph downloads."""

from __future__ import annotations

import csv
import gc
import io
import json
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import starlette.concurrency
import strawberry
from graphql import Lexer, Source, TokenKind
from starlette.exceptions import StarletteDeprecationWarning

from graph.build import KnowledgeGraph
from schema.app import build_schema
from schema.context import Context
from schema.limits import Limits
from server import Settings, create_app
from tests.conftest import BTD_QUOTE
from web import export
from web.export import Cell, Prepared, Table, prepare, table, to_csv, to_json
from web.graphql_http import RequestError

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2; the project's dev dependencies install httpx.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

SPONSOR_URL = "https://sponsor.example/news"
AGENCY_URL = "https://agency.example/decision"
MAX_TOKENS = Limits().max_tokens


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema()


def run(schema: strawberry.Schema, kg: KnowledgeGraph, query: str, **kwargs: Any) -> Table:
    prepared = prepare(schema, query, max_tokens=MAX_TOKENS)
    result = schema.execute_sync(prepared.query, context_value=Context(kg))
    assert result.errors is None, result.errors
    assert result.data is not None
    return table(kg, result.data, prepared, **kwargs)


def rows_of(csv_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text)))


def token_count(query: str) -> int:
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


@contextmanager
def serve(kg: KnowledgeGraph, limits: Limits | None = None) -> Iterator[TestClient]:
    """A client of the whole app (server.py) serving `kg`, with `limits`."""
    try:
        with TestClient(create_app(Settings(limits=limits or Limits()), loaded=kg)) as client:
            yield client
    finally:
        gc.unfreeze()  # the lifespan froze everything allocated so far


def export_csv(client: TestClient, query: str) -> tuple[int, Any]:
    response = client.get("/graphql", params={"query": query, "format": "csv"})
    if response.headers["content-type"] == "application/json":
        return response.status_code, response.json()
    return response.status_code, response.text


# --- the query ------------------------------------------------------------------------


def test_prepare_adds_regkg_id_where_an_entity_lacks_it(schema: strawberry.Schema) -> None:
    prepared = prepare(
        schema,
        "{ trials { totalCount nodes { registryId sponsor { regkgId name } } } }",
        max_tokens=MAX_TOKENS,
    )
    assert prepared.injected == frozenset({("trials", "nodes")})
    assert "registryId\n      sponsor {\n        regkgId\n        name\n      }\n      regkgId" in (
        prepared.query
    )
    assert prepared.object_lists == (("trials", "nodes"),)


def test_prepare_inlines_fragments_and_orders_lists_shallowest_first(
    schema: strawberry.Schema,
) -> None:
    prepared = prepare(
        schema,
        """query Q { conflicts { claims { ...C } question } }
        fragment C on Claim { statement sources { quote source { url } } }""",
        max_tokens=MAX_TOKENS,
    )
    assert "fragment" not in prepared.query
    assert "... on Claim" in prepared.query
    assert prepared.object_lists == (
        ("conflicts",),
        ("conflicts", "claims"),
        ("conflicts", "claims", "sources"),
    )
    # Conflicts and claims are entities; citations are not; sources are.
    assert prepared.injected == frozenset(
        {("conflicts",), ("conflicts", "claims"), ("conflicts", "claims", "sources", "source")}
    )


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ trials { nodes { nope } } }", id="unknown-field"),
        pytest.param("{ substances { nodes { ...Missing } } }", id="unknown-fragment"),
        pytest.param("{ trials {", id="syntax-error"),
        pytest.param(
            "{ substances { nodes { ...A } } } fragment A on Substance { ...A }", id="cycle"
        ),
    ],
)
def test_prepare_leaves_a_broken_query_alone(schema: strawberry.Schema, query: str) -> None:
    assert prepare(schema, query, max_tokens=MAX_TOKENS) == Prepared(query, frozenset(), ())


# Fragments that spread the next one twice: writing them out doubles at every level.
FRAGMENT_BOMB = "query{...F0} " + " ".join(
    [f"fragment F{i} on Query{{...F{i + 1} ...F{i + 1}}}" for i in range(16)]
    + ["fragment F16 on Query{meta{dataVersion}}"]
)
BOMB_REFUSAL = (
    "exporting this query would write out its fragments 131071 times, over the limit of "
    "1000 fragment spreads: spread each fragment in fewer places"
)
# Meta is no entity: nothing is added, so the prepared query is the query written out.
TWICE_TWICE = """{ meta { ...A ...A } }
fragment A on Meta { ...B ...B builtAt }
fragment B on Meta { dataVersion counts { kind count } }"""


def test_prepare_refuses_fragments_that_double_before_writing_them_out(
    schema: strawberry.Schema,
) -> None:
    assert len(FRAGMENT_BOMB) < 1000
    with pytest.raises(RequestError) as refused:
        prepare(schema, FRAGMENT_BOMB, max_tokens=MAX_TOKENS)
    assert refused.value.status == 400
    assert str(refused.value) == BOMB_REFUSAL


def test_prepare_counts_the_tokens_of_the_query_written_out(schema: strawberry.Schema) -> None:
    # `... on Meta { dataVersion counts { kind count } }` is 11 tokens, `... on Meta {
    # <B> <B> builtAt }` 28, and `{ meta { <A> <A> } }` 61; the query as written has 32.
    assert token_count(TWICE_TWICE) == 32
    prepared = prepare(schema, TWICE_TWICE, max_tokens=61)
    assert "fragment" not in prepared.query
    assert token_count(prepared.query) == 61
    with pytest.raises(RequestError) as refused:
        prepare(schema, TWICE_TWICE, max_tokens=60)
    assert refused.value.status == 400
    assert str(refused.value) == (
        "with its fragments written out, this query has 61 tokens, over the limit of 60 "
        "tokens: spread each fragment in fewer places"
    )


def test_prepare_checks_the_schema_limits_before_graphql_core_rules(
    schema: strawberry.Schema,
) -> None:
    # graphql-core's overlapping-fields rule is quadratic in a selection's breadth; the
    # schema's breadth limit refuses this first, and the query is run (and refused) as is.
    wide = "{ " + "meta { dataVersion } " * 1200 + "}"
    assert prepare(schema, wide, max_tokens=MAX_TOKENS) == Prepared(wide, frozenset(), ())
    result = schema.execute_sync(wide)
    assert [e.message for e in result.errors or []] == [
        "a selection of 1200 fields exceeds the limit of 100 fields in one selection"
    ]


# --- the rows -------------------------------------------------------------------------


def test_rows_are_the_items_of_the_shallowest_list(
    schema: strawberry.Schema, tiny: KnowledgeGraph
) -> None:
    result = run(
        schema,
        tiny,
        """{ regulatoryActions(filter: {kinds: [BREAKTHROUGH_THERAPY_DESIGNATION]}) {
             totalCount
             nodes { action date substance { name synonyms } sponsor { name }
                     sources { quote source { url } } }
           } }""",
    )
    assert result.list_path == "regulatoryActions.nodes"
    assert result.columns == (
        "action",
        "date",
        "datePrecision",
        "substance.name",
        "substance.synonyms",
        "substance.sourceUrls",
        "sponsor.name",
        "sponsor.sourceUrls",
        "sources.quote",
        "sources.source.url",
        "regulatoryActions.totalCount",
        "sourceUrls",
        "dataVersion",
    )
    assert result.rows == (
        {
            "action": "BREAKTHROUGH_THERAPY_DESIGNATION",
            "date": "2018-05-02",
            "datePrecision": "day",
            "substance.name": "Drugxamine",
            "substance.synonyms": "Ex; Street X",
            "substance.sourceUrls": SPONSOR_URL,
            "sponsor.name": "Sponsor Inc.",
            "sponsor.sourceUrls": SPONSOR_URL,
            "sources.quote": BTD_QUOTE,
            "sources.source.url": SPONSOR_URL,
            "regulatoryActions.totalCount": 1,
            "sourceUrls": SPONSOR_URL,
            "dataVersion": tiny.version,
        },
    )


def test_nested_lists_join_by_position_and_bracket_lists_inside_them(
    schema: strawberry.Schema, tiny: KnowledgeGraph
) -> None:
    result = run(
        schema,
        tiny,
        "{ conflicts { question claims { value sources { quote } } } }",
    )
    assert result.list_path == "conflicts"
    (row,) = result.rows
    assert row["question"] == "Did X help significantly?"
    assert row["claims.value"] == "significant | not significant"
    assert row["claims.sources.quote"] == "[significantly] | [p = .056]"
    # The conflict has no sources of its own; each claim's are in the claims' column, by
    # position, the regulator's page before the sponsor's release.
    assert row["sourceUrls"] == ""
    assert row["claims.sourceUrls"] == f"[{SPONSOR_URL}] | [{AGENCY_URL}]"
    assert "regkgId" not in row
    assert "claims.regkgId" not in row


def test_regkg_id_stays_when_asked_for(schema: strawberry.Schema, tiny: KnowledgeGraph) -> None:
    result = run(schema, tiny, "{ substances { nodes { regkgId name } } }")
    assert result.columns == ("regkgId", "name", "sourceUrls", "dataVersion")
    assert result.rows[0]["regkgId"] == "substance:x"


def test_list_parameter_picks_a_deeper_list_with_its_surroundings(
    schema: strawberry.Schema, tiny: KnowledgeGraph
) -> None:
    query = "{ conflicts { question claims { statement status } } }"
    result = run(schema, tiny, query, list_path="conflicts.claims")
    assert result.list_path == "conflicts.claims"
    assert [r["statement"] for r in result.rows] == [
        "X significantly helped.",
        "X did not reach significance.",
    ]
    assert {r["conflicts.question"] for r in result.rows} == {"Did X help significantly?"}
    assert result.rows[0]["sourceUrls"] == SPONSOR_URL  # only the claim's own source
    assert result.rows[1]["sourceUrls"] == AGENCY_URL


def test_list_parameter_must_name_a_list(schema: strawberry.Schema, tiny: KnowledgeGraph) -> None:
    with pytest.raises(RequestError, match="not a list"):
        run(schema, tiny, "{ conflicts { question } }", list_path="conflicts.question")


def test_connection_edges_lift_their_node(schema: strawberry.Schema, tiny: KnowledgeGraph) -> None:
    result = run(schema, tiny, "{ trials { edges { cursor node { registryId enrollment } } } }")
    assert result.list_path == "trials.edges"
    assert result.columns == ("cursor", "registryId", "enrollment", "sourceUrls", "dataVersion")
    assert result.rows[0]["registryId"] == "NCT00000001"
    assert result.rows[0]["enrollment"] == 90
    assert result.rows[0]["sourceUrls"] == SPONSOR_URL


def test_an_answer_without_a_list_is_one_row(
    schema: strawberry.Schema, tiny: KnowledgeGraph
) -> None:
    result = run(schema, tiny, '{ substance(name: "Ex") { name codeNames } }')
    assert result.list_path == ""
    assert result.rows == (
        {
            "substance.name": "Drugxamine",
            "substance.codeNames": "XY-100",
            "sourceUrls": SPONSOR_URL,
            "dataVersion": tiny.version,
        },
    )


def test_an_object_null_on_some_rows_gives_only_its_fields(
    schema: strawberry.Schema, tiny: KnowledgeGraph
) -> None:
    result = run(schema, tiny, "{ regulatoryActions { nodes { action sponsor { name } } } }")
    assert result.columns == (
        "action",
        "sponsor.name",
        "sponsor.sourceUrls",
        "sourceUrls",
        "dataVersion",
    )
    assert [r["sponsor.name"] for r in result.rows] == ["Sponsor Inc.", None, None, None]


def test_an_empty_list_gives_no_rows(schema: strawberry.Schema, tiny: KnowledgeGraph) -> None:
    result = run(schema, tiny, "{ trials(filter: {phases: [PHASE1]}) { nodes { registryId } } }")
    assert result.rows == ()
    assert to_csv(result.columns, result.rows) == "sourceUrls,dataVersion\r\n"


def test_data_without_a_prepared_query_still_finds_the_list(tiny: KnowledgeGraph) -> None:
    data = {"a": {"count": 2, "items": [{"x": 1}, {"x": 2}]}}
    result = table(tiny, data, Prepared("", frozenset(), ()))
    assert result.list_path == "a.items"
    assert [r["x"] for r in result.rows] == [1, 2]
    assert [r["a.count"] for r in result.rows] == [2, 2]


# --- over HTTP ------------------------------------------------------------------------


def test_a_fragment_bomb_is_refused_with_the_limit(tiny: KnowledgeGraph) -> None:
    with serve(tiny) as client:
        assert export_csv(client, FRAGMENT_BOMB) == (
            400,
            {"errors": [{"message": BOMB_REFUSAL, "extensions": {"code": "LIMIT_EXCEEDED"}}]},
        )


def test_exports_parse_with_the_configured_token_limit(tiny: KnowledgeGraph) -> None:
    with serve(tiny, Limits(max_tokens=60)) as client:
        assert export_csv(client, TWICE_TWICE) == (
            400,
            {
                "errors": [
                    {
                        "message": "with its fragments written out, this query has 61 tokens, "
                        "over the limit of 60 tokens: spread each fragment in fewer places",
                        "extensions": {"code": "LIMIT_EXCEEDED"},
                    }
                ]
            },
        )
        too_long = "{ meta { " + "dataVersion " * 60 + "} }"
        assert export_csv(client, too_long) == (
            400,
            {
                "errors": [
                    {
                        "message": "Syntax Error: Document contains more than 60 tokens. "
                        "Parsing aborted.",
                        "extensions": {"code": "LIMIT_EXCEEDED"},
                    }
                ]
            },
        )


@pytest.mark.parametrize(
    ("limits", "query", "message"),
    [
        pytest.param(
            Limits(max_depth=3),
            "{ conflicts { claims { sources { source { url } } } } }",
            "'anonymous' exceeds maximum operation depth of 3",
            id="depth",
        ),
        pytest.param(
            Limits(max_aliases=1),
            "{ a: meta { dataVersion } b: meta { dataVersion } }",
            "2 aliases found. Allowed: 1",
            id="aliases",
        ),
        pytest.param(
            Limits(max_tokens=10),
            "{ substances { nodes { name synonyms codeNames } } }",
            "Syntax Error: Document contains more than 10 tokens. Parsing aborted.",
            id="tokens",
        ),
        pytest.param(
            Limits(max_breadth=2),
            "{ substances { nodes { name synonyms codeNames } } }",
            "a selection of 3 fields exceeds the limit of 2 fields in one selection",
            id="breadth",
        ),
        pytest.param(
            Limits(max_cost=50),
            "{ trials(first: 100) { nodes { registryId } } }",
            "query cost 201 exceeds the limit of 50: ask for smaller pages (`first`) or fewer "
            "nested lists",
            id="cost",
        ),
    ],
)
def test_every_schema_limit_applies_to_exports(
    tiny: KnowledgeGraph, limits: Limits, query: str, message: str
) -> None:
    with serve(tiny, limits) as client:
        assert export_csv(client, query) == (
            400,
            {"errors": [{"message": message, "extensions": {"code": "LIMIT_EXCEEDED"}}]},
        )


def test_exports_run_in_a_worker_thread(
    tiny: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[str, int] = {}
    run_in_threadpool = starlette.concurrency.run_in_threadpool
    execute_sync = strawberry.Schema.execute_sync

    async def spy_run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        threads["event loop"] = threading.get_ident()
        return await run_in_threadpool(func, *args, **kwargs)

    def spy_execute(self: strawberry.Schema, *args: Any, **kwargs: Any) -> Any:
        threads["execution"] = threading.get_ident()
        return execute_sync(self, *args, **kwargs)

    monkeypatch.setattr(export, "run_in_threadpool", spy_run)
    monkeypatch.setattr(strawberry.Schema, "execute_sync", spy_execute)
    with serve(tiny) as client:
        status, text = export_csv(client, "{ substances { nodes { name } } }")
    assert (status, text) == (
        200,
        f"name,sourceUrls,dataVersion\r\nDrugxamine,{SPONSOR_URL},{tiny.version}\r\n",
    )
    assert set(threads) == {"event loop", "execution"}
    assert threads["execution"] != threads["event loop"]


# --- the files ------------------------------------------------------------------------


def test_csv_quotes_and_spells_out_values(tiny: KnowledgeGraph) -> None:
    row: dict[str, Cell] = {"a": 'say "hi", then go', "b": None, "c": True, "d": 3}
    rows = (row,)
    text = to_csv(("a", "b", "c", "d"), rows)
    assert text == 'a,b,c,d\r\n"say ""hi"", then go",,true,3\r\n'


def test_json_carries_the_version_query_and_typed_rows(tiny: KnowledgeGraph) -> None:
    result = Table(("n", "s"), ({"n": 1, "s": None},), "x.y")
    document = json.loads(to_json(result, "v1", "{ q }", {"a": 1}))
    assert document == {
        "dataVersion": "v1",
        "query": "{ q }",
        "variables": {"a": 1},
        "list": "x.y",
        "columns": ["n", "s"],
        "rows": [{"n": 1, "s": None}],
        "leftOut": [],
        "notes": [],
    }


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("trials", "regkg-trials-abc.csv"),
        ("a b/../c", "regkg-a-b-c-abc.csv"),
        ("", "regkg-answer-abc.csv"),
    ],
)
def test_file_names_carry_the_version(stem: str, expected: str) -> None:
    assert export.file_name(stem, "abc", "csv") == expected


# --- what a journalist cites ----------------------------------------------------------

STATUS = """{ regulatoryStatus(substance: "Ex", condition: "PTSD", jurisdiction: "US") {
  phase
  phaseSetBy { action date sources { quote source { url } } }
  inForce { action date }
  history { action }
} }"""


def test_objects_outside_the_rows_come_with_their_sources_and_left_out_lists_are_named(
    tiny: KnowledgeGraph,
) -> None:
    with serve(tiny) as client:
        response = client.get("/graphql", params={"query": STATUS, "format": "csv"})
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    assert lines[-1] == (
        "# left out of this file (lists beside its rows): regulatoryStatus.history; "
        "export one with list=<path>"
    )
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[:-1]))))
    assert [r["action"] for r in rows] == ["BREAKTHROUGH_THERAPY_DESIGNATION"]
    (row,) = rows
    # The decision that set the phase, with its quote and its own source, on every row.
    assert row["regulatoryStatus.phase"] == "NOT_APPROVED"
    assert row["regulatoryStatus.phaseSetBy.action"] == "COMPLETE_RESPONSE_LETTER"
    assert row["regulatoryStatus.phaseSetBy.date"] == "2020-03-01"
    assert row["regulatoryStatus.phaseSetBy.sources.source.url"] == AGENCY_URL
    assert row["regulatoryStatus.phaseSetBy.sourceUrls"] == AGENCY_URL
    # The row's own sources are the designation's alone.
    assert row["sourceUrls"] == SPONSOR_URL
    assert response.headers["x-regkg-notes"].startswith("left out of this file")


def test_own_sources_come_alone_and_best_kind_first(real: KnowledgeGraph) -> None:
    schema = build_schema()
    query = "{ trials(first: 100) { nodes { registryId sponsor { name } } } }"
    result = run(schema, real, query)
    assert result.rows
    for row in result.rows:
        trial = next(
            t for t in real.by_kind["trial"] if real.node(t)["registry_id"] == row["registryId"]
        )
        own = [c["url"] for c in export.ranked_citations(real, trial)]
        assert row["sourceUrls"] == " | ".join(own)
        ranks = [
            export.SOURCE_RANK[str(real.node(c.source)["type"])]
            for c in real.node(trial).get("citations", ())
        ]
        assert sorted(ranks) == [
            export.SOURCE_RANK[c["kind"].lower()] for c in export.ranked_citations(real, trial)
        ] or len(set(ranks)) < len(ranks)
    sponsored = [r for r in result.rows if r["sponsor.name"]]
    assert sponsored
    # A sponsor's own pages are under the sponsor, never among the trial's sources.
    for row in sponsored:
        assert row["sponsor.sourceUrls"]


def test_sources_rank_regulator_before_sponsor_before_press(tiny: KnowledgeGraph) -> None:
    ranks = export.SOURCE_RANK
    order = ["regulator", "legislature", "court", "registry", "journal", "sponsor", "press"]
    assert [ranks[k] for k in order] == sorted(ranks[k] for k in order)
    assert ranks["reference"] < ranks["secondary_copy"]
    # Older names rank with the kinds they became.
    assert ranks["press_release"] == ranks["filing"] == ranks["sponsor"]
    assert ranks["news"] == ranks["press"]


def test_dates_keep_their_precision_in_a_column_beside_them(
    schema: strawberry.Schema, tiny: KnowledgeGraph
) -> None:
    result = run(schema, tiny, "{ regulatoryActions { nodes { action date announced } } }")
    by_action = {r["action"]: r for r in result.rows}
    assert (by_action["APPLICATION_SUBMITTED"]["date"], by_action["APPLICATION_SUBMITTED"]["datePrecision"]) == ("2019-06", "month")  # fmt: skip  # noqa: E501
    btd = by_action["BREAKTHROUGH_THERAPY_DESIGNATION"]
    assert (btd["date"], btd["datePrecision"], btd["announcedPrecision"]) == (
        "2018-05-02",
        "day",
        "day",
    )
    assert by_action["COMPLETE_RESPONSE_LETTER"]["announcedPrecision"] is None


# --- the whole answer, streamed ---------------------------------------------------------


ACTIONS = "{ regulatoryActions(first: 1) { totalCount nodes { action date } } }"


def test_an_export_follows_the_connection_to_its_end(
    tiny: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE_SIZE", 1)
    with serve(tiny) as client:
        response = client.get("/graphql", params={"query": ACTIONS, "format": "csv"})
        json_response = client.get("/graphql", params={"query": ACTIONS, "format": "json"})
    assert response.status_code == 200, response.text
    rows = rows_of(response.text)
    assert [r["action"] for r in rows] == [
        "BREAKTHROUGH_THERAPY_DESIGNATION",
        "APPLICATION_SUBMITTED",
        "PRIORITY_REVIEW",
        "COMPLETE_RESPONSE_LETTER",
    ]
    assert {r["regulatoryActions.totalCount"] for r in rows} == {"4"}
    assert response.headers["x-regkg-rows"] == "4"
    assert "regkgPage" not in response.text
    assert not response.text.startswith("\ufeff")
    document = json_response.json()
    assert len(document["rows"]) == 4
    assert document["notes"] == []


def test_an_export_starts_after_the_cursor_it_was_given(
    tiny: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE_SIZE", 1)
    query = (
        "query($c: String) { regulatoryActions(after: $c) { edges { cursor node { action } } } }"
    )
    with serve(tiny) as client:
        everything = rows_of(client.get("/graphql", params={"query": query, "format": "csv"}).text)
        cursor = everything[1]["cursor"]
        rest = client.get(
            "/graphql",
            params={"query": query, "format": "csv", "variables": json.dumps({"c": cursor})},
        )
    assert [r["action"] for r in rows_of(rest.text)] == [r["action"] for r in everything[2:]]


def test_an_export_that_reaches_its_limit_says_so_in_the_file(
    tiny: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE_SIZE", 2)
    monkeypatch.setattr(export, "MAX_ROWS", 3)
    query = "{ regulatoryActions { edges { cursor node { action } } } }"
    with serve(tiny) as client:
        response = client.get("/graphql", params={"query": query, "format": "csv"})
        document = client.get("/graphql", params={"query": query, "format": "json"}).json()
    lines = response.text.splitlines()
    rows = rows_of("\n".join(lines[:-1]))
    assert len(rows) == 3
    assert response.headers["x-regkg-rows"] == "3"
    assert lines[-1] == (
        "# regkg stopped this export at its limit of 3 rows; the answer has more after cursor "
        f"{rows[-1]['cursor']}: narrow the query or continue with `after`"
    )
    assert len(document["rows"]) == 3
    assert document["notes"] == [lines[-1].removeprefix("# ")]


def test_the_download_button_asks_for_a_byte_order_mark(tiny: KnowledgeGraph) -> None:
    query = "{ substances { nodes { name } } }"
    with serve(tiny) as client:
        marked = client.get("/graphql", params={"query": query, "format": "csv", "bom": "1"})
        plain = client.get("/graphql", params={"query": query, "format": "csv"})
    assert marked.content.startswith(b"\xef\xbb\xbfname,")
    assert plain.content.startswith(b"name,")
    # Python reads the marked file as Excel does, with utf-8-sig.
    rows = rows_of(marked.content.decode("utf-8-sig"))
    assert rows[0]["name"] == "Drugxamine"


def test_exports_carry_an_etag_and_answer_304(tiny: KnowledgeGraph) -> None:
    params = {"query": "{ substances { nodes { name } } }", "format": "csv"}
    with serve(tiny) as client:
        first = client.get("/graphql", params=params)
        etag = first.headers["etag"]
        assert first.headers["cache-control"] == "public, max-age=300"
        again = client.get("/graphql", params=params, headers={"if-none-match": etag})
        other = client.get("/graphql", params={**params, "format": "json"})
    assert (again.status_code, again.content) == (304, b"")
    assert other.headers["etag"] != etag
