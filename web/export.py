"""Answers as files: one GraphQL result as CSV or JSON rows, and the whole graph as CSV,
JSON or GraphML.

How a result becomes rows (the same for CSV and JSON):

* The rows are the items of the shallowest list of objects in the answer, the first in
  query order when several are equally shallow; `list=a.b` names another. A connection's
  `edges` rows take their `node`'s fields directly. With no list, the answer is one row.
* A row's nested objects become dotted columns (`sponsor.name`). A nested list of objects
  gives one column per field, its items' values joined with ``" | "`` in order, so the n-th
  value of each such column belongs to the same item; a list inside such an item is
  bracketed, ``[a | b]``. A list of plain values is joined with ``"; "``.
* The objects around the list (`regulatoryStatus.phaseSetBy`, `trials.totalCount`) are
  repeated on every row under their full path, with their own nested lists joined. Lists of
  objects beside the chosen one are left out, and the file names them in a last line.
* Each date has its precision beside it (`date`, `datePrecision`: `2013-11`, `month`).
* Every entity's sources are its own column of URLs, best kind first (regulator before
  sponsor before press): the row's own entity's in `sourceUrls`, a related entity's under
  its path (`sponsor.sourceUrls`); in JSON, each URL with its kind and quotes. regkg adds
  `regkgId` to the query to find them, and leaves it out unless it was asked for. The last
  column is `dataVersion`.
* The rows' connection is followed to its end, a page at a time, up to `MAX_ROWS`; a file
  cut there says so in its last line (`# ...`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Final

import orjson
import strawberry
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    Node,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    Token,
    TokenKind,
    get_named_type,
    parse,
    print_ast,
    specified_rules,
    validate,
)
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from strawberry.extensions import AddValidationRules

from graph.build import KnowledgeGraph
from graph.errors import cut
from graph.records import Citation
from schema.context import Context
from schema.errors import Code
from schema.relay import MAX_PAGE
from web.export_pages import PAGE_INFO_KEY, connection_objects, connection_of, page_query
from web.graphql_http import (
    CACHE_CONTROL,
    GraphQLParams,
    RequestError,
    operation_error,
    read_params,
)

FORMATS: Final = ("csv", "json")
# An export follows the connection its rows come from to the end, a page at a time, up to
# this many rows; a file that stops there says so in its last line.
MAX_ROWS: Final = 100_000
PAGE_SIZE: Final = MAX_PAGE
OBJECT_LIST_JOIN: Final = " | "
VALUE_LIST_JOIN: Final = "; "
ID_FIELD: Final = "regkgId"
SOURCES_COLUMN: Final = "sourceUrls"
DATES: Final = frozenset({"PartialDate", "Date"})  # scalars whose precision gets a column
# The most fragment spreads one export may write out: regkg inlines every fragment where
# it is spread, to add `regkgId` to its selections.
MAX_FRAGMENT_SPREADS: Final = 1_000

Cell = str | int | float | bool | None
Path = tuple[str, ...]


class _Joined(str):
    """A cell made by joining a nested list: bracketed when joined again. `structured` is
    what the JSON export writes instead of the text, when it is not None."""

    structured: Any = None


@dataclass(frozen=True)
class Prepared:
    """A query rewritten to return the regkg id of every entity it selects."""

    query: str
    injected: frozenset[Path]  # response paths where `regkgId` was added, to leave out again
    object_lists: tuple[Path, ...]  # response paths of lists of objects, shallowest first
    dates: frozenset[Path] = frozenset()  # response paths of date fields
    # Response paths of the sources inside citations (`sources.source`): they are the sources
    # of the entity around them, not entities of the row in their own right.
    cited: frozenset[Path] = frozenset()
    connections: frozenset[Path] = frozenset()  # response paths of connection fields


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[dict[str, Cell], ...]
    list_path: str  # the response path of the list the rows come from; "" for one row
    # Lists of objects beside the rows' list: one file holds one list, so these are named
    # in the file instead (`list=` exports any of them).
    left_out: tuple[str, ...] = ()


# -- the query -----------------------------------------------------------------------------


class _CannotRewrite(Exception):
    pass


def prepare(schema: strawberry.Schema, query: str, *, max_tokens: int) -> Prepared:
    """Add `regkgId` to every selection of an entity that lacks it, with fragments inlined.

    A document that is not valid is returned as it is: running it reports the error
    against what the person wrote. The document is parsed with the schema's token limit
    and checked with the schema's own limits before graphql-core's rules, and a document
    whose fragments would grow too large written out is refused (`RequestError`, 400)
    before anything is inlined.
    """
    unchanged = Prepared(query, frozenset(), ())
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return unchanged  # running it reports the same error, at no cost
    _check_inlined_size(document, max_tokens)
    try:
        if validate(schema._schema, document, (*_limit_rules(schema), *specified_rules)):
            return unchanged
        return _prepare(schema._schema, document)
    except Exception:
        # A rule that fails on an invalid document (strawberry's depth limiter raises a
        # KeyError on an unknown fragment): running it as written reports what the
        # endpoint reports for it.
        return unchanged


@lru_cache(maxsize=16)
def _limit_rules(schema: strawberry.Schema) -> tuple[type[ASTValidationRule], ...]:
    """The validation rules the schema's extensions add (depth, aliases, breadth, cost):
    they go first, so that a document over a limit is refused before graphql-core's own
    rules, some of them quadratic in a selection's breadth, work on it."""
    rules: list[type[ASTValidationRule]] = []
    for extension in schema.get_extensions(sync=True):
        if isinstance(extension, AddValidationRules):
            rules.extend(extension.validation_rules)
    return tuple(rules)


