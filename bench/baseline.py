"""The plain endpoint regkg is compared with: starlette + orjson over the same loaded
graph, no GraphQL. Run by bench/run.py as its own server process:

    python bench/baseline.py --data DIR --port PORT

- ``POST /plain/{case}``: computes the answer of `cases.CASES[case]` with the plain
  graph/ functions from the body's ``variables``, serialised with orjson: the uncached
  ceiling;
- ``PUT /stored/{case}`` keeps the bytes sent; ``POST /stored/{case}`` parses the JSON
  body and answers those bytes: the ceiling for a cached answer;
- ``GET /variables?count=N&load=L&seed=S``: distinct variables (`cases.variables`), so
  that the benchmark process never loads the graph itself.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

if not __package__:  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cases
from graph.build import KnowledgeGraph
from graph.load import load_graph
from graph.snapshot import default_path

JSON = "application/json"


def baseline_app(kg: KnowledgeGraph) -> Starlette:
    stored: dict[int, bytes] = {}

    async def plain(request: Request) -> Response:
        case = cases.CASES[request.path_params["case"]]
        variables = orjson.loads(await request.body())["variables"]
        return Response(orjson.dumps({"data": case.plain(kg, variables)}), media_type=JSON)

    async def store(request: Request) -> Response:
        name = request.path_params["case"]
        if request.method == "PUT":
            stored[name] = await request.body()
            return Response(b"{}", media_type=JSON)
        orjson.loads(await request.body())  # what any JSON endpoint does with a request
        return Response(stored[name], media_type=JSON)

    async def variables(request: Request) -> Response:
        wanted = {k: int(request.query_params[k]) for k in ("count", "load", "seed")}
        return Response(orjson.dumps(cases.variables(kg, **wanted)), media_type=JSON)

    async def health(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type=JSON)

    return Starlette(
        routes=[
            Route("/plain/{case:int}", plain, methods=["POST"]),
            Route("/stored/{case:int}", store, methods=["POST", "PUT"]),
            Route("/variables", variables),
            Route("/healthz", health),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(description="The plain endpoint for the benchmark.")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    kg = load_graph(args.data, snapshot=default_path(args.data))
    gc.collect()
    gc.freeze()  # as the server does: the graph is never collected
    app = baseline_app(kg)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
