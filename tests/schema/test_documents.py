"""The document cache is bounded by the memory its documents hold, not by their number."""

from __future__ import annotations

import gc
import tracemalloc
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from graphql import parse
from strawberry.schema import schema as strawberry_schema
from strawberry.schema.schema import validate_document

from graph.build import KnowledgeGraph
from schema import documents
from schema.app import build_schema
from schema.context import Context
from schema.cost import query_cost
from schema.documents import BYTES_PER_CHAR, DocumentCache, operation_problem
from schema.limits import Limits


def big_document(seed: int) -> str:
    """About 10 KB and 5,000 tokens, distinct for each seed."""
    fields = " ".join(f"a{seed}_{i}" for i in range(2400))
    return f"{{ {fields} }}"


def test_the_estimate_is_at_least_what_a_document_holds() -> None:
    text = big_document(0)
    gc.collect()
    tracemalloc.start()
    document = parse(text)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert document.loc is not None
    assert held <= BYTES_PER_CHAR * len(text)


def test_distinct_large_documents_stay_within_the_byte_budget() -> None:
    budget = 8 * 2**20
    schema = build_schema(Limits(document_cache_bytes=budget))
    for seed in range(12):  # 12 x 2.4 MB held if all were kept
        result = schema.execute_sync(big_document(seed))
        assert result.errors is not None  # too wide: refused, but parsed and cached
    assert schema.documents.bytes <= budget
    assert len(schema.documents) == budget // (2048 + BYTES_PER_CHAR * len(big_document(0)))


def test_the_cache_evicts_the_least_recently_used() -> None:
    cache = DocumentCache(max_bytes=3 * (2048 + BYTES_PER_CHAR * 7), max_tokens=100)
    for name in ("{ a }  ", "{ b }  ", "{ c }  "):
        cache.get(name)
    cache.get("{ a }  ")  # used again: b is now the oldest
    cache.get("{ d }  ")
    assert cache.peek("{ b }  ") is None
    assert cache.peek("{ a }  ") is not None
    assert len(cache) == 3


def test_a_syntax_error_is_cached_as_such() -> None:
    cache = DocumentCache(max_bytes=2**20, max_tokens=100)
    parsed = cache.get("{ a ")
    assert parsed.document is None
    assert parsed.syntax_error is not None
    assert cache.get("{ a ") is parsed


def test_operation_problems() -> None:
    assert operation_problem(parse("{ a }"), None) is None
    assert operation_problem(parse("query A { a } query B { b }"), "B") is None
    assert operation_problem(parse("fragment F on Q { a }"), "F") == (
        "the document has no operation to run, only fragments"
    )
    long_name = "x" * 500
    message = operation_problem(parse("query A { a }"), long_name)
    assert message == f"no operation named '{'x' * 79}…' in the document; it has: A"


def test_a_query_text_is_parsed_validated_and_measured_once(
    tiny: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: Counter[str] = Counter()

    def counted(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(documents, "parse", counted("parse", parse))
    monkeypatch.setattr(documents, "query_cost", counted("cost", query_cost))
    monkeypatch.setattr(
        strawberry_schema, "validate_document", counted("validate", validate_document)
    )
    schema = build_schema()
    query = "query Meta { meta { dataVersion } }"
    results = [schema.execute_sync(query, context_value=Context(tiny)) for _ in range(3)]
    assert [r.extensions for r in results] == [{"cost": 2}] * 3
    assert all(r.errors is None for r in results)
    assert calls == {"parse": 1, "validate": 1, "cost": 1}
    # The endpoint measures the cost before it runs a query: from the same entry.
    assert schema.documents.measured(schema._schema, query).cost == 2
    assert calls["cost"] == 1


def test_bytes_charged_later_count_and_can_evict() -> None:
    size = 2048 + BYTES_PER_CHAR * 7
    cache = DocumentCache(max_bytes=3 * size, max_tokens=100)
    for name in ("{ a }  ", "{ b }  ", "{ c }  "):
        cache.get(name)
    a, c = cache.peek("{ a }  "), cache.peek("{ c }  ")
    assert a is not None
    assert c is not None
    assert a.document is not None
    assert c.document is not None
    (operation,) = a.operations
    assert cache.entry_of(operation) is a
    cache.charge(c.operations[0], 10)  # c grows: a, the oldest, makes room
    assert cache.peek("{ a }  ") is None
    assert cache.entry_of(operation) is None
    assert cache.bytes == 2 * size + 10
    cache.charge(operation, 10**6)  # gone: nothing to count
    assert cache.bytes == 2 * size + 10
