"""Time typical regkg queries layer by layer, on a synthetic data set.

    python bench/run.py            # 100 000 records
    python bench/run.py --quick    # 10 000 records, few iterations (well under a minute)
    python bench/run.py --nodes 30000 --seed 1

For each query the same question is asked, in one run, of:

- plain:    the graph/ functions that compute the answer, in this process;
- schema:   `schema.execute_sync`, in this process;
- http:     the full stack (uvicorn + server.create_app) in a subprocess on 127.0.0.1,
            a new variable set per request, so no request hits the response cache;
- cached:   one request repeated on the same keep-alive connection, served from the
            whole-response cache;
- baseline: the same request to a plain starlette + orjson endpoint returning the same
            bytes, served the same way: the ceiling that `cached` is compared with.

Nothing here asserts on timings: the issue's targets are printed as met or not met.
"""

from __future__ import annotations

import argparse
import base64
import gc
import os
import platform
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Final, TypeAlias

import httpx
import orjson
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graph import lookup, paths, provenance, selection
from graph.build import KnowledgeGraph
from graph.load import load_graph
from schema.app import build_schema
from schema.context import Context

if not __package__:  # run as `python bench/run.py`: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate, is_complete, plan

HOST: Final = "127.0.0.1"  # the only address this benchmark talks to
BENCH_DATA: Final = Path(__file__).resolve().parent / "data"  # git-ignored
HEADERS: Final = {"content-type": "application/json", "accept": "application/json"}
PAGE: Final = 100
READY_POLLS: Final = 6000  # x 0.1 s: loading 100 000 records takes a minute or two
POLL_SECONDS: Final = 0.1

Variables: TypeAlias = dict[str, str | None]
PlainQuery: TypeAlias = Callable[[KnowledgeGraph, Variables], object]


@dataclass(frozen=True)
class Budget:
    """How many times each layer is exercised, per query."""

    warmup: int  # calls before timing, per layer (first-request HTTP uses fresh variables)
    samples: int  # timed calls for plain, schema and first-request HTTP
    repeats: int  # timed identical requests, against regkg and against the baseline


QUICK: Final = Budget(warmup=5, samples=30, repeats=300)
FULL: Final = Budget(warmup=20, samples=200, repeats=2000)


@dataclass(frozen=True)
class Target:
    """One of the issue's latency targets, checked against a layer's p50."""

    label: str
    p50_ms: float


@dataclass(frozen=True)
class Case:
    """One typical question: its GraphQL document, its plain-function equivalent, and the
    distinct variable sets to ask it with (warm-up sets first)."""

    name: str
    query: str
    plain: PlainQuery
    variables: list[Variables]
    target: Target | None = None


@dataclass
class Result:
    """Seconds per call, by layer, and the repeated-request throughputs."""

    case: Case
    samples: dict[str, list[float]] = field(default_factory=dict)
    throughput: dict[str, float] = field(default_factory=dict)  # requests per second
    cost: int | None = None  # what the schema's cost limit charges the query
    response_bytes: int = 0  # size of the repeated request's answer


# --- the questions ------------------------------------------------------------------------

SUBSTANCE_QUERY: Final = """
query OneSubstance($id: String!) {
  substance(id: $id) {
    regkgId name synonyms usSchedule
    sources { quote source { regkgId title url } }
    actions {
      regkgId action date jurisdiction summary
      sources { quote source { regkgId title url } }
    }
  }
}
"""

TRIAL_QUERY: Final = """
query OneTrial($id: String!) {
  trial(id: $id) {
    regkgId registryId title phase status start
    sponsor { regkgId name }
    substances { regkgId name }
    conditions { regkgId name }
    sources { quote source { regkgId title url } }
  }
}
"""

TRIAL_PAGE_QUERY: Final = """
query TrialPage($after: String) {
  trials(first: 100, after: $after) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes {
      regkgId registryId title phase status start
      conditions { regkgId name }
      substances { regkgId name }
    }
  }
}
"""

NEIGHBOURHOOD_QUERY: Final = """
query Around($id: String!) {
  neighborhood(id: $id, depth: 2) {
    nodes { __typename regkgId }
    edges { source target relation }
  }
}
"""

