"""End-to-end: a person's path through regkg in a real browser, with no internet.

regkg runs with uvicorn in a thread; each test runs one scenario of `scenarios.mjs`, which
drives Debian's headless Chromium (/usr/bin/chromium, or $REGKG_CHROMIUM) with
playwright-core, blocks and records every request that would leave the server, and saves
screenshots in test-artifacts/browser/. `python3 run.py test` installs Chromium and the
npm package; without them these tests are skipped with a loud reason, and under CI they
fail instead.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from graph.dates import PartialDate
from server import Settings
from tests.live import live_server
from web.pages import READY_QUESTIONS, WELCOME_QUERY

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
QUESTIONS = {q.id: q for q in READY_QUESTIONS}


@dataclass(frozen=True)
class Browser:
    node: str
    chromium: str


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"BROWSER TESTS CANNOT RUN: {message}. CI must install them (run.py test).")
    pytest.skip(f"BROWSER TESTS NOT RUN: {message}. `python3 run.py test` installs them.")


@pytest.fixture(scope="session")
def browser() -> Browser:
    chromium = os.environ.get("REGKG_CHROMIUM") or "/usr/bin/chromium"
    if not os.access(chromium, os.X_OK):
        found = shutil.which("chromium") or shutil.which("chromium-browser")
        if found is None:
            _unavailable(f"no Chromium at {chromium} (apt-get install chromium)")
        chromium = str(found)
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        _unavailable("no node (Node.js 20 or newer)")
    assert node is not None
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        if npm is None:
            _unavailable("playwright-core is not installed and there is no npm")
        assert npm is not None
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            _unavailable(f"npm ci failed in tests/browser: {done.stderr.strip()[-500:]}")
    return Browser(node, chromium)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """regkg on the bundled data, served by uvicorn in a thread on a free local port."""
    with live_server(Settings()) as url:
        yield url


PHONE = "390x844"  # an iPhone's width, in CSS pixels
NOT_RECORDED = "not recorded in the sources read"


def scenario(
    browser: Browser, base_url: str, name: str, argument: str = "", viewport: str = "1280x900"
) -> Any:
    """Run one scenario at a viewport's size (`WIDTHxHEIGHT`); fail with its error, and with
    any request that left the server."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [browser.node, "scenarios.mjs", name, base_url, str(ARTIFACTS), argument],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "REGKG_CHROMIUM": browser.chromium, "REGKG_VIEWPORT": viewport},
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"scenario {name} printed nothing:\n{done.stderr}"
    report = json.loads(lines[-1])
    assert report["ok"], f"scenario {name} failed:\n{report.get('error')}\n{done.stderr}"
    assert report["external"] == [], f"requests left the server: {report['external']}"
    assert report["pageErrors"] == [], f"errors in the page: {report['pageErrors']}"
    assert report["consoleErrors"] == [], f"errors in the console: {report['consoleErrors']}"
    assert report["requests"] > 0
    for path in report["screenshots"]:
        assert Path(path).stat().st_size > 10_000, f"{path} is nearly empty"
    return report["seen"]


def test_graphiql_loads_with_the_explorer_and_ready_questions_offline(
    browser: Browser, base_url: str
) -> None:
    seen = scenario(browser, base_url, "graphiql")
    assert seen["title"] == "regkg: ask the graph"
    assert seen["questions"] == [q.id for q in READY_QUESTIONS]
    assert seen["explorerFields"] == ["regulatoryStatus", "trials", "conflicts", "timeline"]
    assert seen["version"]


def test_a_ready_question_runs_in_a_new_tab_and_lands_in_the_url(
    browser: Browser, base_url: str
) -> None:
    seen = scenario(browser, base_url, "question")
    status = seen["result"]["data"]["regulatoryStatus"]
    assert status["phase"] == "NOT_APPROVED"
    assert status["phaseSetBy"]["date"] == "2024-08-09"
    assert status["phaseSetBy"]["sources"][0]["source"]["url"].startswith("https://")
    assert seen["editor"] == QUESTIONS["status-now"].query
    assert parse_qs(urlsplit(seen["url"]).query)["query"] == [QUESTIONS["status-now"].query]
    # The question took a tab of its own; the first tab still holds what was there.
    assert seen["tabsAfter"] == max(seen["tabsBefore"], 1) + 1
    assert seen["firstTab"] == seen["welcome"] == WELCOME_QUERY
    assert "the Explorer (the folder\n# icon with a plus" in seen["welcome"]
    assert seen["headings"] == ["Ask regkg a question (GraphiQL)"]


