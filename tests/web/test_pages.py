"""The browser pages, the ready questions, the exports over HTTP and the vendored files."""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import networkx as nx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from graph.build import KnowledgeGraph
from graph.coverage import topic_coverage
from graph.load import load_graph
from graph.records import action_date
from schema.app import build_schema
from schema.context import Context
from server import create_app
from tests.conftest import JURISDICTIONS, TINY
from web.pages import READY_QUESTIONS, STATIC_DIR, ReadyQuestion, coverage_html

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2; the project's dev dependencies install httpx.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient


ROOT = Path(__file__).resolve().parents[2]
VENDOR = STATIC_DIR / "vendor"
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
QUESTIONS = {q.id: q for q in READY_QUESTIONS}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client
    gc.unfreeze()  # the lifespan froze everything allocated so far


@pytest.fixture(scope="module")
def version(client: TestClient) -> str:
    found: str = client.get("/healthz").json()["dataVersion"]
    return found


def assets(page: str) -> list[str]:
    """Every script and stylesheet a page loads."""
    return re.findall(r'<script src="([^"]+)"', page) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', page
    )


# --- pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/graphql", "/static/graphiql-page.js"),
        ("/graphql?query=%7B+meta+%7B+dataVersion+%7D+%7D", "/static/graphiql-page.js"),
        ("/explore", "/static/vendor/cytoscape/cytoscape.min.js"),
        ("/explore?id=substance:mdma", "/static/explore.js"),
        ("/timeline?substance=MDMA", "/static/timeline.js"),
        ("/downloads", "/downloads/graph.graphml"),
        ("/", "/timeline?substance=MDMA"),
    ],
)
def test_pages_load_only_what_regkg_serves(client: TestClient, path: str, expected: str) -> None:
    response = client.get(path, headers={"accept": HTML})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert expected in page
    loaded = assets(page)
    assert "/static/regkg.css" in loaded
    for url in loaded:
        assert url.startswith("/static/"), f"{path} loads {url} from elsewhere"
        served = client.get(url)
        assert served.status_code == 200, url
        assert served.content, url
    assert not re.search(r'(src|href)="(https?:)?//', page), "a page links off the server"


def test_graphiql_page_has_graphiql_the_explorer_and_the_ready_questions(
    client: TestClient,
) -> None:
    page = client.get("/graphql", headers={"accept": HTML}).text
    for asset in (
        "/static/vendor/react/react.production.min.js",
        "/static/vendor/react-dom/react-dom.production.min.js",
        "/static/vendor/graphiql/graphiql.min.js",
        "/static/vendor/graphiql/graphiql.min.css",
        "/static/vendor/graphiql-plugin-explorer/index.umd.js",
        "/static/vendor/graphiql-plugin-explorer/style.css",
    ):
        assert asset in assets(page)
    embedded = re.search(
        r'<script type="application/json" id="ready-questions">(.*?)</script>', page
    )
    assert embedded is not None
    questions = json.loads(embedded.group(1))
    assert [q["id"] for q in questions] == [q.id for q in READY_QUESTIONS]
    assert all(q["link"].startswith("/graphql?query=") for q in questions)


def test_vendored_stylesheets_load_nothing_from_elsewhere() -> None:
    for sheet in VENDOR.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        assert "@import" not in text, sheet
        for target in re.findall(r"url\(([^)]*)\)", text):
            assert target.strip("'\"").startswith("data:"), f"{sheet} loads {target[:60]}"


def test_static_files_stay_inside_static(client: TestClient) -> None:
    assert client.get("/static/../server.py").status_code == 404
    assert client.get("/static/nope.js").status_code == 404


def test_front_page_links_every_ready_question(client: TestClient, version: str) -> None:
    page = client.get("/").text
    for question in READY_QUESTIONS:
        assert question.title.replace("'", "&#x27;") in page
    assert f"<code>{version}</code>" in page


def test_downloads_page_lists_the_files_and_the_version(client: TestClient, version: str) -> None:
    page = client.get("/downloads").text
    for name in ("nodes.csv", "edges.csv", "graph.json", "graph.graphml"):
        assert f'href="/downloads/{name}"' in page
    assert version in page


@pytest.mark.parametrize("path", ["/", "/downloads"])
def test_front_and_downloads_pages_say_what_is_covered(
    client: TestClient, real: KnowledgeGraph, path: str
) -> None:
    page = client.get(path).text
    assert '<h2 id="coverage">What regkg covers</h2>' in page
    mdma = topic_coverage(real, "substance:mdma")
    newest = action_date(real.node(str(mdma.newest_action)))
    assert f"<tr><td>MDMA</td><td>{mdma.reviewed or 'not reviewed'}</td>" in page
    assert f"<td>{mdma.actions}</td><td>{newest}</td>" in page