SEARCH_QUERY: Final = """
query Find($text: String!) {
  search(text: $text, first: 10) { nodes { kind label matched score node { regkgId } } }
}
"""


def _text(value: str | None) -> str:
    if value is None:
        raise ValueError("this query needs a variable that was not given")
    return value


def _citations(kg: KnowledgeGraph, node_id: str) -> list[dict[str, object]]:
    return [
        {"quote": c.citation.quote, "source": {"regkgId": c.source, "title": c.title, "url": c.url}}
        for c in provenance.cited_sources(kg, node_id)
    ]


def _as_tuple(value: object) -> tuple[object, ...]:
    """A reference or list field as a tuple: absent is empty, one value is one item."""
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def _named(kg: KnowledgeGraph, ids: object) -> list[dict[str, object]]:
    return [{"regkgId": i, "name": kg.node(str(i))["name"]} for i in _as_tuple(ids)]


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


def plain_substance(kg: KnowledgeGraph, variables: Variables) -> object:
    substance = _text(variables["id"])
    attrs = lookup.node(kg, substance)
    actions = []
    for action in selection.actions(kg, substance=substance):
        found = kg.node(action)
        actions.append(
            {
                "regkgId": action,
                "action": found["action"],
                "date": _optional_text(found.get("date")),
                "jurisdiction": found["jurisdiction"],
                "summary": found["summary"],
                "sources": _citations(kg, action),
            }
        )
    return {
        "regkgId": substance,
        "name": attrs["name"],
        "synonyms": list(_as_tuple(attrs.get("synonyms"))),
        "usSchedule": attrs.get("us_schedule"),
        "sources": _citations(kg, substance),
        "actions": actions,
    }


def plain_trial(kg: KnowledgeGraph, variables: Variables) -> object:
    trial = _text(variables["id"])
    attrs = lookup.node(kg, trial)
    return {
        **_trial_fields(trial, attrs),
        "sponsor": next(iter(_named(kg, attrs.get("sponsor"))), None),
        "substances": _named(kg, attrs.get("substances")),
        "conditions": _named(kg, attrs.get("conditions")),
        "sources": _citations(kg, trial),
    }


def _trial_fields(trial: str, attrs: Mapping[str, object]) -> dict[str, object]:
    return {
        "regkgId": trial,
        "registryId": attrs["registry_id"],
        "title": attrs["title"],
        "phase": attrs.get("phase"),
        "status": attrs.get("status"),
        "start": _optional_text(attrs.get("start")),
    }