def _check_inlined_size(
    document: DocumentNode, max_tokens: int, max_spreads: int = MAX_FRAGMENT_SPREADS
) -> None:
    """Refuse a document whose fragments, each written out wherever it is spread, would
    take more than `max_spreads` spreads or make more than `max_tokens` tokens.

    Both are counted once per fragment and added up, never by writing the fragments out:
    fragments that spread each other twice over double at every level.
    """
    spreads, tokens = _inlined_size(document)
    if spreads > max_spreads:
        raise RequestError(
            400,
            f"exporting this query would write out its fragments {spreads} times, over the "
            f"limit of {max_spreads} fragment spreads: spread each fragment in fewer places",
            code=Code.LIMIT_EXCEEDED.value,
        )
    if tokens > max_tokens:
        raise RequestError(
            400,
            f"with its fragments written out, this query has {tokens} tokens, over the limit "
            f"of {max_tokens} tokens: spread each fragment in fewer places",
            code=Code.LIMIT_EXCEEDED.value,
        )


def _inlined_size(document: DocumentNode) -> tuple[int, int]:
    """(fragment spreads written out, tokens) of the document's operations with every
    fragment spread replaced by the fragment (`...F` by `... on T { <F's selections> }`),
    as `_inline` does. An unknown or cyclic spread counts as itself: validation reports it.
    """
    if document.loc is None:
        return 0, 0
    positions: dict[int, int] = {}  # id(token) -> its index among the non-comment tokens
    token: Token | None = document.loc.start_token
    while token is not None:
        if token.kind is not TokenKind.COMMENT:
            positions[id(token)] = len(positions)
        token = token.next

    def own_tokens(node: Node) -> int:
        if node.loc is None:
            return 0
        return positions[id(node.loc.end_token)] - positions[id(node.loc.start_token)] + 1

    fragments = {
        d.name.value: (own_tokens(d.selection_set), _spread_names(d.selection_set))
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    # Per fragment, what writing it out in place of one spread adds: (spreads, tokens).
    # A spread `...F` (2 tokens) becomes `... on T { ... }` (3 tokens and the selections).
    added: dict[str, tuple[int, int]] = {}

    def inside(names: Iterable[str]) -> tuple[int, int]:
        spreads = tokens = 0
        for name in names:
            spreads += 1
            if name in added:  # else unknown or in a cycle: left as it is, and invalid
                more_spreads, more_tokens = added[name]
                spreads += more_spreads
                tokens += 1 + more_tokens
        return spreads, tokens

    for root in fragments:
        # Depth first without recursion: a fragment once every fragment it spreads is done.
        path = [(root, iter(fragments[root][1]))]
        on_path = {root}
        while path:
            name, spread_names = path[-1]
            for spread in spread_names:
                if spread in fragments and spread not in added and spread not in on_path:
                    path.append((spread, iter(fragments[spread][1])))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.discard(name)
                if name not in added:
                    body, names = fragments[name]
                    spreads, tokens = inside(names)
                    added[name] = (spreads, body + tokens)

    spreads = tokens = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            more_spreads, more_tokens = inside(_spread_names(definition.selection_set))
            spreads += more_spreads
            tokens += own_tokens(definition) + more_tokens
    return spreads, tokens


def _spread_names(selection_set: SelectionSetNode) -> list[str]:
    """The fragment names spread anywhere in `selection_set`, once per spread."""
    names: list[str] = []
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif (
                isinstance(selection, FieldNode | InlineFragmentNode)
                and selection.selection_set is not None
            ):
                stack.append(selection.selection_set)
    return names


def _prepare(schema: GraphQLSchema, document: DocumentNode) -> Prepared:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    found = _Found()
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            continue
        if not isinstance(definition, OperationDefinitionNode):
            raise _CannotRewrite
        root = schema.get_root_type(definition.operation)
        if root is None:
            raise _CannotRewrite
        inlined = _inline(definition.selection_set, fragments, ())
        selection_set = _inject(schema, inlined, root, (), found)
        definitions.append(_copy(definition, selection_set=selection_set))
    rewritten = DocumentNode(definitions=tuple(definitions))
    ordered = sorted(enumerate(found.lists), key=lambda item: (len(item[1]), item[0]))
    unique = tuple(dict.fromkeys(path for _, path in ordered))
    return Prepared(
        print_ast(rewritten),
        frozenset(found.injected),
        unique,
        frozenset(found.dates),
        frozenset(found.cited),
        frozenset(found.connections),
    )


@dataclass
class _Found:
    """What `_inject` learns about the response paths while it walks the query."""

    injected: set[Path] = field(default_factory=set)
    lists: list[Path] = field(default_factory=list)
    dates: set[Path] = field(default_factory=set)
    cited: set[Path] = field(default_factory=set)
    connections: set[Path] = field(default_factory=set)


def _copy(node: Any, **changes: Any) -> Any:
    values = {key: getattr(node, key) for key in node.keys}
    values.update(changes)
    return type(node)(**values)


def _inline(
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    expanding: tuple[str, ...],
) -> SelectionSetNode:
    selections: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.selection_set is not None:
                inner = _inline(selection.selection_set, fragments, expanding)
                selection = _copy(selection, selection_set=inner)
            selections.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            inner = _inline(selection.selection_set, fragments, expanding)
            selections.append(_copy(selection, selection_set=inner))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in expanding:
                raise _CannotRewrite
            inner = _inline(fragment.selection_set, fragments, (*expanding, name))
            selections.append(
                InlineFragmentNode(
                    type_condition=fragment.type_condition,
                    directives=selection.directives,
                    selection_set=inner,
                )
            )
    return SelectionSetNode(selections=tuple(selections))


def _fields_of(parent: GraphQLNamedType) -> Mapping[str, Any]:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        fields: Mapping[str, Any] = parent.fields
        return fields
    return {}


def _is_object_list(output: GraphQLOutputType) -> bool:
    if isinstance(output, GraphQLNonNull):
        output = output.of_type
    return isinstance(output, GraphQLList) and isinstance(
        get_named_type(output), GraphQLObjectType | GraphQLInterfaceType
    )


def _response_keys(selection_set: SelectionSetNode) -> Iterator[tuple[str, str]]:
    """(response key, field name) of every field selected here, inline fragments included."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            key = (selection.alias or selection.name).value
            yield key, selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _response_keys(selection.selection_set)


def _inject(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode,
    parent: GraphQLNamedType,
    path: Path,
    found: _Found,
) -> SelectionSetNode:
    selections: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.selection_set is None:
                definition = _fields_of(parent).get(selection.name.value)
                if definition is not None and get_named_type(definition.type).name in DATES:
                    found.dates.add((*path, (selection.alias or selection.name).value))
                selections.append(selection)
                continue
            if selection.name.value.startswith("__"):
                selections.append(selection)
                continue
            definition = _fields_of(parent).get(selection.name.value)
            if definition is None:
                raise _CannotRewrite
            key = (selection.alias or selection.name).value
            here = (*path, key)
            if _is_object_list(definition.type):
                found.lists.append(here)
            named = get_named_type(definition.type)
            if parent.name == "Citation" and selection.name.value == "source":
                found.cited.add(here)
            if {"pageInfo", "edges", "nodes"} <= set(_fields_of(named)):
                found.connections.add(here)
            inner = _inject(schema, selection.selection_set, named, here, found)
            keys = dict(_response_keys(inner))
            if ID_FIELD in _fields_of(named) and ID_FIELD not in keys:
                extra = FieldNode(name=NameNode(value=ID_FIELD))
                inner = SelectionSetNode(selections=(*inner.selections, extra))
                found.injected.add(here)
            selections.append(_copy(selection, selection_set=inner))
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = schema.get_type(condition.name.value) if condition else parent
            if target is None:
                raise _CannotRewrite
            inner = _inject(schema, selection.selection_set, target, path, found)
            selections.append(_copy(selection, selection_set=inner))
        else:
            selections.append(selection)
    return SelectionSetNode(selections=tuple(selections))


# -- the answer ----------------------------------------------------------------------------

# Source kinds, best first: a reader should cite the regulator before the press. Older data
# spells some kinds differently; they rank with the kinds they became.
SOURCE_RANK: Final[Mapping[str, int]] = {
    kind: rank
    for rank, kinds in enumerate(
        (
            ("regulator",),
            ("legislature",),
            ("court",),
            ("registry",),
            ("journal",),
            ("sponsor", "press_release", "filing"),
            ("press", "news"),
            ("reference",),
            ("secondary_copy",),
        )
    )
    for kind in kinds
}


def ranked_citations(kg: KnowledgeGraph, node_id: str) -> list[dict[str, Any]]:
    """The sources of one entity, best kind first (then in the order the record gives
    them), each once: `{url, held, kind, publisher, published, quotes}`; `url` is null
    only for a copy with no public address, whose `held` says where its text is kept. A
    source entity is its own first source."""
    if node_id not in kg:
        return []
    attrs = kg.node(node_id)
    found: dict[str, dict[str, Any]] = {}

    def add(source_id: str, quote: str | None) -> None:
        source = kg.node(source_id)
        entry = found.setdefault(
            source_id,
            {
                "url": str(source["url"]) if "url" in source else None,
                "held": source.get("held"),
                "kind": str(source.get("type", "")).upper(),
                "publisher": source.get("publisher"),
                "published": _text(_date_text(source.get("published"))) or None,
                "quotes": [],
            },
        )
        if quote and quote not in entry["quotes"]:
            entry["quotes"].append(quote)

    if attrs.get("kind") == "source":
        add(node_id, None)
    citations: tuple[Citation, ...] = attrs.get("citations", ())
    for citation in citations:
        add(citation.source, citation.quote)
    order = {source_id: index for index, source_id in enumerate(found)}
    best_first = sorted(
        found,
        key=lambda s: (SOURCE_RANK.get(str(kg.node(s).get("type")), len(SOURCE_RANK)), order[s]),
    )
    return [found[s] for s in best_first]


def _date_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _sources_cell(kg: KnowledgeGraph, node_id: str) -> _Joined:
    """The URLs of an entity's sources joined, best kind first (a copy with no public
    address has none to give); in JSON, each with its kind, publisher, date and quotes."""
    citations = ranked_citations(kg, node_id)
    cell = _Joined(OBJECT_LIST_JOIN.join(c["url"] for c in citations if c["url"]))
    cell.structured = citations
    return cell


def precision_of(text: str) -> str:
    """The precision of a date as the API writes it.

    >>> precision_of("2013-11"), precision_of("2013"), precision_of("2013-11-05")
    ('month', 'year', 'day')
    """
    return {4: "year", 7: "month"}.get(len(text), "day")


@dataclass
class _Flattener:
    kg: KnowledgeGraph
    prepared: Prepared

    def object(
        self, value: Mapping[str, Any], path: Path, skip_lists: bool = False
    ) -> dict[str, Cell]:
        """One object's cells: nested objects as dotted columns, lists joined, each date
        with its precision beside it, and an entity's own sources last."""
        out: dict[str, Cell] = {}
        strip = path in self.prepared.injected
        entity: str | None = None
        for key, item in value.items():
            if key == ID_FIELD and isinstance(item, str):
                entity = item
                if strip:
                    continue
            here = (*path, key)
            if isinstance(item, Mapping):
                for name, cell in self.object(item, here, skip_lists).items():
                    out[f"{key}.{name}"] = cell
            elif isinstance(item, list):
                if any(isinstance(v, Mapping) for v in item):
                    if skip_lists:
                        continue
                    out.update(self._object_list(key, item, here))
                else:
                    out[key] = _Joined(VALUE_LIST_JOIN.join(_text(v) for v in item))
            else:
                out[key] = item
                if here in self.prepared.dates:
                    out[f"{key}Precision"] = precision_of(item) if isinstance(item, str) else None
        if entity is not None and path not in self.prepared.cited:
            out[SOURCES_COLUMN] = _sources_cell(self.kg, entity)
        return out

    def _object_list(self, key: str, items: list[Any], path: Path) -> dict[str, Cell]:
        parts = [self.object(v, path) if isinstance(v, Mapping) else {} for v in items]
        columns = list(dict.fromkeys(name for part in parts for name in part))
        out: dict[str, Cell] = {}
        for name in columns:
            cells = [part.get(name) for part in parts]
            joined = _Joined(
                OBJECT_LIST_JOIN.join(
                    f"[{cell}]" if isinstance(cell, _Joined) else _text(cell) for cell in cells
                )
            )
            if any(isinstance(c, _Joined) and c.structured is not None for c in cells):
                joined.structured = [_plain(c) for c in cells]
            out[f"{key}.{name}"] = joined
        return out


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_path(text: str | None) -> Path | None:
    if not text:
        return None
    parts = tuple(p.strip() for p in text.split(".") if p.strip())
    return parts or None


