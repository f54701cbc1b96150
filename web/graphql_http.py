"""GraphQL over HTTP, as the GraphQL-over-HTTP specification describes it.

GET and POST, `application/graphql-response+json` and `application/json` negotiated
from `Accept`, status codes that tell a request error (400, no `data`) from a field
error (200 with `data`), and GraphiQL for browsers. The graph never changes while the
server runs, so whole responses are cached by (document, variables, operation, media
type, data version), and GET responses carry an `ETag` and `Cache-Control`.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Final

import orjson
import strawberry
from graphql import GraphQLError, parse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from graph.build import KnowledgeGraph
from schema.context import Context
from schema.cost import query_cost
from schema.errors import Code
from web.persisted import NO_STORE, PersistedQueryError, with_persisted_query

GRAPHQL_RESPONSE: Final = "application/graphql-response+json"
JSON: Final = "application/json"
CACHE_CONTROL: Final = "public, max-age=300"
# Queries up to this cost (fields, counting page sizes; about 10 µs each) run on the
# event loop; costlier ones in a worker thread.
INLINE_COST: Final = 10_000
MAX_QUERY_CHARS: Final = 20_000


class RequestError(Exception):
    """The HTTP request itself is wrong: answered with `status` and one error message."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: Mapping[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers = dict(headers or {})
        self.code = code


@dataclass(frozen=True)
class GraphQLParams:
    query: str
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None

    def cache_key(self, media_type: str, version: str) -> bytes:
        # Resolvers may default to today's date, so the day is part of the key.
        return orjson.dumps(
            [
                self.query,
                self.operation_name,
                self.variables,
                media_type,
                version,
                str(date.today()),
            ],
            option=orjson.OPT_SORT_KEYS,
        )


class ResponseCache:
    """An LRU of rendered responses, (status, body) by cache key, bounded by bytes: a few
    large answers must not hold the memory that thousands of small ones would."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.bytes = 0
        self._entries: OrderedDict[bytes, tuple[int, bytes]] = OrderedDict()

    def get(self, key: bytes) -> tuple[int, bytes] | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: bytes, value: tuple[int, bytes]) -> None:
        size = len(key) + len(value[1])
        if size > self.max_entry_bytes or key in self._entries:
            return
        self._entries[key] = value
        self.bytes += size
        while self.bytes > self.max_bytes:
            old_key, (_, old_body) = self._entries.popitem(last=False)
            self.bytes -= len(old_key) + len(old_body)


def _ranked(accept: str) -> list[str]:
    """Media types of an `Accept` header, best first, those refused (q=0) left out."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((quality, -index, media.lower()))
    return [media for _, _, media in sorted(ranked, reverse=True)]


def negotiate(accept: str | None) -> str | None:
    """The response media type for an `Accept` header, or None when none is acceptable.

    >>> negotiate(None), negotiate("*/*"), negotiate("text/html")
    ('application/json', 'application/json', None)
    >>> negotiate("application/graphql-response+json, application/json;q=0.9")
    'application/graphql-response+json'
    """
    if not accept:
        return JSON
    for media in _ranked(accept):
        if media == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if media in (JSON, "application/*", "*/*"):
            return JSON
    return None


def wants_html(accept: str | None) -> bool:
    """A browser navigation: HTML preferred to both JSON types.

    >>> wants_html("text/html,application/xhtml+xml,*/*;q=0.8"), wants_html("*/*")
    (True, False)
    >>> wants_html("text/html;q=0, application/json")
    False
    """
    for media in _ranked(accept or ""):
        if media == "text/html":
            return True
        if media in (GRAPHQL_RESPONSE, JSON):
            return False
    return False


async def read_params(request: Request) -> GraphQLParams:
    """The query, operation name, variables and extensions of a GET or POST request."""
    if request.method == "GET":
        raw: dict[str, Any] = dict(request.query_params)
        for name in ("variables", "extensions"):
            if name in raw and raw[name] not in ("", None):
                raw[name] = _json(raw[name], f"`{name}` is not valid JSON")
            elif name in raw:
                raw[name] = None
        return _params(_persisted(raw))
    content_type = request.headers.get("content-type")
    if content_type is None:
        raise RequestError(415, "a POST needs `Content-Type: application/json`")
    media, *params = (p.strip().lower() for p in content_type.split(";"))
    if media != JSON:
        raise RequestError(415, f"unsupported Content-Type {media!r}; send application/json")
    for param in params:
        name, _, value = param.partition("=")
        if name == "charset" and value.strip('"') not in ("utf-8", "utf8"):
            raise RequestError(415, "the request body must be UTF-8")
    body = await request.body()
    if not body:
        raise RequestError(400, "the request body is empty; send a JSON object with `query`")
    parsed = _json(body, "the request body is not valid JSON")
    if not isinstance(parsed, dict):
        raise RequestError(400, "the request body must be a JSON object with `query`")
    return _params(_persisted(parsed))