def _cursor(offset: int) -> str:
    """A page cursor in the API's format (schema.relay): the item to continue after."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _start_after(cursor: str | None) -> int:
    if cursor is None:
        return 0
    return int(base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")[2]) + 1


def plain_trial_page(kg: KnowledgeGraph, variables: Variables) -> object:
    ids = selection.trials(kg)
    start = _start_after(variables.get("after"))
    page = []
    for trial in ids[start : start + PAGE]:
        attrs = kg.node(trial)
        page.append(
            {
                **_trial_fields(trial, attrs),
                "conditions": _named(kg, attrs.get("conditions")),
                "substances": _named(kg, attrs.get("substances")),
            }
        )
    return {"totalCount": len(ids), "nodes": page}


def plain_neighbourhood(kg: KnowledgeGraph, variables: Variables) -> object:
    return paths.neighbourhood(kg, _text(variables["id"]), depth=2)


def plain_search(kg: KnowledgeGraph, variables: Variables) -> object:
    return kg.names.search(_text(variables["text"]), limit=10)


def _sample(rng: random.Random, population: Sequence[str], count: int) -> list[str]:
    return rng.sample(list(population), k=min(count, len(population)))


def _search_texts(kg: KnowledgeGraph, rng: random.Random, count: int) -> list[str]:
    """What readers type: exact names, the first words of a name, and misspellings
    (which fall through to the fuzzy scan)."""
    names = [str(kg.node(s)["name"]) for s in kg.by_kind["substance"]]
    conditions = [str(kg.node(c)["name"]) for c in kg.by_kind["condition"]]
    texts: list[str] = []
    for i in range(count * 3):  # bounded: duplicates are dropped below
        if i % 3 == 0:
            texts.append(rng.choice(names))
        elif i % 3 == 1:
            texts.append(" ".join(rng.choice(conditions).split()[:2]))
        else:
            name = rng.choice(names)
            cut = rng.randrange(1, len(name) - 1)
            texts.append(name[:cut] + name[cut + 1 :])  # one letter dropped
    return list(dict.fromkeys(texts))[:count]


def cases(kg: KnowledgeGraph, count: int, seed: int) -> list[Case]:
    """The typical questions, each with `count` distinct variable sets."""
    rng = random.Random(seed)
    substances = _sample(rng, kg.by_kind["substance"], count)
    trials = _sample(rng, kg.by_kind["trial"], count)
    last_page = max(len(kg.by_kind["trial"]) - PAGE, 1)
    offsets = rng.sample(range(last_page), k=min(count, last_page))
    centres = _sample(rng, kg.by_kind["substance"], count)
    one_entity = Target("one-entity query p50 <= 2 ms", 2.0)
    return [
        Case(
            "substance + actions + sources",
            SUBSTANCE_QUERY,
            plain_substance,
            [{"id": s} for s in substances],
            one_entity,
        ),
        Case(
            "trial + refs + sources",
            TRIAL_QUERY,
            plain_trial,
            [{"id": t} for t in trials],
            one_entity,
        ),
        Case(
            "page of 100 trials, nested",
            TRIAL_PAGE_QUERY,
            plain_trial_page,
            [{"after": _cursor(o)} for o in offsets],
            Target("100-item nested page p50 <= 20 ms", 20.0),
        ),
        Case(
            "two-hop neighbourhood",
            NEIGHBOURHOOD_QUERY,
            plain_neighbourhood,
            [{"id": c} for c in centres],
            Target("two-hop neighbourhood p50 <= 6 ms", 6.0),
        ),
        Case(
            "search (10 hits)",
            SEARCH_QUERY,
            plain_search,
            [{"text": t} for t in _search_texts(kg, rng, count)],
        ),
    ]


# --- timing --------------------------------------------------------------------------------


def time_calls(call: Callable[[Variables], object], variables: Sequence[Variables]) -> list[float]:
    """Seconds taken by `call` for each variable set, in order."""
    samples = []
    for values in variables:
        start = time.perf_counter()
        call(values)
        samples.append(time.perf_counter() - start)
    return samples


def time_layer(
    call: Callable[[Variables], object], variables: Sequence[Variables], budget: Budget
) -> list[float]:
    """Warm up on the first variable sets, then time the next `budget.samples` ones."""
    time_calls(call, variables[: budget.warmup])
    return time_calls(call, variables[budget.warmup : budget.warmup + budget.samples])


def time_repeated(
    calls: Mapping[str, Callable[[], object]], count: int, blocks: int = 10
) -> dict[str, tuple[list[float], float]]:
    """Seconds per call and calls per second for `count` identical calls to each of
    `calls`, alternating blocks between them so that a change in machine load during the
    run falls on all of them alike."""
    for call in calls.values():
        call()  # the first fills the response cache; it is not what is measured
    samples: dict[str, list[float]] = {name: [] for name in calls}
    elapsed = dict.fromkeys(calls, 0.0)
    per_block = max(1, count // blocks)
    for _ in range(blocks):
        for name, call in calls.items():
            begin = time.perf_counter()
            for _ in range(per_block):
                start = time.perf_counter()
                call()
                samples[name].append(time.perf_counter() - start)
            elapsed[name] += time.perf_counter() - begin
    return {name: (samples[name], len(samples[name]) / elapsed[name]) for name in calls}


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile, in milliseconds."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank] * 1000


# --- the in-process layers -----------------------------------------------------------------


@cache
def _schema() -> strawberry.Schema:
    # One schema for every in-process call, as the server builds one: building it is
    # not part of any query.
    return build_schema()


def run_in_process(kg: KnowledgeGraph, case: Case, budget: Budget, result: Result) -> None:
    schema = _schema()
    context = Context(kg)

    def through_schema(values: Variables) -> object:
        answer = schema.execute_sync(case.query, variable_values=values, context_value=context)
        if answer.errors:
            raise RuntimeError(f"{case.name}: {answer.errors[0].message}")
        return answer.data

    first = schema.execute_sync(
        case.query, variable_values=case.variables[0], context_value=context
    )
    result.cost = int((first.extensions or {}).get("cost", 0)) or None
    result.samples["plain"] = time_layer(lambda v: case.plain(kg, v), case.variables, budget)
    result.samples["schema"] = time_layer(through_schema, case.variables, budget)


# --- the HTTP layers -----------------------------------------------------------------------


def _body(case: Case, values: Variables) -> bytes:
    return orjson.dumps({"query": case.query, "variables": values})


def _post(client: httpx.Client, body: bytes) -> bytes:
    response = client.post("/graphql", content=body, headers=HEADERS)
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")
    return response.content


def _check_same_answer(kg: KnowledgeGraph, case: Case, served: bytes) -> None:
    """The server must answer what the schema answers in-process, or the timings compare
    different work."""
    payload = orjson.loads(served)
    local = _schema().execute_sync(
        case.query, variable_values=case.variables[0], context_value=Context(kg)
    )
    if payload.get("errors") or payload.get("data") != local.data:
        raise RuntimeError(f"{case.name}: the server's answer differs from the schema's")


def run_first_requests(
    client: httpx.Client, kg: KnowledgeGraph, case: Case, budget: Budget, result: Result
) -> bytes:
    """Time requests that miss the response cache; return the answer to the request that
    is repeated later, checked against the in-process schema's."""
    # Fresh variables for every request: the warm-up sets are disjoint from the timed
    # ones, and none of them is the repeated set (variables[0]), so none is cached.
    fresh = case.variables[1:]
    result.samples["http"] = time_layer(lambda v: _post(client, _body(case, v)), fresh, budget)
    served = _post(client, _body(case, case.variables[0]))
    _check_same_answer(kg, case, served)
    result.response_bytes = len(served)
    return served