def _walk(
    value: Any, path: Path, remaining: Path, ancestors: tuple[tuple[Path, Mapping[str, Any]], ...]
) -> Iterator[tuple[tuple[tuple[Path, Mapping[str, Any]], ...], Mapping[str, Any], Path]]:
    """Each item of the list at `remaining` below `value`, with the objects around it."""
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, path, remaining, ancestors)
        return
    if not isinstance(value, Mapping):
        return
    if not remaining:
        yield ancestors, value, path
        return
    key, rest = remaining[0], remaining[1:]
    if key in value:
        yield from _walk(value[key], (*path, key), rest, (*ancestors, (path, value)))


def _has_path(value: Any, path: Path) -> bool:
    """Whether `path` leads to a list in `value`, through lists on the way."""
    if not path:
        return isinstance(value, list)
    if isinstance(value, list):
        return any(_has_path(v, path) for v in value)
    if isinstance(value, Mapping) and path[0] in value:
        return _has_path(value[path[0]], path[1:])
    return False


def _data_lists(data: Mapping[str, Any]) -> Iterator[Path]:
    """Paths of lists of objects in the data, shallowest first (when the query was not
    rewritten and the schema could not say)."""
    level: list[tuple[Path, Any]] = [((key,), value) for key, value in data.items()]
    while level:
        following: list[tuple[Path, Any]] = []
        for path, value in level:
            if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
                yield path
            elif isinstance(value, Mapping):
                following.extend(((*path, k), v) for k, v in value.items())
        level = following


