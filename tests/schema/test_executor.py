"""The executor's fast paths answer exactly as graphql-core's own execution does: the same
data, the same errors at the same paths, nulls propagating to the same parents."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    ExecutionResult,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
    execute,
    parse,
)
from graphql.execution import Executor

from graph.build import KnowledgeGraph
from schema.app import build_schema as build_regkg_schema
from schema.context import Context
from schema.documents import BYTES_PER_CHAR, ENTRY_OVERHEAD
from schema.executor import PLANNED_BYTES, RegkgExecutor, Selections
from schema.wiring import READER

SDL = """
enum Color { RED GREEN }

interface Named { name: String }

type Other implements Named { name: String }

type Item implements Named {
  name: String
  title: String!
  count: Int
  flag: Boolean
  color: Color
  tags: [String!]!
  labels: [String]
  child: Item
  kids: [Item!]
  echo(word: String!): String
  peer: Item
  peers: [Item!]!
}

type Query {
  item: Item
  items: [Item!]
  loose: [Item]
  required: Item!
  named: [Named!]
  anyNamed: [Named]
}
"""

QUERY = """
{
  item { ...all child { ...all } kids { ...all } }
  items { ...all kids { name title } echo(word: "hi") peer { title } peers { name title } }
  loose { ...all }
  required { title child { title } }
  named { __typename name ... on Item { title } }
  anyNamed { __typename name ... on Item { title } }
}
fragment all on Item { name title count flag color tags labels }
"""


class Boom(Exception):
    """What a reader raises for a value marked BOOM."""


BOOM = object()


def _reader(name: str) -> Any:
    def read(root: Any) -> Any:
        value = root.get(name)
        if value is BOOM:
            raise Boom(f"no {name}")
        return value

    return read


RESOLVED: list[str] = []  # fields whose resolver graphql-core called


def _schema() -> Any:
    schema = build_schema(SDL)
    item = schema.type_map["Item"]
    assert isinstance(item, GraphQLObjectType)
    # Like a node type's: an item is a dict that says it is one.
    item.is_type_of = lambda value, info: isinstance(value, dict) and value.get("is") == "item"
    # Fields with a resolver of their own, that graphql-core calls with an info.
    item.fields["echo"].resolve = lambda root, info, word: f"{word} {root.get('name')}"
    item.fields["peer"].resolve = lambda root, info: _reader("peer")(root)
    item.fields["peers"].resolve = lambda root, info: _reader("peers")(root) or ()
    named = schema.type_map["Named"]
    assert isinstance(named, GraphQLInterfaceType)
    named.resolve_type = lambda value, info, _: value.get("is", "").title() or None
    for name, field in item.fields.items():
        if field.resolve is not None:
            continue
        read = _reader(name)

        def resolve(root: Any, info: Any, read: Any = read, name: str = name) -> Any:
            RESOLVED.append(name)
            return read(root)

        field.resolve = resolve
        field.extensions = {READER: (resolve, read)}
    return schema


class Fast(RegkgExecutor):
    synchronous = True


def item(**values: Any) -> dict[str, Any]:
    return {"is": "item", "title": "T", "tags": [], **values}


def _run(root: dict[str, Any], executor: type[Executor[Any]]) -> ExecutionResult:
    result = execute(_schema(), parse(QUERY), root, executor_class=executor)
    assert isinstance(result, ExecutionResult)
    return result


def _same_as_graphql_core(root: dict[str, Any]) -> ExecutionResult:
    ours, theirs = _run(root, Fast), _run(root, Executor)
    assert ours.data == theirs.data
    assert [(e.message, e.path) for e in ours.errors or ()] == [
        (e.message, e.path) for e in theirs.errors or ()
    ]
    return ours


CASES: dict[str, dict[str, Any]] = {
    "plain values": {
        "item": item(name="a", count=3, flag=True, color="RED", tags=["x"], labels=["y", None]),
        "items": [item(kids=[item(name="k")], peer=item(), peers=[item()]), item()],
        "loose": [None, item()],
        "required": item(child=item()),
        "named": [item(name="i"), {"is": "other", "name": "o"}, item()],
    },
    "values to convert": {"item": item(name=5, flag=0, count=7.0, tags=[1, True])},
    "values that cannot be converted": {
        "item": item(name={"no": 1}, count=2**40, color="BLUE", labels=[object()]),
        "items": [item(tags=[{}])],
        "required": item(),
    },
    "null in a non-null field": {
        "item": item(title=None),
        "items": [item(), item(kids=[item(title=None)])],
        "required": item(),
    },
    "null item in a non-null list": {"items": [item(), None], "loose": [None], "required": item()},
    "null in a non-null leaf list": {"item": item(tags=["a", None]), "required": item()},
    "a reader that raises": {
        "item": item(name=BOOM, child=item(title=BOOM)),
        "items": [item(kids=[item(), item(title=BOOM)]), item(peer=BOOM), item(peers=BOOM)],
        "required": item(),
    },
    "a wrong object": {
        "item": item(child={"is": "other"}),
        "items": [item(peer={"is": "other"}), item(peers=[{}])],
        "required": item(),
    },
    "a wrong abstract item": {
        "named": [item(), {"is": "nothing"}],
        "anyNamed": [item(), {"is": "nothing"}, {"is": "named"}, {}, None, item(title=None), 5],
        "required": item(),
    },
    "a wrong list": {"items": [item(peers=5), item(kids={})], "required": item()},
    "a null that reaches the root": {"item": item(), "required": item(title=None)},
    "a list that is no list": {"item": item(tags=iter(["a"]), kids=iter([item()]))},
}


@pytest.mark.parametrize("root", CASES.values(), ids=CASES.keys())
def test_answers_as_graphql_core_does(root: dict[str, Any]) -> None:
    _same_as_graphql_core(root)


def test_the_cases_do_fail_where_they_should() -> None:
    result = _same_as_graphql_core(CASES["null in a non-null field"])
    assert [e.path for e in result.errors or ()] == [
        ["item", "title"],
        ["items", 1, "kids", 0, "title"],
    ]
    assert result.data is not None
    assert result.data["item"] is None
    assert result.data["items"][1]["kids"] is None
    assert _same_as_graphql_core(CASES["a null that reaches the root"]).data is None


def test_fields_with_a_reader_are_read_without_their_resolver() -> None:
    RESOLVED.clear()
    _run(CASES["plain values"], Fast)
    assert RESOLVED == []
    _run(CASES["plain values"], Executor)
    assert "title" in RESOLVED


def test_without_synchronous_resolvers_graphql_core_does_everything() -> None:
    # Unknown resolvers might return awaitables: no fast path is taken at all.
    result = _run(CASES["plain values"], RegkgExecutor)
    assert result.data == _run(CASES["plain values"], Executor).data


def test_the_regkg_schema_is_synchronous() -> None:
    assert build_regkg_schema().execution_context_class.synchronous  # type: ignore[union-attr]


TRIALS = """
query ($full: Boolean!) {
  trials(first: 5) {
    nodes { regkgId title conditions @include(if: $full) { name } }
  }
}
"""
SUBSTANCES = """
query ($id: String!) {
  substance(id: $id) { name trials { regkgId sponsor { name } } }
  entity(id: $id) { __typename ... on Substance { name } }
}
"""


def _regkg(schema: Any, kg: KnowledgeGraph, query: str, **variables: Any) -> Any:
    result = schema.execute_sync(query, variable_values=variables, context_value=Context(kg))
    assert result.errors is None
    return result.data


def _kept(schema: Any, query: str) -> list[Any]:
    entry = schema.documents.peek(query)
    assert entry is not None
    return list(entry.executions.values())


def test_what_an_execution_plans_is_kept_for_the_next(tiny: KnowledgeGraph) -> None:
    schema = build_regkg_schema()
    substance = tiny.by_kind["substance"][0]
    first = _regkg(schema, tiny, SUBSTANCES, id=substance)
    (kept,) = _kept(schema, SUBSTANCES)
    assert isinstance(kept, Selections)
    assert kept.planned > 0
    planned = kept.planned
    # Planned once: the second execution finds every plan it needs.
    assert _regkg(schema, tiny, SUBSTANCES, id=substance) == first
    assert kept.planned == planned
    assert first["entity"] == {"__typename": "Substance", "name": first["substance"]["name"]}


def test_what_is_kept_is_counted_in_the_document_cache(tiny: KnowledgeGraph) -> None:
    schema = build_regkg_schema()
    substance = tiny.by_kind["substance"][0]
    _regkg(schema, tiny, SUBSTANCES, id=substance)
    entry = schema.documents.peek(SUBSTANCES)
    (kept,) = _kept(schema, SUBSTANCES)
    assert entry is not None
    assert kept.charged == kept.planned
    assert entry.size == ENTRY_OVERHEAD + BYTES_PER_CHAR * len(SUBSTANCES) + (
        kept.planned * PLANNED_BYTES
    )
    assert schema.documents.bytes == entry.size


def test_selections_that_vary_with_the_variables_are_not_kept(tiny: KnowledgeGraph) -> None:
    schema = build_regkg_schema()
    full = _regkg(schema, tiny, TRIALS, full=True)
    short = _regkg(schema, tiny, TRIALS, full=False)
    assert _kept(schema, TRIALS) == [False]
    assert all("conditions" in node for node in full["trials"]["nodes"])
    assert all("conditions" not in node for node in short["trials"]["nodes"])
    assert _regkg(schema, tiny, TRIALS, full=True) == full