def run_repeated(
    clients: Mapping[str, httpx.Client], case: Case, budget: Budget, result: Result
) -> None:
    """Time one request repeated against regkg (`cached`) and against the baseline."""
    body = _body(case, case.variables[0])
    calls = {name: partial(_post, client, body) for name, client in clients.items()}
    for name, (samples, rate) in time_repeated(calls, budget.repeats).items():
        result.samples[name], result.throughput[name] = samples, rate


def _table_key(body: bytes) -> str:
    # The request as parsed JSON with sorted keys: what a JSON endpoint would key on.
    return orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS).decode()


def baseline_app(table_file: Path) -> Starlette:
    """A plain starlette + orjson endpoint: parse the JSON body, return stored bytes."""
    table = {k: v.encode() for k, v in orjson.loads(table_file.read_bytes()).items()}

    async def graphql(request: Request) -> Response:
        key = orjson.dumps(orjson.loads(await request.body()), option=orjson.OPT_SORT_KEYS)
        return Response(table[key.decode()], media_type="application/json; charset=utf-8")

    async def health(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Starlette(
        routes=[Route("/graphql", graphql, methods=["POST"]), Route("/healthz", health)]
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(arguments: Sequence[str], log: Path) -> Iterator[tuple[str, float]]:
    """Run this script in `--serve` mode in a subprocess; yield its URL and how long it
    took to answer its health check. The subprocess is always stopped."""
    port = _free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "--serve", *arguments]
    with log.open("wb") as output:
        process = subprocess.Popen([*command, "--port", str(port)], stdout=output, stderr=output)
    try:
        url = f"http://{HOST}:{port}"
        yield url, _wait_ready(process, url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> float:
    start = time.perf_counter()
    with httpx.Client(base_url=url, trust_env=False, timeout=5.0) as client:
        for _ in range(READY_POLLS):
            if process.poll() is not None:
                tail = log.read_text("utf-8", "replace")[-2000:]
                raise RuntimeError(f"the server exited with {process.returncode}:\n{tail}")
            try:
                if client.get("/healthz").status_code == 200:
                    return time.perf_counter() - start
            except httpx.TransportError:
                pass  # not listening yet
            time.sleep(POLL_SECONDS)
    raise TimeoutError(f"{url} did not become ready")


def _client(url: str) -> httpx.Client:
    # trust_env=False: no proxy from the environment may route these requests elsewhere.
    return httpx.Client(base_url=url, trust_env=False, timeout=120.0)


def serve(kind: str, data: Path, port: int) -> None:
    """The `--serve` subprocess: regkg's own app, or the baseline over a response table."""
    import uvicorn

    from server import Settings, create_app

    app = create_app(Settings(data_dir=data)) if kind == "regkg" else baseline_app(data)
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


# --- the run ---------------------------------------------------------------------------------


def progress(message: str) -> None:
    """A line on stderr, so that a run of several minutes shows where it is."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def dataset(nodes: int, seed: int) -> Path:
    """The synthetic set for (`nodes`, `seed`), generated unless already on disk."""
    out = BENCH_DATA / f"n{nodes}-s{seed}"
    if is_complete(out, nodes, seed):
        progress(f"reusing {out}")
        return out
    start = time.perf_counter()
    generate(nodes, out, seed)
    progress(f"generated {out} in {time.perf_counter() - start:.1f} s")
    return out


def load(data: Path) -> tuple[KnowledgeGraph, float]:
    start = time.perf_counter()
    kg = load_graph(data)
    elapsed = time.perf_counter() - start
    # As server.create_app does: the loaded graph is never collected, so keep the
    # collector from walking it during the timings.
    gc.collect()
    gc.freeze()
    return kg, elapsed


def measure(
    kg: KnowledgeGraph, data: Path, budget: Budget, seed: int
) -> tuple[list[Result], dict[str, float]]:
    """Every layer of every case; and the two servers' start-up times."""
    results = [Result(c) for c in cases(kg, 1 + budget.warmup + budget.samples, seed)]
    progress("timing the plain and schema layers in-process")
    for result in results:
        run_in_process(kg, result.case, budget, result)
    progress("starting regkg (it loads the data again) and timing first requests")
    with tempfile.TemporaryDirectory(prefix="regkg-bench-") as scratch, ExitStack() as stack:
        logs = Path(scratch)
        regkg_url, regkg_ready = stack.enter_context(
            server(["regkg", "--data", str(data)], logs / "regkg.log")
        )
        regkg = stack.enter_context(_client(regkg_url))
        # The baseline serves exactly the bytes regkg answered, so it needs them first.
        table = {}
        for result in results:
            served = run_first_requests(regkg, kg, result.case, budget, result)
            table[_table_key(_body(result.case, result.case.variables[0]))] = served.decode()
        table_file = logs / "responses.json"
        table_file.write_bytes(orjson.dumps(table))
        baseline_url, baseline_ready = stack.enter_context(
            server(["baseline", "--data", str(table_file)], logs / "baseline.log")
        )
        baseline = stack.enter_context(_client(baseline_url))
        progress("timing repeated requests against regkg and the baseline")
        for result in results:
            run_repeated({"cached": regkg, "baseline": baseline}, result.case, budget, result)
    return results, {"regkg": regkg_ready, "baseline": baseline_ready}


# --- the report -----------------------------------------------------------------------------

LAYERS: Final = ("plain", "schema", "http", "cached", "baseline")


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


def latency_table(results: Sequence[Result]) -> list[str]:
    head = ["query (ms)", *(f"{layer} {q}" for layer in LAYERS for q in ("p50", "p90"))]
    widths = [30, *([11] * (len(head) - 1))]
    lines = [_row(head, widths)]
    for r in results:
        cells = [r.case.name]
        for layer in LAYERS:
            cells += [f"{percentile(r.samples[layer], q):.3f}" for q in (0.5, 0.9)]
        lines.append(_row(cells, widths))
    return lines


def ratio_table(results: Sequence[Result]) -> list[str]:
    head = [
        "query",
        "schema/plain",
        "http/schema",
        "cached req/s",
        "baseline req/s",
        "cached/baseline",
        "cost",
        "bytes",
    ]
    widths = [30, 12, 11, 12, 14, 15, 6, 7]
    lines = [_row(head, widths)]
    for r in results:
        p50 = {layer: percentile(r.samples[layer], 0.5) for layer in LAYERS}
        cached, base = r.throughput["cached"], r.throughput["baseline"]
        cells = [
            r.case.name,
            f"{p50['schema'] / p50['plain']:.1f}x",
            f"{p50['http'] / p50['schema']:.2f}x",
            f"{cached:.0f}",
            f"{base:.0f}",
            f"{cached / base:.2f}x",
            str(r.cost or "-"),
            str(r.response_bytes),
        ]
        lines.append(_row(cells, widths))
    return lines


def targets(results: Sequence[Result]) -> list[str]:
    """The issue's targets, judged on first-request HTTP p50 (what a client waits for),
    with the schema layer alongside; information, never a failure."""
    lines = []
    for r in results:
        target = r.case.target
        if target is None:
            continue
        http, schema = (percentile(r.samples[layer], 0.5) for layer in ("http", "schema"))
        lines.append(
            f"  {target.label:<36} {_verdict(http <= target.p50_ms):<8} http {http:.3f} ms, "
            f"schema {schema:.3f} ms ({_verdict(schema <= target.p50_ms)}): {r.case.name}"
        )
    worst = min(results, key=lambda r: r.throughput["cached"] / r.throughput["baseline"])
    ratio = worst.throughput["cached"] / worst.throughput["baseline"]
    lines.append(
        f"  {'repeated >= 0.7x starlette+orjson':<36} {_verdict(ratio >= 0.7):<8} "
        f"worst {ratio:.2f}x: {worst.case.name}"
    )
    return lines


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def describe(
    kg: KnowledgeGraph, load_seconds: float, startup: dict[str, float], busy: tuple[float, float]
) -> list[str]:
    counts = ", ".join(f"{k} {len(v)}" for k, v in kg.by_kind.items())
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        # Other processes on the machine skew every number; the load average says so.
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"1-minute load average {busy[0]:.2f} before, {busy[1]:.2f} after",
        f"graph: {kg.graph.number_of_nodes()} nodes, {kg.graph.number_of_edges()} edges ({counts})",
        f"load_graph: {load_seconds:.2f} s in-process (peak RSS {rss_mb:.0f} MB)",
        f"server ready after: regkg {startup['regkg']:.2f} s (process start + load), "
        f"baseline {startup['baseline']:.2f} s",
    ]


def report(results: Sequence[Result], header: Sequence[str], budget: Budget) -> str:
    return "\n".join(
        [
            *header,
            f"samples per layer: {budget.samples} (after {budget.warmup} warm-up), "
            f"repeats: {budget.repeats}",
            "",
            *latency_table(results),
            "",
            *ratio_table(results),
            "",
            "targets (information only):",
            *targets(results),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time regkg queries layer by layer.")
    parser.add_argument("--quick", action="store_true", help="10 000 records, few iterations")
    parser.add_argument("--nodes", type=int, help="records in the synthetic set")
    parser.add_argument("--seed", type=int, default=0, help="data and sampling seed")
    parser.add_argument("--serve", choices=("regkg", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.data, args.port)
        return 0
    nodes = args.nodes or (10_000 if args.quick else 100_000)
    budget = QUICK if args.quick else FULL
    data = dataset(nodes, args.seed)
    progress(f"loading {sum(plan(nodes).values())} records with load_graph")
    busy_before = os.getloadavg()[0]
    kg, load_seconds = load(data)
    results, startup = measure(kg, data, budget, args.seed)
    header = describe(kg, load_seconds, startup, (busy_before, os.getloadavg()[0]))
    print(report(results, header, budget))
    return 0


if __name__ == "__main__":
    sys.exit(main())