def choose_list(
    data: Mapping[str, Any], prepared: Prepared, list_path: str | None = None
) -> Path | None:
    """The response path of the list the rows come from: `list_path` if given (a
    `RequestError` if it is not a list in `data`), else the shallowest list of objects."""
    chosen = _parse_path(list_path)
    if chosen is None:
        candidates = [p for p in prepared.object_lists if _has_path(data, p)]
        candidates = candidates or list(_data_lists(data))
        return candidates[0] if candidates else None
    if not _has_path(data, chosen):
        raise RequestError(400, f"`list` {cut(list_path or '')!r} is not a list in the answer")
    return chosen


def table(
    kg: KnowledgeGraph,
    data: Mapping[str, Any],
    prepared: Prepared,
    list_path: str | None = None,
) -> Table:
    """The rows of one GraphQL answer: see the module's docstring."""
    flattener = _Flattener(kg, prepared)
    chosen = choose_list(data, prepared, list_path)
    rows: list[dict[str, Cell]] = []
    around: dict[str, None] = {}  # columns from the objects around the list
    left_out: dict[str, None] = {}
    if chosen is None:
        row = flattener.object(data, ())
        if len(data) == 1:
            # One root field: its entity is the row's own.
            (key,) = data
            own = row.pop(f"{key}.{SOURCES_COLUMN}", None)
            if own is not None:
                row[SOURCES_COLUMN] = own
        rows.append(row)
    else:
        for ancestors, item, path in _walk(data, (), chosen, ()):
            context: dict[str, Cell] = {}
            for depth, (where, outer) in enumerate(ancestors):
                outside: dict[str, Any] = {}
                for key, value in outer.items():
                    if key == chosen[depth]:
                        continue
                    if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
                        left_out[".".join((*where, key))] = None
                        continue
                    outside[key] = value
                cells = flattener.object(outside, where)
                prefix = ".".join(where)
                context.update({f"{prefix}.{k}" if prefix else k: v for k, v in cells.items()})
            row = flattener.object(item, path)
            if chosen[-1] == "edges" and isinstance(item.get("node"), Mapping):
                row = {k.removeprefix("node."): v for k, v in row.items()}
            around.update(dict.fromkeys(k for k in context if k not in row))
            row.update({k: v for k, v in context.items() if k not in row})
            rows.append(row)

    seen = list(dict.fromkeys(name for row in rows for name in row if name not in around))
    seen += list(around)
    columns = [c for c in seen if c != SOURCES_COLUMN and not _null_object(c, seen, rows)]
    # A field's columns stand where the field first appeared, even if it was null there.
    position = {c: i for i, c in enumerate(seen)}
    columns.sort(key=lambda c: min(position.get(p, position[c]) for p in _prefixes(c)))
    columns += [SOURCES_COLUMN, "dataVersion"]
    for row in rows:
        row["dataVersion"] = kg.version
    ordered = tuple({c: row.get(c) for c in columns} for row in rows)
    return Table(tuple(columns), ordered, ".".join(chosen) if chosen else "", tuple(left_out))