def test_coverage_html_shows_review_dates_gaps_and_what_is_not_covered(
    make_data: Callable[[dict[str, str]], Path],
) -> None:
    reviewed = JURISDICTIONS.replace(
        "- {id: jurisdiction:AU, name: Australia, code: AU, level: country}",
        "- {id: jurisdiction:AU, name: Australia, code: AU, level: country, "
        "reviewed: 2026-11-30, gaps: ['<b>State</b> rules']}",
    )
    kg = load_graph(make_data({**TINY, "jurisdictions.yaml": reviewed}))
    section = coverage_html(kg)
    assert (
        "<tr><td>Australia (AU)</td><td>2026-11-30</td><td>0</td><td></td>"
        "<td>&lt;b&gt;State&lt;/b&gt; rules</td></tr>"
    ) in section
    assert (
        "<tr><td>Oregon (US-OR)</td><td>not reviewed</td><td>0</td><td></td>"
        "<td>not covered: nothing recorded</td></tr>"
    ) in section
    assert "<tr><td>Drugxamine</td><td>not reviewed</td><td>4</td><td>2020-03-01</td>" in section


# --- vendored libraries -----------------------------------------------------------------


def test_vendored_files_match_their_manifest_and_pins() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))
    pins = json.loads((ROOT / "frontend" / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "frontend" / "package-lock.json").read_text(encoding="utf-8"))
    listed = {VENDOR / "MANIFEST.json", VENDOR / "README.md"}
    assert {entry["package"] for entry in manifest} == set(pins["dependencies"]) - {"graphql"}
    for entry in manifest:
        name = entry["package"]
        assert entry["version"] == pins["dependencies"][name]
        assert lock["packages"][f"node_modules/{name}"]["version"] == entry["version"]
        assert any(file.startswith("LICENSE") for file in entry["files"]), f"{name}: no licence"
        for file, facts in entry["files"].items():
            path = VENDOR / entry["dir"] / file
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert digest == facts["sha256"], f"{path} differs from MANIFEST.json"
            listed.add(path)
    on_disk = {p for p in VENDOR.rglob("*") if p.is_file()}
    assert on_disk == listed, "web/static/vendor/ holds files that frontend/vendor.mjs did not"


