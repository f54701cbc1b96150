"""The regkg HTTP server: GraphQL over HTTP (GraphiQL in a browser, CSV and JSON exports),
the SDL, the explore, timeline and downloads pages, whole-graph downloads, a health check
and a front page. Every page's scripts are served from /static/: nothing loads from elsewhere.

    python server.py [--host H] [--port P] [--data DIR]

Every option can also be set in the environment (REGKG_HOST, REGKG_PORT, REGKG_DATA,
REGKG_CORS_ORIGINS, REGKG_MAX_DEPTH, REGKG_MAX_ALIASES, REGKG_MAX_TOKENS, REGKG_MAX_COST,
REGKG_MAX_BREADTH, REGKG_MAX_BODY_BYTES, REGKG_TIME_BUDGET, REGKG_MAX_RUNNING,
REGKG_MAX_WAITING, REGKG_READ_TIMEOUT, REGKG_MAX_DATA_BYTES, REGKG_SNAPSHOT,
REGKG_WORKERS, REGKG_ACCESS_LOG); a flag wins over the environment. With `--workers N` the
graph is loaded once and N forked processes share it (web/prefork.py).

No line is logged per request unless `--access-log` asks for it: a proxy in front
(deploy/nginx.conf) is where production keeps its access log, and here writing the line
costs a quarter of a cached answer. Start-up, warnings and the server's own errors are
always logged.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from graph.build import KnowledgeGraph
from graph.errors import DataValidationError
from graph.load import DEFAULT_DATA_DIR, load_graph
from graph.reader import data_size
from graph.snapshot import default_path as default_snapshot
from schema.app import build_schema
from schema.limits import Limits
from web import export, feed, pages, prefork
from web.body_limit import BodySizeLimit
from web.downloads import graph_download
from web.executions import Busy, Executions, LaneLimits, share_interpreter
from web.graphql_http import GraphQLEndpoint
from web.headers import SecurityHeaders
from web.logs import shorten_access_lines
from web.protocol import with_read_timeout

# Queries up to this cost (fields, counting page sizes: a millisecond or two) wait
# in the cheap lane, which runs more of them at once.
CHEAP_COST = 200
CHEAP_LANE = LaneLimits(running=8, waiting=256)


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = DEFAULT_DATA_DIR
    cors_origins: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    max_body_bytes: int = 1_000_000
    max_running: int = 2  # costly executions at once
    max_waiting: int = 16  # costly executions queued before 503
    read_timeout: float = 10.0  # seconds for a request's headers and body to arrive
    max_data_bytes: int = 32_000_000
    # A `python -m graph build` file, used when current; None: DATA/regkg.snapshot.
    snapshot: Path | None = None
    workers: int = 1
    access_log: bool = False  # one INFO line per request, uvicorn's
    # A worker started anew by the supervisor of `--workers N`: the listening socket it
    # serves on, and the pipe it says it is ready on (web/supervise.py).
    serve_fd: int | None = None
    ready_fd: int | None = None


def create_app(settings: Settings | None = None, loaded: KnowledgeGraph | None = None) -> Starlette:
    """The ASGI app. The lifespan loads, validates and freezes the graph once, unless the
    caller has already `loaded` it (the command line does, to report bad data before
    binding the port). Without `settings`, the environment's REGKG_* variables give them,
    as they do to the command line: `uvicorn --factory server:create_app` calls it so."""
    settings = settings or parse_settings([], dict(os.environ))
    schema = build_schema(settings.limits)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.kg = (
            loaded
            if loaded is not None
            else load_graph(settings.data_dir, settings.max_data_bytes, _snapshot(settings))
        )
        share_interpreter()
        shorten_access_lines()
        # The graph never changes once loaded: keep it out of every future collection.
        gc.collect()
        gc.freeze()
        yield

    async def front_page(request: Request) -> HTMLResponse:
        kg = _graph_of(request)
        page = pages.front_page_html(
            kg.version, kg.graph.number_of_nodes(), pages.coverage_html(kg)
        )
        return HTMLResponse(page)

    async def health(request: Request) -> JSONResponse:
        kg = _graph_of(request)
        return JSONResponse({"status": "ok", "dataVersion": kg.version})

    sdl = schema.as_str() + "\n"
    executions = Executions(
        CHEAP_COST, CHEAP_LANE, LaneLimits(settings.max_running, settings.max_waiting)
    )
    endpoint = GraphQLEndpoint(
        schema, graph=_graph_of, ide_html=pages.graphiql_html(), executions=executions
    )

    async def graphql(request: Request) -> Response:
        # `format=csv` or `format=json` on a GET downloads the answer as rows (web/export.py);
        # an export is a costly execution, and waits its turn in that lane. The query string
        # is parsed only when it may hold `format`: a cached answer must not pay for it.
        if (
            request.method == "GET"
            and b"format" in request.scope["query_string"]
            and "format" in request.query_params
        ):
            try:
                async with executions.costly.slot():
                    return await export.export_answer(
                        request, schema, _graph_of(request), max_tokens=settings.limits.max_tokens
                    )
            except Busy as exc:
                message = {"errors": [{"message": str(exc)}]}
                headers = {"Retry-After": str(exc.retry_after)}
                return JSONResponse(message, status_code=503, headers=headers)
        return await endpoint.handle(request)

    explore_page = pages.explore_html()
    timeline_page = pages.timeline_html()

    async def explore(request: Request) -> HTMLResponse:
        return HTMLResponse(explore_page)

    async def timeline(request: Request) -> HTMLResponse:
        return HTMLResponse(timeline_page)

    async def downloads(request: Request) -> HTMLResponse:
        kg = _graph_of(request)
        counts = [(kind, len(ids)) for kind, ids in sorted(kg.by_kind.items())]
        return HTMLResponse(
            pages.downloads_html(kg.version, counts, str(request.base_url), pages.coverage_html(kg))
        )

    rendered: dict[tuple[str, str], bytes] = {}  # whole-graph files, by data version

    async def download(request: Request) -> Response:
        kg = _graph_of(request)
        return graph_download(request, kg, request.path_params["file"], rendered)

    sdl_etag = export.etag_of(sdl)

    async def schema_file(request: Request) -> Response:
        unchanged = export.not_modified(request, sdl_etag)
        if unchanged is not None:
            return unchanged
        return PlainTextResponse(
            sdl,
            media_type="application/graphql; charset=utf-8",
            headers=export.cache_headers(sdl_etag),
        )

    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodySizeLimit, limit=settings.max_body_bytes),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["content-type", "accept"],
            )
        )
    return Starlette(
        routes=[
            # First: the router tries each route in turn, and most requests are queries.
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/", front_page),
            Route("/healthz", health),
            Route("/schema.graphql", schema_file),
            Route("/explore", explore),
            Route("/timeline", timeline),
            Route("/downloads", downloads),
            Route("/downloads/{file}", download),
            Route("/changes.atom", feed.changes_feed),
            Mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static"),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )


def _snapshot(settings: Settings) -> Path:
    return settings.snapshot or default_snapshot(settings.data_dir)


def _graph_of(request: Request) -> KnowledgeGraph:
    kg: KnowledgeGraph = request.app.state.kg
    return kg


def parse_settings(argv: Sequence[str], env: dict[str, str]) -> Settings:
    defaults = Settings()
    limits = defaults.limits

    parser = argparse.ArgumentParser(description="Serve regkg over GraphQL.")

    def number(flag: str, kind: type[int] | type[float], default: float, help: str = "") -> None:
        """A numeric flag whose default the environment can set: `--max-cost` reads
        REGKG_MAX_COST."""
        value = env.get("REGKG_" + flag.removeprefix("--").replace("-", "_").upper())
        parser.add_argument(flag, type=kind, default=kind(value) if value else default, help=help)

    parser.add_argument("--host", default=env.get("REGKG_HOST", defaults.host))
    number("--port", int, defaults.port)
    parser.add_argument(
        "--data", type=Path, default=Path(env.get("REGKG_DATA", str(defaults.data_dir)))
    )
    parser.add_argument(
        "--cors-origins",
        default=env.get("REGKG_CORS_ORIGINS", ""),
        help="comma-separated origins allowed to call the API from a browser",
    )
    number("--max-depth", int, limits.max_depth)
    number("--max-aliases", int, limits.max_aliases)
    number("--max-tokens", int, limits.max_tokens)
    number("--max-cost", int, limits.max_cost)
    number("--max-breadth", int, limits.max_breadth)
    number("--max-body-bytes", int, defaults.max_body_bytes)
    number(
        "--time-budget",
        float,
        limits.time_budget,
        "seconds one query may run before it is stopped (0: no limit)",
    )
    number("--max-running", int, defaults.max_running, "costly queries and exports run at once")
    number(
        "--max-waiting",
        int,
        defaults.max_waiting,
        "costly queries waiting for a turn before the server answers 503",
    )
    number(
        "--read-timeout",
        float,
        defaults.read_timeout,
        "seconds a request's headers and body may take to arrive",
    )
    number("--max-data-bytes", int, defaults.max_data_bytes, "largest data folder the server loads")
    parser.add_argument(
        "--snapshot",
        type=Path,
        default=env.get("REGKG_SNAPSHOT"),
        help="snapshot from `python -m graph build` (default: DATA/regkg.snapshot)",
    )
    number("--workers", int, 1)
    parser.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=env.get("REGKG_ACCESS_LOG", "").strip().lower() in ("1", "true", "yes", "on"),
        help="log one line per request (default: off; REGKG_ACCESS_LOG=1 turns it on)",
    )
    parser.add_argument("--serve-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ready-fd", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return Settings(
        host=args.host,
        port=args.port,
        data_dir=args.data,
        cors_origins=tuple(o.strip() for o in args.cors_origins.split(",") if o.strip()),
        limits=Limits(
            args.max_depth,
            args.max_aliases,
            args.max_tokens,
            args.max_cost,
            args.max_breadth,
            args.time_budget,
        ),
        max_body_bytes=args.max_body_bytes,
        max_running=args.max_running,
        max_waiting=args.max_waiting,
        read_timeout=args.read_timeout,
        max_data_bytes=args.max_data_bytes,
        snapshot=args.snapshot,
        workers=args.workers,
        access_log=args.access_log,
        serve_fd=args.serve_fd,
        ready_fd=args.ready_fd,
    )


def main(argv: Sequence[str] | None = None) -> int:
    import uvicorn

    argv = sys.argv[1:] if argv is None else list(argv)
    settings = parse_settings(argv, dict(os.environ))
    try:
        kg = load_graph(settings.data_dir, settings.max_data_bytes, _snapshot(settings))
    except DataValidationError as exc:
        print(f"regkg cannot start: the data does not validate.\n{exc}", file=sys.stderr)
        return 1
    size = f"{data_size(settings.data_dir)}, {kg.graph.number_of_nodes()} entities"
    where = f"http://{settings.host}:{settings.port}/graphql"
    print(f"regkg: serving {settings.data_dir} ({size}) on {where}")
    app = create_app(settings, loaded=kg)
    if settings.serve_fd is not None and settings.ready_fd is not None:
        prefork.serve_on(app, uvicorn_options(settings), settings.serve_fd, settings.ready_fd)
    if settings.workers > 1:
        restart = [sys.executable, str(Path(__file__).resolve()), *argv]
        return prefork.serve(app, uvicorn_options(settings), settings.workers, restart)
    uvicorn.run(app, **uvicorn_options(settings))
    return 0


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves regkg: every request must arrive within the read timeout."""
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "access_log": settings.access_log,
        "http": with_read_timeout(settings.read_timeout),
        "timeout_keep_alive": 5,
    }


if __name__ == "__main__":
    sys.exit(main())