def _prefixes(column: str) -> Iterator[str]:
    """`a`, `a.b`, `a.b.c` for `a.b.c`."""
    parts = column.split(".")
    for end in range(1, len(parts) + 1):
        yield ".".join(parts[:end])


def _null_object(column: str, columns: Sequence[str], rows: Sequence[Mapping[str, Cell]]) -> bool:
    """An object that is null on some rows and has fields on others: keep only its fields."""
    return any(c.startswith(f"{column}.") for c in columns) and all(
        row.get(column) is None for row in rows
    )


def to_csv(
    columns: Sequence[str], rows: Iterable[Mapping[str, Cell]], notes: Sequence[str] = ()
) -> str:
    """RFC 4180 CSV with a header row; empty cells for nulls, `true`/`false` for booleans;
    each note as a last row of its own, starting with `#`."""
    return "".join(csv_chunks(columns, rows, notes))


def csv_chunks(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Cell]],
    notes: Sequence[str] = (),
    bom: bool = False,
    rows_per_chunk: int = 500,
) -> Iterator[str]:
    """The CSV text in pieces of `rows_per_chunk` rows, to stream: see `to_csv`. `bom`
    starts it with a byte-order mark, which tells Excel that the file is UTF-8."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_text(row.get(c)) for c in columns])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    for note in notes:
        writer.writerow([f"# {note}"])
    yield buffer.getvalue()


def to_json(
    result: Table,
    version: str,
    query: str,
    variables: Mapping[str, Any] | None,
    notes: Sequence[str] = (),
) -> bytes:
    """The same rows as JSON objects, with the data version, the query, the columns, and
    what the file leaves out; source columns as lists of `{url, kind, publisher, published,
    quotes}`."""
    document = {
        "dataVersion": version,
        "query": query,
        "variables": variables,
        "list": result.list_path,
        "columns": list(result.columns),
        "rows": [{c: _plain(row.get(c)) for c in result.columns} for row in result.rows],
        "leftOut": list(result.left_out),
        "notes": list(notes),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def _plain(value: Cell) -> Any:
    if isinstance(value, _Joined):
        return str(value) if value.structured is None else value.structured
    return value


def file_name(stem: str, version: str, extension: str) -> str:
    """`regkg-<what>-<data version>.<extension>`, safe in any file system."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-") or "answer"
    return f"regkg-{safe}-{version}.{extension}"