def _persisted(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters with an automatic persisted query's text filled in (web/persisted.py)."""
    try:
        return with_persisted_query(raw)
    except PersistedQueryError as exc:
        headers = NO_STORE if exc.code is Code.PERSISTED_QUERY_NOT_FOUND else None
        raise RequestError(400, str(exc), headers, exc.code.value) from None


def _json(text: str | bytes, message: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        raise RequestError(400, message) from None


def _params(raw: Mapping[str, Any]) -> GraphQLParams:
    query = raw.get("query")
    if not isinstance(query, str) or not query.strip():
        raise RequestError(400, "`query` must be a non-empty string")
    if len(query) > MAX_QUERY_CHARS:
        # Within the token limit a single string can still be a megabyte; every cache
        # keyed on the document would keep it.
        raise RequestError(
            400, f"`query` is {len(query)} characters, over the limit of {MAX_QUERY_CHARS}"
        )
    operation_name = raw.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestError(400, "`operationName` must be a string or null")
    variables = raw.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError(400, "`variables` must be a JSON object or null")
    extensions = raw.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError(400, "`extensions` must be a JSON object or null")
    return GraphQLParams(query, operation_name, variables, extensions)


def _is_request_error(errors: list[GraphQLError]) -> bool:
    # Parse, validation and variable errors stop the request before execution; they have
    # no path. Field errors happen during execution and always carry one.
    return bool(errors) and all(error.path is None for error in errors)


class GraphQLEndpoint:
    """The `/graphql` route."""

    def __init__(
        self,
        schema: strawberry.Schema,
        graph: Callable[[Request], KnowledgeGraph],
        ide_html: str,
        cache_bytes: int = 64 * 2**20,
        max_tokens: int = 5000,
    ) -> None:
        self.schema = schema
        self.graph = graph
        self.ide_html = ide_html
        self.cache = ResponseCache(cache_bytes, max_entry_bytes=cache_bytes // 64)
        self.max_tokens = max_tokens
        self._cost_of = lru_cache(maxsize=1024)(self._estimate_cost)

    def _estimate_cost(self, query: str) -> int:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError:
            return 0  # the schema reports the syntax error, at no cost
        return query_cost(self.schema._schema, document)

    async def handle(self, request: Request) -> Response:
        if request.method == "GET" and wants_html(request.headers.get("accept")):
            return HTMLResponse(self.ide_html)
        media_type = negotiate(request.headers.get("accept"))
        if media_type is None:
            return _error_response(406, f"send Accept: {GRAPHQL_RESPONSE} or {JSON}", JSON)
        try:
            params = await read_params(request)
        except RequestError as exc:
            return _error_response(exc.status, str(exc), media_type, exc.headers, exc.code)

        kg = self.graph(request)
        key = params.cache_key(media_type, kg.version)
        cached = self.cache.get(key)
        if cached is None:
            if self._cost_of(params.query) <= INLINE_COST:
                cached = self._execute(params, kg, media_type)
            else:
                # A big query runs in a worker thread, so that the event loop goes on serving
                # cached answers, /healthz and other requests meanwhile. Small ones run here:
                # the hop to a thread costs more than they do.
                cached = await run_in_threadpool(self._execute, params, kg, media_type)
            self.cache.put(key, cached)
        status, body = cached
        headers = {}
        if request.method == "GET" and status == 200:
            etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
            headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
            matches = _etags(request.headers.get("if-none-match"))
            if etag in matches or "*" in matches:
                return Response(status_code=304, headers=headers)
        return Response(
            body, status_code=status, media_type=_content_type(media_type), headers=headers
        )

    def _execute(
        self, params: GraphQLParams, kg: KnowledgeGraph, media_type: str
    ) -> tuple[int, bytes]:
        result = self.schema.execute_sync(
            params.query,
            variable_values=params.variables,
            context_value=Context(kg),
            operation_name=params.operation_name,
        )
        errors = list(result.errors or [])
        payload: dict[str, Any] = {}
        request_error = _is_request_error(errors) and result.data is None
        if not request_error:
            payload["data"] = result.data
        if errors:
            payload["errors"] = [error.formatted for error in errors]
        if result.extensions:
            payload["extensions"] = result.extensions
        status = 400 if request_error and media_type == GRAPHQL_RESPONSE else 200
        return status, orjson.dumps(payload)


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def _error_response(
    status: int,
    message: str,
    media_type: str,
    headers: Mapping[str, str] | None = None,
    code: str | None = None,
) -> Response:
    error: dict[str, Any] = {"message": message}
    if code is not None:
        error["extensions"] = {"code": code}
    body = orjson.dumps({"errors": [error]})
    return Response(
        body, status_code=status, media_type=_content_type(media_type), headers=dict(headers or {})
    )
