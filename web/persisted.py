"""Automatic persisted queries, as Apollo's protocol has them: a client sends a query's
SHA-256 hash in `extensions.persistedQuery.sha256Hash` instead of the query; the first
time, the server answers `PersistedQueryNotFound` and the client sends both, which the
server keeps. From then on a GET carries only the hash, a URL short enough for any HTTP
cache in front of regkg to hold.

    GET /graphql?extensions={"persistedQuery":{"version":1,"sha256Hash":"<hex>"}}
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Final

from schema.errors import Code

NOT_FOUND_MESSAGE: Final = "PersistedQueryNotFound"  # the message Apollo's clients look for
NO_STORE: Final = {"Cache-Control": "no-store"}  # a miss must not be cached: it ends soon


class PersistedQueryError(Exception):
    """A persisted-query request that cannot be answered: `code` says why."""

    def __init__(self, message: str, code: Code) -> None:
        super().__init__(message)
        self.code = code


class QueryStore:
    """Queries by SHA-256 hash, the least recently used dropped first once the queries
    together pass `max_chars`."""

    def __init__(self, max_chars: int = 16_000_000) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self._queries: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str) -> str | None:
        with self._lock:
            query = self._queries.get(digest)
            if query is not None:
                self._queries.move_to_end(digest)
            return query

    def put(self, digest: str, query: str) -> None:
        with self._lock:
            if digest in self._queries:
                return
            self._queries[digest] = query
            self.chars += len(query)
            while self.chars > self.max_chars:
                _, old = self._queries.popitem(last=False)
                self.chars -= len(old)


STORE: Final = QueryStore()


def with_persisted_query(raw: Mapping[str, Any], store: QueryStore = STORE) -> dict[str, Any]:
    """The request's parameters with its persisted query filled in (or kept, when it came
    with its hash); unchanged when it names no persisted query.

    >>> store = QueryStore()
    >>> query = "{ meta { dataVersion } }"
    >>> hashed = {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}
    >>> with_persisted_query({"extensions": hashed}, store)
    Traceback (most recent call last):
    ...
    web.persisted.PersistedQueryError: PersistedQueryNotFound
    >>> _ = with_persisted_query({"query": query, "extensions": hashed}, store)
    >>> with_persisted_query({"extensions": hashed}, store)["query"]
    '{ meta { dataVersion } }'
    """
    extensions = raw.get("extensions")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, Mapping) else None
    if persisted is None:
        return dict(raw)
    if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
        raise PersistedQueryError(
            "`extensions.persistedQuery` must be {version: 1, sha256Hash: <hex>}",
            Code.BAD_REQUEST,
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64:
        raise PersistedQueryError(
            "`sha256Hash` must be the 64 hex digits of the query's SHA-256", Code.BAD_REQUEST
        )
    digest = digest.lower()
    query = raw.get("query")
    if isinstance(query, str) and query:
        if sha256(query) != digest:
            raise PersistedQueryError(
                "`sha256Hash` is not the SHA-256 of `query`", Code.BAD_REQUEST
            )
        store.put(digest, query)
        return dict(raw)
    found = store.get(digest)
    if found is None:
        raise PersistedQueryError(NOT_FOUND_MESSAGE, Code.PERSISTED_QUERY_NOT_FOUND)
    return {**raw, "query": found}


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()