def etag_of(*parts: Any) -> str:
    """A strong ETag for a response that `parts` decide entirely."""
    digest = hashlib.blake2b(orjson.dumps(parts, default=str), digest_size=16).hexdigest()
    return f'"{digest}"'


def not_modified(request: Request, etag: str) -> Response | None:
    """A 304 when the client already holds `etag`, else None."""
    header = request.headers.get("if-none-match", "")
    held = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag in held or "*" in held:
        return Response(status_code=304, headers=cache_headers(etag))
    return None


def cache_headers(etag: str) -> dict[str, str]:
    """The caching headers of GraphQL GETs: files never change within a data version."""
    return {"ETag": etag, "Cache-Control": CACHE_CONTROL}


def _error(
    status: int, messages: Iterable[str], codes: Iterable[str | None] | None = None
) -> Response:
    """The errors as GraphQL over HTTP gives them; each with its `extensions.code`
    (BAD_REQUEST when the request itself is wrong)."""
    listed = list(messages)
    coded = list(codes) if codes is not None else [Code.BAD_REQUEST.value] * len(listed)
    errors = [
        {"message": message, **({"extensions": {"code": code}} if code else {})}
        for message, code in zip(listed, coded, strict=True)
    ]
    return Response(
        orjson.dumps({"errors": errors}), status_code=status, media_type="application/json"
    )


