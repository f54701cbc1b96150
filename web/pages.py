"""The pages a person opens in a browser: GraphiQL with ready questions, the graph explorer,
the timeline, the downloads list and the front page.

Every script and stylesheet is served by regkg itself from `/static/` (the libraries are
vendored in `web/static/vendor/` by `frontend/vendor.mjs`), so the pages work with no
internet: nothing is loaded from anywhere else.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

from web.downloads import GRAPH_FILES
from web.export import MAX_ROWS

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
VENDOR: Final = "/static/vendor"


@dataclass(frozen=True)
class ReadyQuestion:
    """A question a journalist can open in GraphiQL with one click."""

    id: str
    title: str
    explanation: str
    query: str
    variables: str | None = None

    def link(self) -> str:
        """The shareable GraphiQL link that opens this question."""
        params = {"query": self.query}
        if self.variables:
            params["variables"] = self.variables
        return "/graphql?" + urlencode(params)


_SOURCES = "sources { quote source { publisher published url } }"

READY_QUESTIONS: Final[tuple[ReadyQuestion, ...]] = (
    ReadyQuestion(
        id="status-now",
        title="Is MDMA approved for PTSD in the US?",
        explanation="Its regulatory status today: the decision that set it, what is still in "
        "force, and the sources for each.",
        query=f"""# What is the regulatory status of MDMA for PTSD in the United States today?
# `summary` says it in one sentence; `phaseSetBy` is the action that decided it.
query CurrentStatus {{
  regulatoryStatus(substance: "MDMA", condition: "PTSD", jurisdiction: "US") {{
    asOf
    phase
    summary
    phaseSetBy {{
      date
      summary
      {_SOURCES}
    }}
    inForce {{
      action
      date
      summary
      {_SOURCES}
    }}
  }}
}}
""",
    ),
    ReadyQuestion(
        id="status-then",
        title="What was MDMA's status on 1 June 2023?",
        explanation="The same question on a past date: change `asOf` to any day.",
        query=f"""# What was the status of MDMA for PTSD in the US on 1 June 2023?
# Change `asOf` to any day (YYYY-MM-DD).
query StatusOnADate {{
  regulatoryStatus(substance: "MDMA", condition: "PTSD", jurisdiction: "US", asOf: "2023-06-01") {{
    asOf
    phase
    summary
    inForce {{
      action
      date
      announced
      disclosure
      {_SOURCES}
    }}
  }}
}}
""",
    ),
    ReadyQuestion(
        id="breakthroughs",
        title="Every FDA breakthrough therapy designation",
        explanation="With dates and sponsors. The FDA does not publish designations: dates come "
        "from sponsors, and where only the announcement is known `date` is empty.",
        query=f"""# Every FDA breakthrough therapy designation in regkg, oldest first.
# The FDA does not publish these: `disclosure` says who made each one public, and where
# only the announcement is known, `date` is null and `announced` holds its date.
query BreakthroughDesignations {{
  regulatoryActions(
    filter: {{kinds: [BREAKTHROUGH_THERAPY_DESIGNATION], agency: "FDA"}}
    first: 50
  ) {{
    totalCount
    nodes {{
      date
      announced
      disclosure
      substance {{ name }}
      condition {{ name }}
      sponsorNameThen
      {_SOURCES}
    }}
  }}
}}
""",
    ),
    ReadyQuestion(
        id="trials",
        title="MDMA trials, with enrollment",
        explanation="Registered trials of MDMA by start date, with phase, enrollment (actual "
        "or estimated) and the registry page.",
        query="""# Clinical trials of MDMA, by start date, with how many people they enrolled.
# `enrollmentType` says whether the number is ACTUAL or ESTIMATED.
query MdmaTrials {
  trials(filter: {substance: "MDMA"}, order: START_ASC, first: 50) {
    totalCount
    nodes {
      registryId
      acronym
      title
      phase
      status
      enrollment
      enrollmentType
      start
      sponsor { name }
      registryUrl
      sources { source { publisher url } }
    }
  }
}
""",
    ),
    ReadyQuestion(
        id="conflicts",
        title="Where do sources disagree?",
        explanation="Each disagreement between sources, how regkg settles it, and every "
        "claim with its quotes. Add `status: OPEN` for the unsettled ones.",
        query=f"""# Where sources disagree: each conflict, how it stands, and the claims made
