"""GraphQL over HTTP, as the GraphQL-over-HTTP specification describes it.

GET and POST, `application/graphql-response+json` and `application/json` negotiated
from `Accept`, status codes that tell a request error (400, no `data`) from a field
error (200 with `data`), and GraphiQL for browsers. The graph never changes while the
server runs, so whole responses are cached, and GET responses carry an `ETag` and
`Cache-Control`.

A cached answer should cost little more than sending stored bytes: its key is a hash of
the request's bytes as they arrived (the query string of a GET, the body of a POST) with
the method, media type, data version and day, computed before anything is parsed; its
`ETag` is computed once, when first needed, and kept with it. The same question written
differently (other spacing, keys in another order) is a separate entry: a miss, never a
wrong answer.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any, Final

import orjson
from graphql import GraphQLError, parse
from starlette.datastructures import QueryParams
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response

from graph.build import KnowledgeGraph
from graph.errors import cut
from schema.app import RegkgSchema
from schema.budget import exceeded
from schema.context import Context
from schema.documents import Parsed, operation_problem
from schema.errors import Code
from web.executions import Busy, Executions
from web.persisted import NO_STORE, PersistedQueryError, with_persisted_query

GRAPHQL_RESPONSE: Final = "application/graphql-response+json"
JSON: Final = "application/json"
CACHE_CONTROL: Final = "public, max-age=300"
NOT_CACHED: Final = "no-store"
MAX_QUERY_CHARS: Final = 20_000
# JSON nested deeper than this in `variables` or `extensions` is refused: no input of the
# schema nests so deep, and serialising it for the cache key would hit a recursion limit.
MAX_NESTING: Final = 32


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


def cache_key(method: str, raw: bytes, media_type: str, version: str) -> bytes:
    """The response cache's key for a request's `raw` parameters (a GET's query string, a
    POST's body). Resolvers may default to today's date, so the day is part of it."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{method} {media_type} {version} {date.today()}\n".encode())
    digest.update(raw)
    return digest.digest()


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