def test_vendor_script_recreates_the_files_byte_for_byte() -> None:
    """Where `npm ci` has run in frontend/ (`python3 run.py test` runs it); required in CI."""
    node = shutil.which("node")
    if node is None or not (ROOT / "frontend" / "node_modules" / "graphiql").is_dir():
        reason = "frontend/node_modules is not installed: `cd frontend && npm ci` to check"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run(
        [node, "vendor.mjs", "--check"],
        cwd=ROOT / "frontend",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


# --- ready questions --------------------------------------------------------------------


def _check_status_now(data: Any) -> None:
    status = data["regulatoryStatus"]["approval"]
    assert status["phase"] == "NOT_APPROVED"
    assert status["phaseSetBy"]["date"] == "2024-08-09"
    assert status["phaseSetBy"]["sources"]
    assert status["phaseSetBy"]["restsOn"]["bestSourceKind"]


def _check_status_then(data: Any) -> None:
    status = data["regulatoryStatus"]
    assert (status["asOf"], status["approval"]["phase"]) == ("2023-06-01", "INVESTIGATIONAL")
    in_force = status["approval"]["inForce"]
    assert "BREAKTHROUGH_THERAPY_DESIGNATION" in {a["action"] for a in in_force}


def _check_scheduling(data: Any) -> None:
    nodes = data["regulatoryActions"]["nodes"]
    assert ("2023-02-03", "RESCHEDULING") in {(n["date"], n["action"]) for n in nodes}
    assert all(n["jurisdiction"]["level"] for n in nodes)
    dates = [n["date"] for n in nodes if n["date"]]
    assert dates == sorted(dates, reverse=True)


def _check_us_states(data: Any) -> None:
    statuses = data["regulatoryStatuses"]
    assert statuses[0]["jurisdiction"]["code"] == "US"
    assert statuses[0]["approval"]["phase"] != "NO_RECORD"  # FDA designations on record
    assert all(s["jurisdiction"]["code"].startswith("US") for s in statuses)


def _check_access_abroad(data: Any) -> None:
    nodes = data["regulatoryActions"]["nodes"]
    assert "AU" in {n["jurisdiction"]["code"] for n in nodes}
    assert all(n["sources"] for n in nodes)


def _check_newest(data: Any) -> None:
    nodes = data["regulatoryActions"]["nodes"]
    assert len(nodes) == 25
    assert {n["track"] for n in nodes} <= {"APPROVAL", "LEGAL"}
    assert all(n["restsOn"]["bestSourceKind"] for n in nodes)


def _check_breakthroughs(data: Any) -> None:
    nodes = data["regulatoryActions"]["nodes"]
    mdma = [n for n in nodes if n["substance"]["name"] == "MDMA"]
    assert [(n["date"], n["announced"], n["disclosure"]) for n in mdma] == [
        ("2017-08-16", "2017-08-26", "SPONSOR")
    ]
    assert all(n["sources"] for n in nodes)
    assert data["regulatoryActions"]["totalCount"] == len(nodes) >= 8


def _check_trials(data: Any) -> None:
    trials = {t["registryId"]: t for t in data["trials"]["nodes"]}
    assert (trials["NCT03537014"]["acronym"], trials["NCT03537014"]["enrollment"]) == ("MAPP1", 90)
    assert trials["NCT03537014"]["enrollmentType"] == "ACTUAL"
    assert trials["NCT04077437"]["enrollment"] == 104


def _check_conflicts(data: Any) -> None:
    questions = [c["question"] for c in data["conflicts"]]
    assert any("2017-08-16 or on 2017-08-26" in q for q in questions)
    assert all(len(c["claims"]) >= 2 for c in data["conflicts"])


def _check_connection(data: Any) -> None:
    first = data["path"][0]
    assert first["length"] == 2
    assert [s["relation"] for s in first["steps"]] == ["STREET_FORM_OF", "DEVELOPED_BY"]
    assert first["steps"][1]["target"]["name"] == "Lykos Therapeutics"


def _check_changes(data: Any) -> None:
    nodes = data["regulatoryActions"]["nodes"]
    assert ("2024-08-09", "COMPLETE_RESPONSE_LETTER") in {(n["date"], n["action"]) for n in nodes}
    assert all((n["date"] or n["announced"]) >= "2024-06-01" for n in nodes)
    recorded = [n["recorded"] for n in data["changes"]["nodes"]]
    assert recorded == sorted(recorded, reverse=True)


def _check_story(data: Any) -> None:
    whats = [e["what"] for e in data["timeline"]]
    order = [
        "BREAKTHROUGH_THERAPY_DESIGNATION",
        "APPLICATION_SUBMITTED",
        "COMPLETE_RESPONSE_LETTER",
    ]
    assert [whats.index(w) for w in order] == sorted(whats.index(w) for w in order)
    dates = [e["date"] for e in data["timeline"]]
    assert dates == sorted(dates)


CHECKS: dict[str, Callable[[Any], None]] = {
    "status-now": _check_status_now,
    "status-then": _check_status_then,
    "breakthroughs": _check_breakthroughs,
    "trials": _check_trials,
    "conflicts": _check_conflicts,
    "connection": _check_connection,
    "changes": _check_changes,
    "scheduling": _check_scheduling,
    "us-states": _check_us_states,
    "access-abroad": _check_access_abroad,
    "newest": _check_newest,
    "story": _check_story,
}


def test_every_ready_question_is_checked() -> None:
    assert set(CHECKS) == set(QUESTIONS)


@pytest.mark.parametrize("question", READY_QUESTIONS, ids=lambda q: q.id)
def test_ready_question_has_a_real_answer(question: ReadyQuestion, real: KnowledgeGraph) -> None:
    result = build_schema().execute_sync(question.query, context_value=Context(real))
    assert result.errors is None, result.errors
    CHECKS[question.id](result.data)


@pytest.mark.parametrize("question", READY_QUESTIONS, ids=lambda q: q.id)
def test_ready_question_link_holds_the_query(question: ReadyQuestion) -> None:
    parts = urlsplit(question.link())
    assert parts.path == "/graphql"
    assert parse_qs(parts.query)["query"] == [question.query]


@pytest.mark.parametrize("question", READY_QUESTIONS, ids=lambda q: q.id)
def test_ready_question_exports_as_csv_with_sources(
    client: TestClient, version: str, question: ReadyQuestion
) -> None:
    response = client.get("/graphql", params={"query": question.query, "format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(rf'attachment; filename="regkg-[A-Za-z]+-{version}\.csv"', disposition)
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows
    assert response.headers["x-regkg-rows"] == str(len(rows))
    assert all(row["dataVersion"] == version for row in rows)
    # Each row cites the sources of its own entity, or of the entities it names.
    for row in rows:
        # An entity without sources (a jurisdiction, reference data) leaves an empty "[]".
        cited = [v for k, v in row.items() if k.endswith("sourceUrls") and v.strip("[] |")]
        assert cited, row
        # Some sources are published only over plain http (a state legislature's bill page).
        assert all("https://" in urls or "http://" in urls for urls in cited)


# --- exports over HTTP ------------------------------------------------------------------


def test_export_csv_of_trials(client: TestClient, version: str) -> None:
    query = '{ trials(filter: {substance: "MDMA"}) { nodes { registryId enrollment } } }'
    response = client.get("/graphql", params={"query": query, "format": "csv"})
    assert response.headers["content-disposition"] == (
        f'attachment; filename="regkg-trials-{version}.csv"'
    )
    lines = response.text.splitlines()
    assert lines[0] == "registryId,enrollment,sourceUrls,dataVersion"
    mapp1 = next(line for line in lines if line.startswith("NCT03537014,"))
    assert mapp1.startswith("NCT03537014,90,https://")
    assert mapp1.endswith(f",{version}")


def test_export_json_with_variables_and_a_chosen_list(client: TestClient, version: str) -> None:
    query = "query Q($s: String!) { conflicts { question claims { statement } } s: substance(name: $s) { name } }"  # noqa: E501
    response = client.get(
        "/graphql",
        params={
            "query": query,
            "variables": json.dumps({"s": "MDMA"}),
            "format": "json",
            "list": "conflicts.claims",
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert document["dataVersion"] == version
    assert document["variables"] == {"s": "MDMA"}
    assert document["list"] == "conflicts.claims"
    assert document["columns"][:4] == ["statement", "s.name", "s.sourceUrls", "conflicts.question"]
    assert {row["s.name"] for row in document["rows"]} == {"MDMA"}
    # In JSON, each source of the substance comes with its kind and the quotes it backs.
    cited = document["rows"][0]["s.sourceUrls"]
    assert cited
    assert all(c["kind"] for c in cited)
    # Every source gives its address, but for the seed's blog copy, which has none and says
    # where its text is held instead.
    assert [c["held"] for c in cited if c["url"] is None] == [
        "shared/seed/000_c4d38e4f2f9fb276.txt, beside the repository (the seed text regkg "
        "started from)"
    ]
    assert all(c["url"].startswith("http") and c["held"] is None for c in cited if c["url"])
    assert any(c["quotes"] for c in cited)
    assert len(document["rows"]) > len({row["conflicts.question"] for row in document["rows"]})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"query": "{ meta { dataVersion } }", "format": "xlsx"}, "unknown format 'xlsx'"),
        ({"format": "csv"}, "`query` must be a non-empty string"),
        ({"query": "{ nope }", "format": "csv"}, "Cannot query field 'nope'"),
        ({"query": "{ meta {", "format": "csv"}, "Syntax Error"),
        ({"query": '{ substance(name: "nothing at all") { name } }', "format": "csv"}, "nothing"),
        (
            {"query": "{ conflicts { question } }", "format": "csv", "list": "meta"},
            "`list` 'meta' is not a list in the answer",
        ),
    ],
    ids=["format", "no-query", "invalid", "syntax", "field-error", "bad-list"],
)
def test_export_errors_are_json(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/graphql", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert message in response.json()["errors"][0]["message"]


def test_graphql_without_format_is_unchanged(client: TestClient) -> None:
    answer = client.get("/graphql", params={"query": "{ meta { dataVersion } }"})
    assert answer.headers["content-type"].startswith("application/json")
    assert "data" in answer.json()


# --- whole-graph downloads --------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "media_type", "stem"),
    [
        ("nodes.csv", "text/csv; charset=utf-8", "nodes"),
        ("edges.csv", "text/csv; charset=utf-8", "edges"),
        ("graph.json", "application/json", "graph"),
        ("graph.graphml", "application/graphml+xml", "graph"),
    ],
)
def test_whole_graph_downloads(
    client: TestClient, real: KnowledgeGraph, file: str, media_type: str, stem: str
) -> None:
    response = client.get(f"/downloads/{file}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    extension = file.rsplit(".", 1)[1]
    assert response.headers["content-disposition"] == (
        f'attachment; filename="regkg-{stem}-{real.version}.{extension}"'
    )
    nodes, edges = real.graph.number_of_nodes(), real.graph.number_of_edges()
    if file == "nodes.csv":
        assert len(list(csv.DictReader(io.StringIO(response.text)))) == nodes
    elif file == "edges.csv":
        assert len(list(csv.DictReader(io.StringIO(response.text)))) == edges
    elif file == "graph.json":
        document = response.json()
        assert (len(document["nodes"]), len(document["edges"])) == (nodes, edges)
        assert document["dataVersion"] == real.version
    else:
        graph = nx.read_graphml(io.BytesIO(response.content), force_multigraph=True)
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
        assert graph.graph["dataVersion"] == real.version


def test_unknown_download_is_404(client: TestClient) -> None:
    response = client.get("/downloads/everything.zip")
    assert response.status_code == 404
    assert "nodes.csv" in response.json()["errors"][0]["message"]