# Try `conflicts(status: OPEN)` for the ones still unsettled.
query Disagreements {{
  conflicts {{
    question
    status
    resolution
    claims {{
      statement
      status
      {_SOURCES}
    }}
  }}
}}
""",
    ),
    ReadyQuestion(
        id="connection",
        title="How is ecstasy connected to Lykos Therapeutics?",
        explanation="The shortest chains of facts between two entities. Any two regkg ids "
        "work (see the explore page).",
        query="""# How are two entities connected? The shortest paths between them, step by step.
# Use any two regkg ids: `substance:mdma`, `organisation:fda`, `trial:NCT03537014`...
query HowConnected {
  path(from: "substance:ecstasy", to: "organisation:lykos") {
    length
    steps {
      relation
      source { regkgId ...Name }
      target { regkgId ...Name }
    }
  }
}

fragment Name on Node {
  ... on Substance { name }
  ... on Organisation { name }
  ... on Condition { name }
  ... on Trial { acronym registryId }
  ... on RegulatoryAction { action summary }
}
""",
    ),
    ReadyQuestion(
        id="changes",
        title="What changed since 1 June 2024?",
        explanation="Regulatory actions dated on or after a day, newest first, and what "
        "regkg's records gained or lost since then: set `since` to the date of your last "
        "story.",
        query=f"""# What changed since a date? Set both `since` to the date of your last story.
# regulatoryActions: decisions dated on or after it, newest first.
# changes: what regkg's own records gained, lost or corrected since then (as its registry
# syncs and imports recorded it), field by field, with the citations added.
query ChangedSince {{
  regulatoryActions(filter: {{since: "2024-06-01"}}, order: DATE_DESC, first: 50) {{
    totalCount
    nodes {{
      date
      announced
      action
      summary
      substance {{ name }}
      condition {{ name }}
      agency {{ name }}
      {_SOURCES}
    }}
  }}
  changes(since: "2024-06-01", first: 50) {{
    totalCount
    nodes {{
      recorded
      change
      kind
      label
      fields {{ field old new }}
      citationsAdded {{ quote source {{ publisher url }} }}
    }}
  }}
}}
""",
    ),
    ReadyQuestion(
        id="story",
        title="The MDMA story, in order",
        explanation="Every dated action, event and trial milestone for MDMA in PTSD, oldest "
        "first. See it drawn on the timeline page.",
        query="""# The MDMA story: everything dated about MDMA for PTSD, oldest first.
# Open /timeline?substance=MDMA to see it drawn.
query MdmaStory {
  timeline(substance: "MDMA", condition: "PTSD") {
    date
    what
    label
    node { regkgId }
  }
}
""",
    ),
)


WELCOME_QUERY: Final = """# Welcome to regkg: regulatory facts,
# each with its sources.
#
# Click a ready question on the left:
# it opens in a new tab and runs. Or
# write your own: Ctrl-Space suggests
# fields, and the Explorer (the folder
# icon with a plus, on the left) lets
# you click a query together. Run it
# with Ctrl-Enter or the pink button.
#
# "Download CSV" under the answer saves
# it with source URLs and the data
# version. The address bar always links
# to the question on screen: share it.

query StatusToday {
  regulatoryStatus(substance: "MDMA", condition: "PTSD", jurisdiction: "US") {
    phase
    summary
  }
}
"""


def _nav(current: str) -> str:
    links = [
        ("/graphql", "Ask (GraphiQL)"),
        ("/explore", "Explore the graph"),
        ("/timeline", "Timeline"),
        ("/downloads", "Downloads"),
    ]
    current_mark = ' aria-current="page"'
    items = "".join(
        f'<a href="{href}"{current_mark if href == current else ""}>{label}</a>'
        for href, label in links
    )
    return (
        '<header class="regkg-bar"><a class="regkg-brand" href="/">regkg</a>'
        f'<nav>{items}</nav><span class="regkg-version" id="regkg-version"></span></header>'
    )


def _page(
    title: str,
    current: str,
    body: str,
    scripts: Sequence[str] = (),
    styles: Sequence[str] = (),
    body_class: str = "",
) -> str:
    links = "".join(f'<link rel="stylesheet" href="{s}">' for s in (*styles, "/static/regkg.css"))
    # regkg.js (shared helpers, the data version in the bar) needs no library: load it first.
    ordered = ("/static/regkg.js", *(s for s in scripts if s != "/static/regkg.js"))
    tags = "".join(f'<script src="{s}"></script>' for s in ordered)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">{links}</head>
<body class="{body_class}">{_nav(current)}
{body}
{tags}</body></html>
"""