@dataclass(frozen=True)
class Answer:
    """A rendered response; `public` when shared caches may keep it (it holds data), and
    `kept` when this server may answer the same request with it again."""

    status: int
    body: bytes
    public: bool
    kept: bool = True
    # Encoded response headers by (GET?, media type), made once for a cached answer.
    _headers: dict[tuple[bool, str], RawHeaders] = field(
        default_factory=dict, compare=False, repr=False
    )

    @cached_property
    def etag(self) -> str:
        """The body's tag, hashed once however often the answer is sent or revalidated."""
        return etag_of(self.body)

    def response(self, is_get: bool, media_type: str) -> Response:
        """This answer as a response to a GET or a POST asking for `media_type`."""
        raw = self._headers.get((is_get, media_type))
        if raw is None:
            headers = {"Content-Type": _content_type(media_type)}
            if is_get:
                headers.update(self.cache_headers() or {"Cache-Control": NOT_CACHED})
            headers["Content-Length"] = str(len(self.body))
            raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
            self._headers[(is_get, media_type)] = raw
        return _Ready(self.body, self.status, raw)

    def cache_headers(self) -> dict[str, str]:
        """What tells a shared cache it may keep a GET's answer, if it may."""
        if not self.public:
            return {}
        return {"ETag": self.etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept"}


RawHeaders = list[tuple[bytes, bytes]]


class _Ready(Response):
    """A response whose body and headers were made before: sending a cached answer costs
    no more than this."""

    def __init__(self, body: bytes, status: int, raw_headers: RawHeaders) -> None:
        self.body = body
        self.status_code = status
        # Shared between the responses of one answer: starlette copies the list before
        # adding to it (MutableHeaders), never changes it in place.
        self.raw_headers = raw_headers
        self.background = None


class ResponseCache:
    """An LRU of rendered answers by cache key, bounded by bytes: a few large answers must
    not hold the memory that thousands of small ones would."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.bytes = 0
        self._entries: OrderedDict[bytes, Answer] = OrderedDict()

    def get(self, key: bytes) -> Answer | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: bytes, value: Answer) -> None:
        size = len(key) + len(value.body)
        if size > self.max_entry_bytes or key in self._entries:
            return
        self._entries[key] = value
        self.bytes += size
        while self.bytes > self.max_bytes:
            old_key, old = self._entries.popitem(last=False)
            self.bytes -= len(old_key) + len(old.body)


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


@lru_cache(maxsize=256)  # clients send a handful of distinct headers, again and again
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
    return parse_params(request.method, await read_raw(request))


async def read_raw(request: Request) -> bytes:
    """The bytes that carry a request's parameters: a GET's query string, a POST's body
    (once its `Content-Type` says it is JSON)."""
    if request.method == "GET":
        query_string: bytes = request.scope["query_string"]
        return query_string
    content_type = request.headers.get("content-type")
    if content_type is None:
        raise RequestError(415, "a POST needs `Content-Type: application/json`")
    media, *params = (p.strip().lower() for p in content_type.split(";"))
    if media != JSON:
        raise RequestError(415, f"unsupported Content-Type {cut(media)!r}; send application/json")
    for param in params:
        name, _, value = param.partition("=")
        if name == "charset" and value.strip('"') not in ("utf-8", "utf8"):
            raise RequestError(415, "the request body must be UTF-8")
    try:
        return await _body(request)
    except ClientDisconnect:  # it went away, or was cut off for sending too slowly
        raise RequestError(400, "the request body did not arrive") from None


async def _body(request: Request) -> bytes:
    """The whole body, read straight from the ASGI channel: starlette's `Request.body()`
    (an async generator inside a context manager) costs a cached answer more than sending
    it does."""
    chunks: list[bytes] = []
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_params(method: str, raw: bytes) -> GraphQLParams:
    """The parameters `read_raw` found for a request of `method`."""
    if method == "GET":
        found: dict[str, Any] = dict(QueryParams(raw))
        for name in ("variables", "extensions"):
            if name in found and found[name] not in ("", None):
                found[name] = _json(found[name], f"`{name}` is not valid JSON")
            elif name in found:
                found[name] = None
        return _params(_persisted(found))
    if not raw:
        raise RequestError(400, "the request body is empty; send a JSON object with `query`")
    parsed = _json(raw, "the request body is not valid JSON")
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
    for name, value in (("variables", variables), ("extensions", extensions)):
        if _nesting(value) > MAX_NESTING:
            raise RequestError(400, f"`{name}` nests deeper than {MAX_NESTING} levels")
    return GraphQLParams(query, operation_name, variables, extensions)


def _nesting(value: Any) -> int:
    """How deeply lists and objects nest in a JSON value, counted without recursion.

    >>> _nesting(None), _nesting({"a": [1, {"b": []}]})
    (0, 4)
    """
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def operation_error(query: str, operation_name: str | None, max_tokens: int) -> str | None:
    """Why `query` has no operation to run for `operation_name` (None when it has one, or
    when it does not parse: running it reports the syntax error)."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return None
    return operation_problem(document, operation_name)


def _is_request_error(errors: list[GraphQLError]) -> bool:
    # Parse, validation and variable errors stop the request before execution; they have
    # no path. Field errors happen during execution and always carry one.
    return bool(errors) and all(error.path is None for error in errors)


class GraphQLEndpoint:
    """The `/graphql` route."""

    def __init__(
        self,
        schema: RegkgSchema,
        graph: Callable[[Request], KnowledgeGraph],
        ide_html: str,
        executions: Executions,
        cache_bytes: int = 64 * 2**20,
    ) -> None:
        self.schema = schema
        self.graph = graph
        self.ide_html = ide_html
        self.executions = executions
        self.cache = ResponseCache(cache_bytes, max_entry_bytes=cache_bytes // 64)

    async def handle(self, request: Request) -> Response:
        method = request.method
        accept = request.headers.get("accept")
        is_get = method == "GET"
        if is_get and wants_html(accept):
            return HTMLResponse(self.ide_html)
        media_type = negotiate(accept)
        if media_type is None:
            return _error_response(406, f"send Accept: {GRAPHQL_RESPONSE} or {JSON}", JSON)
        try:
            raw = await read_raw(request)
            kg = self.graph(request)
            key = cache_key(method, raw, media_type, kg.version)
            answer = self.cache.get(key)
            if answer is None:
                params = parse_params(method, raw)
                answer = await self._answer(params, kg, media_type)
                if answer.kept:
                    self.cache.put(key, answer)
        except RequestError as exc:
            return _error_response(exc.status, str(exc), media_type, exc.headers, exc.code)
        except Busy as exc:
            headers = {"Retry-After": str(exc.retry_after)}
            return _error_response(503, str(exc), media_type, headers, Code.SERVER_BUSY)
        if is_get and answer.public:
            if_none_match = request.headers.get("if-none-match")
            if if_none_match is not None:
                matches = _etags(if_none_match)
                if answer.etag in matches or "*" in matches:
                    return Response(status_code=304, headers=answer.cache_headers())
        return answer.response(is_get, media_type)

    async def _answer(self, params: GraphQLParams, kg: KnowledgeGraph, media_type: str) -> Answer:
        """Measure the query (parsing a new document in a worker: a large one takes
        milliseconds), refuse one that names no runnable operation, then run it in the
        lane its cost calls for."""
        parsed = self.schema.documents.peek(params.query)
        if parsed is None or parsed.cost is None:
            parsed = await self.executions.cheap.run(self._measure, params.query)
        if parsed.document is not None:
            problem = operation_problem(parsed.document, params.operation_name)
            if problem is not None:
                status = 400 if media_type == GRAPHQL_RESPONSE else 200
                error = {"message": problem, "extensions": {"code": Code.BAD_REQUEST.value}}
                return Answer(status, orjson.dumps({"errors": [error]}), False)
        lane = self.executions.lane(parsed.cost or 0)
        return await lane.run(self._execute, params, kg, media_type)

    def _measure(self, query: str) -> Parsed:
        return self.schema.documents.measured(self.schema._schema, query)

    def _execute(self, params: GraphQLParams, kg: KnowledgeGraph, media_type: str) -> Answer:
        result = self.schema.execute_sync(
            params.query,
            variable_values=params.variables,
            context_value=Context(kg),
            operation_name=params.operation_name,
        )
        errors = list(result.errors or [])
        payload: dict[str, Any] = {}
        timed_out = exceeded(errors)  # stopped during execution: `data` is null, not absent
        request_error = _is_request_error(errors) and result.data is None and not timed_out
        if not request_error:
            payload["data"] = result.data
        if errors:
            payload["errors"] = [error.formatted for error in errors]
        if result.extensions:
            payload["extensions"] = result.extensions
        status = 400 if request_error and media_type == GRAPHQL_RESPONSE else 200
        # A query stopped by its time budget may finish when the server is less busy:
        # such an answer is given, never kept.
        return Answer(status, orjson.dumps(payload), result.data is not None, not timed_out)


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
    # Every error says what it is: a request regkg could not take is the client's to fix.
    error: dict[str, Any] = {"message": message, "extensions": {"code": code or Code.BAD_REQUEST}}
    body = orjson.dumps({"errors": [error]})
    return Response(
        body, status_code=status, media_type=_content_type(media_type), headers=dict(headers or {})
    )
