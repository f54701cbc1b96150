"""The regkg HTTP server: GraphQL over HTTP (GraphiQL in a browser, CSV and JSON exports),
the SDL, the explore, timeline and downloads pages, whole-graph downloads, a health check
and a front page. Every page's scripts are served from /static/: nothing loads from elsewhere.

    python server.py [--host H] [--port P] [--data DIR]

Every option can also be set in the environment (REGKG_HOST, REGKG_PORT, REGKG_DATA,
REGKG_CORS_ORIGINS, REGKG_MAX_DEPTH, REGKG_MAX_ALIASES, REGKG_MAX_TOKENS, REGKG_MAX_COST,
REGKG_MAX_BREADTH,
REGKG_MAX_BODY_BYTES); a flag wins over the environment.
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
from starlette.types import ASGIApp, Receive, Scope, Send

from graph.build import KnowledgeGraph
from graph.errors import DataValidationError
from graph.load import DEFAULT_DATA_DIR, load_graph
from schema.app import build_schema
from schema.limits import Limits
from web import export, feed, pages
from web.graphql_http import GraphQLEndpoint


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = DEFAULT_DATA_DIR
    cors_origins: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    max_body_bytes: int = 1_000_000


class BodySizeLimit:
    """Refuses request bodies larger than `limit` bytes with 413, before reading them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body larger than the limit of {self.limit} bytes"
        response = JSONResponse({"errors": [{"message": message}]}, status_code=413)
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def create_app(settings: Settings | None = None, loaded: KnowledgeGraph | None = None) -> Starlette:
    """The ASGI app. The lifespan loads, validates and freezes the graph once, unless the
    caller has already `loaded` it (the command line does, to report bad data before
    binding the port)."""
    settings = settings or Settings()
    schema = build_schema(settings.limits)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.kg = loaded if loaded is not None else load_graph(settings.data_dir)
        # The graph never changes once loaded: keep it out of every future collection.
        gc.collect()
        gc.freeze()
        yield

    async def front_page(request: Request) -> HTMLResponse:
        kg = _graph_of(request)
        return HTMLResponse(pages.front_page_html(kg.version, kg.graph.number_of_nodes()))

    async def health(request: Request) -> JSONResponse:
        kg = _graph_of(request)
        return JSONResponse({"status": "ok", "dataVersion": kg.version})

    sdl = schema.as_str() + "\n"
    endpoint = GraphQLEndpoint(
        schema,
        graph=_graph_of,
        ide_html=pages.graphiql_html(),
        max_tokens=settings.limits.max_tokens,
    )

    async def graphql(request: Request) -> Response:
        # `format=csv` or `format=json` on a GET downloads the answer as rows (web/export.py).
        if request.method == "GET" and "format" in request.query_params:
            return await export.export_answer(
                request, schema, _graph_of(request), max_tokens=settings.limits.max_tokens
            )
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
        return HTMLResponse(pages.downloads_html(kg.version, counts))

    rendered: dict[tuple[str, str], bytes] = {}  # whole-graph files, by data version

    async def download(request: Request) -> Response:
        return export.graph_download(_graph_of(request), request.path_params["file"], rendered)

    async def schema_file(request: Request) -> Response:
        return PlainTextResponse(sdl, media_type="application/graphql; charset=utf-8")

    middleware = [Middleware(BodySizeLimit, limit=settings.max_body_bytes)]
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
            Route("/", front_page),
            Route("/healthz", health),
            Route("/schema.graphql", schema_file),
            Route("/graphql", graphql, methods=["GET", "POST"]),
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


def _graph_of(request: Request) -> KnowledgeGraph:
    kg: KnowledgeGraph = request.app.state.kg
    return kg


def parse_settings(argv: Sequence[str], env: dict[str, str]) -> Settings:
    defaults = Settings()
    limits = defaults.limits

    def env_int(name: str, default: int) -> int:
        value = env.get(name)
        return int(value) if value else default

    parser = argparse.ArgumentParser(description="Serve regkg over GraphQL.")
    parser.add_argument("--host", default=env.get("REGKG_HOST", defaults.host))
    parser.add_argument("--port", type=int, default=env_int("REGKG_PORT", defaults.port))
    parser.add_argument(
        "--data", type=Path, default=Path(env.get("REGKG_DATA", str(defaults.data_dir)))
    )
    parser.add_argument(
        "--cors-origins",
        default=env.get("REGKG_CORS_ORIGINS", ""),
        help="comma-separated origins allowed to call the API from a browser",
    )
    parser.add_argument(
        "--max-depth", type=int, default=env_int("REGKG_MAX_DEPTH", limits.max_depth)
    )
    parser.add_argument(
        "--max-aliases", type=int, default=env_int("REGKG_MAX_ALIASES", limits.max_aliases)
    )
    parser.add_argument(
        "--max-tokens", type=int, default=env_int("REGKG_MAX_TOKENS", limits.max_tokens)
    )
    parser.add_argument("--max-cost", type=int, default=env_int("REGKG_MAX_COST", limits.max_cost))
    parser.add_argument(
        "--max-breadth", type=int, default=env_int("REGKG_MAX_BREADTH", limits.max_breadth)
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=env_int("REGKG_MAX_BODY_BYTES", defaults.max_body_bytes),
    )
    args = parser.parse_args(argv)
    return Settings(
        host=args.host,
        port=args.port,
        data_dir=args.data,
        cors_origins=tuple(o.strip() for o in args.cors_origins.split(",") if o.strip()),
        limits=Limits(
            args.max_depth, args.max_aliases, args.max_tokens, args.max_cost, args.max_breadth
        ),
        max_body_bytes=args.max_body_bytes,
    )


def main(argv: Sequence[str] | None = None) -> int:
    import uvicorn

    settings = parse_settings(sys.argv[1:] if argv is None else argv, dict(os.environ))
    try:
        kg = load_graph(settings.data_dir)
    except DataValidationError as exc:
        print(f"regkg cannot start: the data does not validate.\n{exc}", file=sys.stderr)
        return 1
    print(f"regkg: serving {settings.data_dir} on http://{settings.host}:{settings.port}/graphql")
    app = create_app(settings, loaded=kg)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