async def export_answer(
    request: Request, schema: strawberry.Schema, kg: KnowledgeGraph, *, max_tokens: int
) -> Response:
    """`GET /graphql?query=...&format=csv|json[&variables=...][&operationName=...][&list=a.b]
    [&bom=1]`: run the query and answer with its rows as a file.

    `max_tokens` is the schema's token limit. The query runs through the schema, with all
    its limits, in a worker thread: an export never holds up the event loop.
    """
    wanted = request.query_params.get("format", "").lower()
    if wanted not in FORMATS:
        return _error(400, [f"unknown format {cut(wanted)!r}; use one of {', '.join(FORMATS)}"])
    if request.method != "GET":
        return _error(405, ["exports are GET requests"])
    try:
        params = await read_params(request)
    except RequestError as exc:
        return _error(exc.status, [str(exc)])
    options = ExportOptions(
        wanted,
        request.query_params.get("list"),
        request.query_params.get("bom", "") in ("1", "true", "yes"),
    )
    etag = etag_of(
        params.query, params.variables, params.operation_name, options, kg.version, date.today()
    )
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    response: Response = await run_in_threadpool(_answer, schema, kg, params, options, max_tokens)
    if response.status_code == 200:
        response.headers.update(cache_headers(etag))
    return response


@dataclass(frozen=True)
class ExportOptions:
    format: str
    list_path: str | None = None
    bom: bool = False