def test_csv_button_downloads_the_rows(browser: Browser, base_url: str) -> None:
    seen = scenario(browser, base_url, "csv")
    answer = seen["result"]["data"]["regulatoryActions"]
    # The button's file starts with a byte-order mark, so that Excel reads it as UTF-8;
    # Python's csv module reads it with the utf-8-sig codec.
    assert seen["bom"]
    with Path(seen["path"]).open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == answer["totalCount"] == len(answer["nodes"])
    version = rows[0]["dataVersion"]
    assert seen["filename"] == f"regkg-regulatoryActions-{version}.csv"
    assert f"({len(rows)} rows)" in seen["message"]
    assert [r["date"] for r in rows] == [n["date"] or "" for n in answer["nodes"]]
    mdma = next(r for r in rows if r["substance.name"] == "MDMA")
    assert (mdma["date"], mdma["announced"], mdma["disclosure"]) == (
        "2017-08-16",
        "2017-08-26",
        "SPONSOR",
    )
    assert mdma["sponsorNameThen"] == "Multidisciplinary Association for Psychedelic Studies"
    assert (mdma["datePrecision"], mdma["announcedPrecision"]) == ("day", "day")
    # Each row's own sources, and its substance's and condition's in their own columns.
    assert all(r["sourceUrls"].startswith("http") for r in rows)
    assert mdma["substance.sourceUrls"]
    assert not set(mdma["sourceUrls"].split(" | ")) & {""}
    assert {r["dataVersion"] for r in rows} == {version}


def test_a_shared_link_opens_and_follows_edits(browser: Browser, base_url: str) -> None:
    query = QUESTIONS["status-then"].query
    seen = scenario(browser, base_url, "link", query)
    assert seen["opened"] == query
    # The link answers on opening, with no click on Run.
    assert seen["answered"]["data"]["regulatoryStatus"]["phase"] == "INVESTIGATIONAL"
    assert seen["edited"] == "# checked for the story\n" + query
    assert seen["reopened"] == seen["edited"]


def test_explore_draws_the_neighbourhood_and_expands_a_node(
    browser: Browser, base_url: str
) -> None:
    seen = scenario(browser, base_url, "explore")
    before, after, target = seen["before"], seen["after"], seen["target"]
    assert before["nodes"] > 20
    assert before["edges"] >= before["nodes"] - 1
    assert {"Substance", "RegulatoryAction", "Trial", "Organisation"} <= set(before["kinds"])
    assert before["colours"] == len(before["kinds"])  # one colour per kind
    assert before["legend"] >= len(before["kinds"])
    assert before["sourceLinks"] > 0
    assert after["nodes"] > before["nodes"], f"clicking {target['id']} drew nothing new"
    assert after["sourceLinks"] > 0
    keyboard = seen["keyboard"]
    assert keyboard["entity"] == "trial:NCT03537014"
    # The trial's registry record names no status and no sponsor: the page says so.
    assert ["status", NOT_RECORDED] in keyboard["notRecorded"]
    assert ["sponsor", NOT_RECORDED] in keyboard["notRecorded"]
    assert keyboard["headings"] == ["Explore the graph"]
    assert parse_qs(urlsplit(seen["url"]).query)["id"] == ["trial:NCT03537014"]
    # "Ask in GraphiQL" lands on the answer, with no click on Run.
    entity = seen["asked"]["data"]["entity"]
    assert entity["regkgId"] == "trial:NCT03537014"
    assert entity["sources"][0]["source"]["url"].startswith("http")