def _json_script(element_id: str, value: object) -> str:
    text = json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def graphiql_html() -> str:
    """GraphiQL, the explorer plugin and the ready questions, all served from /static/."""
    questions = [{**asdict(q), "link": q.link()} for q in READY_QUESTIONS]
    body = (
        '<h1 class="regkg-hidden-heading">Ask regkg a question (GraphiQL)</h1>'
        '<main id="graphiql" class="regkg-graphiql">Loading GraphiQL...</main>'
        + _json_script("ready-questions", questions)
        + _json_script("welcome-query", WELCOME_QUERY)
    )
    return _page(
        "regkg: ask the graph",
        "/graphql",
        body,
        scripts=(
            f"{VENDOR}/react/react.production.min.js",
            f"{VENDOR}/react-dom/react-dom.production.min.js",
            f"{VENDOR}/graphiql/graphiql.min.js",
            f"{VENDOR}/graphiql-plugin-explorer/index.umd.js",
            "/static/regkg.js",
            "/static/graphiql-page.js",
        ),
        styles=(
            f"{VENDOR}/graphiql/graphiql.min.css",
            f"{VENDOR}/graphiql-plugin-explorer/style.css",
        ),
        body_class="regkg-full",
    )


def explore_html() -> str:
    """The neighbourhood explorer: cytoscape.js draws the graph around one entity."""
    body = """<main class="regkg-explore">
<aside class="regkg-side" aria-label="Find an entity">
  <h1>Explore the graph</h1>
  <form id="explore-search" class="regkg-search" role="search">
    <label for="explore-text">Find a substance, condition, trial, organisation...</label>
    <input id="explore-text" name="text" type="search" placeholder="e.g. MDMA, PTSD, Lykos"
      autocomplete="off">
  </form>
  <ol id="explore-hits" class="regkg-hits"></ol>
  <h2 id="explore-nodes-title">Entities drawn</h2>
  <p class="regkg-hint">Tab to one and press Enter to open it, as a click on the graph does.</p>
  <ol id="explore-nodes" class="regkg-node-list" aria-labelledby="explore-nodes-title"></ol>
  <h2>Colours</h2>
  <ul id="explore-legend" class="regkg-legend"></ul>
  <p class="regkg-hint">Click a node to open its details and draw its neighbours. Drag to
  move, scroll to zoom.</p>
</aside>
<section class="regkg-canvas-wrap">
  <div id="explore-status" class="regkg-status" role="status"></div>
  <div id="explore-graph" class="regkg-canvas" aria-label="Graph of the entity's neighbourhood">
  </div>
</section>
<aside id="explore-details" class="regkg-details" aria-live="polite">
  <p class="regkg-hint">Details and sources of the selected node appear here.</p>
</aside>
</main>"""
    return _page(
        "regkg: explore the graph",
        "/explore",
        body,
        scripts=(f"{VENDOR}/cytoscape/cytoscape.min.js", "/static/regkg.js", "/static/explore.js"),
        body_class="regkg-full regkg-scrolls",
    )


