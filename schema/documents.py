"""Parsed documents, their validation and cost, cached by query text and bounded by bytes.

A parsed document takes about 250 bytes of memory for every character of its text (a
10 KB document of 5,000 tokens holds 2.4 MB of syntax nodes), so a cache bounded by
entries can be made to hold gigabytes by sending distinct large documents. This one counts
each entry at that rate and evicts the least recently used past its byte budget. Every
cache keyed on a document lives in the entry, so evicting it frees everything at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
)
from strawberry.extensions import AddValidationRules, SchemaExtension

from graph.errors import cut
from schema.cost import query_cost

# Measured with tracemalloc on documents of short names and punctuation, the densest kind.
BYTES_PER_CHAR: Final = 256
ENTRY_OVERHEAD: Final = 2048


@dataclass
class Parsed:
    """One query text: its document or syntax error, and what was worked out from it."""

    document: DocumentNode | None
    syntax_error: GraphQLError | None
    size: int
    validation: list[GraphQLError] | None = None
    cost: int | None = None
    # What executions keep of each operation of the document for the next ones
    # (schema/executor.py), by operation node.
    executions: dict[int, Any] = field(default_factory=dict)

    @property
    def operations(self) -> list[OperationDefinitionNode]:
        definitions = self.document.definitions if self.document is not None else ()
        return [d for d in definitions if isinstance(d, OperationDefinitionNode)]


class DocumentCache:
    """Documents by query text, least recently used first out, at most `max_bytes`."""

    def __init__(self, max_bytes: int, max_tokens: int) -> None:
        self.max_bytes = max_bytes
        self.max_tokens = max_tokens
        self.bytes = 0
        self._entries: OrderedDict[str, Parsed] = OrderedDict()
        # The entry of each operation node of the cached documents, by its id.
        self._by_operation: dict[int, tuple[OperationDefinitionNode, Parsed]] = {}
        self._lock = threading.Lock()  # executions run in worker threads

    def __len__(self) -> int:
        return len(self._entries)

    def peek(self, query: str) -> Parsed | None:
        """The entry for `query` if it is cached; never parses."""
        with self._lock:
            return self._entries.get(query)

    def get(self, query: str) -> Parsed:
        with self._lock:
            found = self._entries.get(query)
            if found is not None:
                self._entries.move_to_end(query)
                return found
        parsed = _parse(query, self.max_tokens)
        with self._lock:
            if parsed.size <= self.max_bytes and query not in self._entries:
                self._entries[query] = parsed
                self.bytes += parsed.size
                for operation in parsed.operations:
                    self._by_operation[id(operation)] = (operation, parsed)
                self._evict()
        return parsed

    def _evict(self) -> None:
        """Drop the least recently used entries until the cache is within its budget."""
        while self.bytes > self.max_bytes:
            _, old = self._entries.popitem(last=False)
            self.bytes -= old.size
            for operation in old.operations:
                del self._by_operation[id(operation)]

    def charge(self, operation: OperationDefinitionNode, size: int) -> None:
        """Count `size` more bytes for the entry of `operation`'s document: what was kept
        with it since; evicting entries (it too, if it is the oldest) past the budget."""
        with self._lock:
            found = self._by_operation.get(id(operation))
            if found is None or found[0] is not operation:
                return  # evicted meanwhile: what it kept goes with it
            found[1].size += size
            self.bytes += size
            self._evict()

    def entry_of(self, operation: OperationDefinitionNode) -> Parsed | None:
        """The entry whose document has `operation`, if it is cached."""
        found = self._by_operation.get(id(operation))
        return found[1] if found is not None and found[0] is operation else None

    def measured(self, schema: GraphQLSchema, query: str) -> Parsed:
        """The entry of `query`, its cost worked out (once per cached text)."""
        parsed = self.get(query)
        if parsed.cost is None:
            parsed.cost = query_cost(schema, parsed.document) if parsed.document else 0
        return parsed

    def extension(self, rules: Sequence[type[ASTValidationRule]]) -> Callable[[], SchemaExtension]:
        """A factory of the extension that parses, validates (with `rules` added) and
        reports the cost through this cache."""
        cache = self
        added = list(rules)

        # An `AddValidationRules`, so that whoever validates a document outside an
        # execution (the exports) finds the same rules among the schema's extensions.
        class CachedDocuments(AddValidationRules):
            """One cache entry per request: its document, its validation and its cost."""

            # The rules are applied in `on_parse`, where a new document is validated once.
            on_operation = SchemaExtension.on_operation  # type: ignore[assignment]

            def __init__(self) -> None:
                super().__init__(added)
                self.parsed: Parsed | None = None

            def on_parse(self) -> Iterator[None]:
                # Validated here too, once per text: strawberry validates only a document
                # whose validation is not known yet (`pre_execution_errors` is None).
                context = self.execution_context
                if context.query is not None:
                    self.parsed = parsed = cache.get(context.query)
                    if parsed.syntax_error is not None:
                        raise parsed.syntax_error
                    if parsed.validation is None and parsed.document is not None:
                        # Imported here: strawberry's schema module imports the extensions.
                        from strawberry.schema.schema import validate_document

                        parsed.validation = validate_document(
                            context.schema._schema,
                            parsed.document,
                            (*context.validation_rules, *added),
                        )
                    context.graphql_document = parsed.document
                    context.pre_execution_errors = parsed.validation
                yield

            def get_results(self) -> dict[str, Any]:
                context = self.execution_context
                parsed = self.parsed
                if parsed is None or parsed.document is None:
                    return {}
                if parsed.cost is None:
                    parsed.cost = query_cost(context.schema._schema, parsed.document)
                return {"cost": parsed.cost}

        return CachedDocuments


def _parse(query: str, max_tokens: int) -> Parsed:
    size = ENTRY_OVERHEAD + BYTES_PER_CHAR * len(query)
    try:
        return Parsed(parse(query, max_tokens=max_tokens), None, size)
    except GraphQLError as error:
        return Parsed(None, error, ENTRY_OVERHEAD + len(query))


def operation_problem(document: DocumentNode, operation_name: str | None) -> str | None:
    """Why no operation of `document` can run for `operation_name`, or None when one can.

    >>> operation_problem(parse("query A { a } query B { b }"), None)
    'the document has 2 operations; say which to run with `operationName`'
    >>> operation_problem(parse("query A { a }"), "C")
    "no operation named 'C' in the document; it has: A"
    """
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return "the document has no operation to run, only fragments"
    if operation_name is None:
        if len(operations) > 1:
            return (
                f"the document has {len(operations)} operations; "
                "say which to run with `operationName`"
            )
        return None
    names = [op.name.value for op in operations if op.name is not None]
    if operation_name in names:
        return None
    listed = ", ".join(names[:10]) or "no named operation"
    return f"no operation named {cut(operation_name)!r} in the document; it has: {listed}"