def _answer(
    schema: strawberry.Schema,
    kg: KnowledgeGraph,
    params: GraphQLParams,
    options: ExportOptions,
    max_tokens: int,
) -> Response:
    try:
        prepared = prepare(schema, params.query, max_tokens=max_tokens)
        problem = operation_error(params.query, params.operation_name, max_tokens)
        if problem is not None:
            raise RequestError(400, problem, code=Code.BAD_REQUEST.value)
        data, notes = _collect(schema, kg, params, prepared, options.list_path)
        rows = table(kg, data, prepared, options.list_path)
    except RequestError as exc:
        return _error(exc.status, [str(exc)], [exc.code or Code.BAD_REQUEST.value])
    except _QueryErrors as exc:
        return _error(400, exc.messages, exc.codes)
    if rows.left_out:
        notes.append(
            "left out of this file (lists beside its rows): "
            + " and ".join(rows.left_out)
            + "; export one with list=<path>"
        )
    stem = rows.list_path.split(".")[0] if rows.list_path else (params.operation_name or "answer")
    name = file_name(stem, kg.version, options.format)
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Regkg-Rows": str(len(rows.rows)),
    }
    if notes:
        headers["X-Regkg-Notes"] = " | ".join(notes).encode("ascii", "replace").decode()
    if options.format == "csv":
        chunks = csv_chunks(rows.columns, rows.rows, notes, bom=options.bom)
        return StreamingResponse(chunks, media_type="text/csv; charset=utf-8", headers=headers)
    document = to_json(rows, kg.version, params.query, params.variables, notes)
    return Response(document, media_type="application/json", headers=headers)


class _QueryErrors(Exception):
    def __init__(self, messages: list[str], codes: list[str | None]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
        self.codes = codes


def _run(
    schema: strawberry.Schema,
    kg: KnowledgeGraph,
    query: str,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
) -> dict[str, Any]:
    result = schema.execute_sync(
        query,
        variable_values=dict(variables) if variables is not None else None,
        context_value=Context(kg),
        operation_name=operation_name,
    )
    if result.errors:
        raise _QueryErrors(
            [error.message for error in result.errors],
            [(error.extensions or {}).get("code") for error in result.errors],
        )
    if not result.data:
        raise _QueryErrors(["the query returned no data"], [Code.BAD_REQUEST.value])
    return result.data


def _collect(
    schema: strawberry.Schema,
    kg: KnowledgeGraph,
    params: GraphQLParams,
    prepared: Prepared,
    list_path: str | None,
) -> tuple[dict[str, Any], list[str]]:
    """The answer, with the rows' connection followed to its end (at most `MAX_ROWS`
    items), and notes on where it stopped."""
    wanted = _parse_path(list_path) or (prepared.object_lists[0] if prepared.object_lists else ())
    connection = connection_of(wanted, prepared.connections, prepared.object_lists)
    paged = None
    if connection is not None:
        paged = page_query(
            prepared.query, connection, params.operation_name, params.variables, PAGE_SIZE
        )
    if paged is None:
        return _run(schema, kg, prepared.query, params.variables, params.operation_name), []
    variables = paged.variables(params.variables, paged.start)
    data = _run(schema, kg, paged.query, variables, params.operation_name)
    notes: list[str] = []
    objects = list(connection_objects(data, paged.connection))
    if choose_list(data, prepared, list_path) != wanted or len(objects) != 1:
        for found in objects:
            found.pop(PAGE_INFO_KEY, None)
        return data, notes
    (first,) = objects
    key = wanted[-1]
    items: list[Any] = first.get(key) or []
    page = first.pop(PAGE_INFO_KEY, None) or {}
    while page.get("hasNextPage") and len(items) < MAX_ROWS:
        variables = paged.variables(params.variables, page.get("endCursor"))
        more = _run(schema, kg, paged.query, variables, params.operation_name)
        (following,) = connection_objects(more, paged.connection)
        items.extend(following.get(key) or [])
        page = following.get(PAGE_INFO_KEY) or {}
    if len(items) > MAX_ROWS or page.get("hasNextPage"):
        shown = items[MAX_ROWS - 1]
        cursor = shown.get("cursor") if isinstance(shown, Mapping) else None
        del items[MAX_ROWS:]
        more_text = f" after cursor {cursor}" if cursor else ""
        notes.append(
            f"regkg stopped this export at its limit of {MAX_ROWS} rows; the answer has more"
            f"{more_text}: narrow the query or continue with `after`"
        )
    first[key] = items
    return data, notes