def timeline_html() -> str:
    """A substance's regulatory story drawn on a time axis, one lane per condition and
    jurisdiction, every entry linked to its sources."""
    body = """<main class="regkg-timeline">
<form id="timeline-form" class="regkg-controls">
  <label>Substance <select id="timeline-substance" name="substance"></select></label>
  <label>Condition <select id="timeline-condition" name="condition">
    <option value="">All conditions</option></select></label>
  <label>Jurisdiction <select id="timeline-jurisdiction" name="jurisdiction">
    <option value="">All</option></select></label>
  <label class="regkg-check"><input id="timeline-trials" name="trials" type="checkbox" checked>
    Trial milestones</label>
</form>
<h1 id="timeline-title">Timeline</h1>
<p id="timeline-summary" class="regkg-lede"></p>
<div id="timeline-status" class="regkg-status" role="status"></div>
<figure class="regkg-chart-wrap"><div id="timeline-chart"></div>
<figcaption>Each mark is one dated entry; a bar spans a date known only to the month or year.
Click a mark to jump to its sources below.</figcaption></figure>
<ol id="timeline-list" class="regkg-entries"></ol>
</main>"""
    return _page(
        "regkg: timeline",
        "/timeline",
        body,
        scripts=("/static/regkg.js", "/static/timeline.js"),
    )


def downloads_html(version: str, counts: Sequence[tuple[str, int]], base_url: str) -> str:
    """The whole-graph downloads and how to export one answer; `base_url` is this server's
    own address, for the example to work as pasted."""
    rows = "".join(
        f'<li><a href="/downloads/{html.escape(name)}" download>{html.escape(name)}</a>: '
        f"{html.escape(spec.what)}</li>"
        for name, spec in GRAPH_FILES.items()
    )
    kinds = ", ".join(f"{count} {html.escape(kind)}" for kind, count in counts)
    endpoint = html.escape(base_url.rstrip("/") + "/graphql")
    body = f"""<main class="regkg-prose">
<h1>Download the data</h1>
<p>Data version <code>{html.escape(version)}</code> ({kinds}). Every file carries the data
version in its name and inside it: cite it with the data. Columns use the API's names
(<code>registryId</code>, <code>BREAKTHROUGH_THERAPY_DESIGNATION</code>): a column is the
field to ask for in GraphQL.</p>
<ul class="regkg-downloads">{rows}</ul>
<h2>One answer as a spreadsheet</h2>
<p>In <a href="/graphql">GraphiQL</a>, run a question and press <strong>Download CSV</strong>
under the answer (a UTF-8 file that Excel opens as such). Over HTTP, add
<code>format=csv</code> (or <code>format=json</code>) to a GraphQL GET request:</p>
<pre id="curl-example">curl -G {endpoint} -d format=csv -o trials.csv \\
  --data-urlencode 'query={{trials(filter:{{substance:"MDMA"}}){{nodes{{registryId}}}}}}'</pre>
<p>Each row is one item of the first list in the answer (add <code>list=trials.nodes</code>
to pick another), to the end of the list, up to {MAX_ROWS:,} rows; nested fields become
columns such as <code>sponsor.name</code>; a nested list's values are joined with
<code>|</code> in order; each date has its precision beside it. The row's own sources are in
<code>sourceUrls</code>, best kind first, and each related entity's under its path
(<code>sponsor.sourceUrls</code>); then <code>dataVersion</code>. A file that leaves
something out says so in its last line, which starts with <code>#</code>.</p>
</main>"""
    return _page("regkg: downloads", "/downloads", body)


def front_page_html(version: str, count: int) -> str:
    """What regkg is, with links to everything a person can open."""
    questions = "".join(
        f'<li><a href="{html.escape(q.link())}">{html.escape(q.title)}</a></li>'
        for q in READY_QUESTIONS
    )
    body = f"""<main class="regkg-prose">
<h1>regkg</h1>
<p>A regulatory-status knowledge graph: substances, conditions, clinical trials and regulatory
actions, every fact with its source.</p>
<ul>
<li><a href="/graphql">Ask it (GraphiQL)</a>: ready questions, or click your own together;
download any answer as CSV.</li>
<li><a href="/explore?id=substance:mdma">Explore the graph</a>: click through an entity's
neighbours and sources.</li>
<li><a href="/timeline?substance=MDMA">The MDMA timeline</a>: the story from 2014 on.</li>
<li><a href="/downloads">Downloads</a>: the whole graph as CSV, JSON or GraphML.</li>
<li><a href="/schema.graphql">schema.graphql</a>: the schema in SDL;
<a href="/healthz">/healthz</a>: health check.</li>
</ul>
<h2>Ready questions</h2>
<ol>{questions}</ol>
<p>Data version <code>{html.escape(version)}</code>, {count} entities.</p>
</main>"""
    return _page("regkg", "/", body)