def test_timeline_shows_the_mdma_story_in_order(browser: Browser, base_url: str) -> None:
    seen = scenario(browser, base_url, "timeline")
    entries = seen["entries"]
    assert seen["title"] == "MDMA: the story"
    assert seen["marks"] == len(entries) > 20
    dates = [PartialDate.parse(e["date"]) for e in entries]
    assert dates == sorted(dates)
    assert dates[0].year <= 2017
    assert dates[-1].year >= 2025
    order = [e["node"] for e in entries]
    story = ["action:mdma-ptsd-btd", "action:mdma-ptsd-nda-submitted", "action:mdma-ptsd-crl"]
    positions = [order.index(node) for node in story]
    assert positions == sorted(positions)
    for entry in entries:
        assert entry["sources"], f"{entry['node']} on {entry['date']} links no source"
        assert all(url.startswith("http") for url in entry["sources"])
    assert {"US · PTSD", "AU · PTSD", "Trials and results"} <= set(seen["lanes"])
    assert {"Breakthrough", "Application", "Rejected (CRL)"} <= set(seen["milestones"])
    assert seen["target"]["inView"]
    assert "complete response letter" in seen["target"]["text"]
    assert seen["lede"].startswith("Status today: Not approved")


# --- at a phone's width -------------------------------------------------------------------


def _below_the_bar(layout: dict[str, Any], *names: str) -> None:
    """The navigation bar ends before each named box starts: it covers none of them."""
    for name in names:
        assert layout[name]["top"] >= layout["bar"]["bottom"] - 0.5, (name, layout)


def _within_the_screen(layout: dict[str, Any], *names: str) -> None:
    width = layout["viewport"]["width"]
    assert layout["scrollWidth"] <= width, "the page scrolls sideways"
    for name in names:
        assert layout[name]["left"] >= 0, (name, layout)
        assert layout[name]["right"] <= width + 0.5, (name, layout)


def test_phone_graphiql_shows_the_answer_and_the_download_buttons(
    browser: Browser, base_url: str
) -> None:
    seen = scenario(browser, base_url, "phone-graphiql", QUESTIONS["status-now"].query, PHONE)
    assert seen["result"]["data"]["regulatoryStatus"]["phase"] == "NOT_APPROVED"
    layout = seen["layout"]
    assert layout["viewport"]["width"] == 390
    _below_the_bar(layout, "main")
    _within_the_screen(layout, "editor", "answer", "csv", "json")
    height = layout["viewport"]["height"]
    # Stacked: the answer under the editor, full width, and on screen with its buttons.
    assert layout["answer"]["top"] >= layout["editor"]["bottom"] - 1
    assert layout["answer"]["width"] > 300
    assert layout["answer"]["top"] < height
    for button in ("csv", "json"):
        assert layout[button]["bottom"] <= height, (button, layout)


def test_phone_explore_draws_the_graph_at_full_width(browser: Browser, base_url: str) -> None:
    seen = scenario(browser, base_url, "phone-explore", viewport=PHONE)
    layout = seen["layout"]
    assert seen["nodes"] > 20
    _below_the_bar(layout, "canvas")
    _within_the_screen(layout, "canvas", "side", "details")
    assert layout["canvas"]["width"] >= 0.95 * layout["viewport"]["width"]
    assert layout["canvas"]["height"] >= 0.5 * layout["viewport"]["height"]
    assert layout["side"]["top"] >= layout["canvas"]["bottom"] - 1
    assert seen["headings"] == ["Explore the graph"]


def test_phone_timeline_is_readable(browser: Browser, base_url: str) -> None:
    seen = scenario(browser, base_url, "phone-timeline", viewport=PHONE)
    layout = seen["layout"]
    _below_the_bar(layout, "form", "title")
    _within_the_screen(layout, "form", "title", "chart")
    # Chart labels at their own size (no 8 px text): the chart scrolls in its own box.
    assert seen["smallestText"] >= 10
    assert seen["chartScrolls"]
    for select in seen["selects"]:
        assert select["left"] >= 0
        assert select["right"] <= 390
    assert seen["entryWidth"] <= 390


def test_phone_downloads_page_gives_this_servers_address(browser: Browser, base_url: str) -> None:
    seen = scenario(browser, base_url, "phone-downloads", viewport=PHONE)
    assert f"curl -G {base_url}/graphql" in seen["curl"]
    assert {"/downloads/trials.csv", "/downloads/nodes.csv"} <= set(seen["files"])
    _below_the_bar(seen["layout"], "main")
    _within_the_screen(seen["layout"], "main")
