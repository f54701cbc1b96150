"""Where an uncached GraphQL answer spends its time, beside the plain functions' answer.

    python bench/profile_query.py                       # bench/data/n10000-s0, every case
    python bench/profile_query.py --data DIR --case page --profile --top 40

For each question of bench/cases.py, in this one process and on distinct variables (so
that every request misses the response cache, as the uncached benchmark does): the time of
what a worker thread runs for an uncached request (`GraphQLEndpoint._execute`: execution
and rendering to bytes) over the plain graph/ functions' answer serialised with orjson,
and, with `--profile`, a cProfile of the GraphQL side. No HTTP is involved: this is the
per-field and per-request cost of the schema alone. The ratios printed by bench/run.py
(over HTTP, both servers) are the ones the targets are judged by.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

if not __package__:  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cases
from graph.build import KnowledgeGraph
from graph.load import load_graph
from graph.snapshot import default_path
from schema.app import build_schema
from web.executions import Executions, LaneLimits
from web.graphql_http import JSON, GraphQLEndpoint, GraphQLParams

ROOT = Path(__file__).resolve().parent.parent
SHORT_NAMES = {"substance": 0, "trial": 1, "page": 2, "neighbourhood": 3, "search": 4}


def _endpoint(kg: KnowledgeGraph) -> GraphQLEndpoint:
    lanes = Executions(200, LaneLimits(1, 1), LaneLimits(1, 1))
    return GraphQLEndpoint(build_schema(), graph=lambda _: kg, ide_html="", executions=lanes)


def _graphql(
    endpoint: GraphQLEndpoint, kg: KnowledgeGraph, case: cases.Case
) -> Callable[..., object]:
    def run(variables: cases.Variables) -> object:
        params = GraphQLParams(case.query, None, dict(variables), None)
        answer = endpoint._execute(params, kg, JSON)
        if b'"errors"' in answer.body:
            raise SystemExit(f"{case.name}: {answer.body[:300]!r}")
        return answer

    return run


def _plain(kg: KnowledgeGraph, case: cases.Case) -> Callable[..., object]:
    def run(variables: cases.Variables) -> object:
        return orjson.dumps({"data": case.plain(kg, variables)})

    return run


def _seconds(
    graphql: Callable[[cases.Variables], object],
    plain: Callable[[cases.Variables], object],
    variables: list[cases.Variables],
) -> tuple[float, float]:
    """The median CPU time of one request over `variables`, each side, taking turns: CPU
    time of this thread, as other processes on the machine move wall-clock times a lot."""
    times: tuple[list[float], list[float]] = ([], [])
    for v in variables:
        for run, kept in ((graphql, times[0]), (plain, times[1])):
            start = time.thread_time()
            run(v)
            kept.append(time.thread_time() - start)
    ours, theirs = (sorted(t)[len(t) // 2] for t in times)
    return ours, theirs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data" / "n10000-s0")
    parser.add_argument("--case", choices=sorted(SHORT_NAMES), action="append")
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--profile", action="store_true", help="cProfile the GraphQL side")
    parser.add_argument("--top", type=int, default=30, help="profile lines to print")
    parser.add_argument("--sort", default="tottime", help="profile order (tottime, cumtime)")
    parser.add_argument("--save", type=Path, help="also write the profile to this file")
    args = parser.parse_args(argv)

    kg = load_graph(args.data, snapshot=default_path(args.data))
    endpoint = _endpoint(kg)
    gc.collect()
    gc.freeze()  # as the server does: the loaded graph is never scanned again
    chosen = [
        SHORT_NAMES[c] for c in args.case or sorted(SHORT_NAMES, key=lambda name: SHORT_NAMES[name])
    ]
    wanted = cases.variables(kg, count=args.samples * 2, load=0, seed=0)
    for index in chosen:
        case = cases.CASES[index]
        variables = wanted[case.name]
        graphql, plain = _graphql(endpoint, kg, case), _plain(kg, case)
        for v in variables[:5]:  # warm the document cache and the graph's own caches
            graphql(v)
            plain(v)
        timed = variables[5 : 5 + args.samples]
        ours, theirs = _seconds(graphql, plain, timed)
        print(
            f"{case.name:32} graphql {ours * 1000:7.2f} ms  plain {theirs * 1000:7.2f} ms  "
            f"x{ours / theirs:5.1f}"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for v in timed:
                graphql(v)
            profiler.disable()
            if args.save is not None:
                profiler.dump_stats(args.save)
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
