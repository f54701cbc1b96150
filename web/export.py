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
* The fields of the objects around the list (`trials.totalCount`, `regulatoryStatus.phase`)
  are repeated on every row under their full path; lists beside the chosen one are left out.
* Every row ends with `sourceUrls`: the URLs of the sources cited by every entity in the
  row (regkg adds `regkgId` to the query to find them, and leaves it out of the file unless
  it was asked for), joined with ``" | "``; and `dataVersion`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

import networkx as nx
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
from starlette.responses import Response
from strawberry.extensions import AddValidationRules

from graph.build import KnowledgeGraph
from graph.dates import PartialDate
from graph.errors import cut
from graph.model import KINDS
from graph.records import Citation
from schema.context import Context
from web.graphql_http import GraphQLParams, RequestError, operation_error, read_params

FORMATS: Final = ("csv", "json")
OBJECT_LIST_JOIN: Final = " | "
VALUE_LIST_JOIN: Final = "; "
ID_FIELD: Final = "regkgId"
# The most fragment spreads one export may write out: regkg inlines every fragment where
# it is spread, to add `regkgId` to its selections.
MAX_FRAGMENT_SPREADS: Final = 1_000

Cell = str | int | float | bool | None
Path = tuple[str, ...]


class _Joined(str):
    """A cell made by joining a nested list: bracketed when joined again."""

    __slots__ = ()


@dataclass(frozen=True)
class Prepared:
    """A query rewritten to return the regkg id of every entity it selects."""

    query: str
    injected: frozenset[Path]  # response paths where `regkgId` was added, to leave out again
    object_lists: tuple[Path, ...]  # response paths of lists of objects, shallowest first


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[dict[str, Cell], ...]
    list_path: str  # the response path of the list the rows come from; "" for one row


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
        )
    if tokens > max_tokens:
        raise RequestError(
            400,
            f"with its fragments written out, this query has {tokens} tokens, over the limit "
            f"of {max_tokens} tokens: spread each fragment in fewer places",
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
    injected: set[Path] = set()
    lists: list[Path] = []
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
        selection_set = _inject(schema, inlined, root, (), injected, lists)
        definitions.append(_copy(definition, selection_set=selection_set))
    rewritten = DocumentNode(definitions=tuple(definitions))
    ordered = sorted(enumerate(lists), key=lambda item: (len(item[1]), item[0]))
    unique = tuple(dict.fromkeys(path for _, path in ordered))
    return Prepared(print_ast(rewritten), frozenset(injected), unique)


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
    injected: set[Path],
    lists: list[Path],
) -> SelectionSetNode:
    selections: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.selection_set is None:
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
                lists.append(here)
            named = get_named_type(definition.type)
            inner = _inject(schema, selection.selection_set, named, here, injected, lists)
            keys = dict(_response_keys(inner))
            if ID_FIELD in _fields_of(named) and ID_FIELD not in keys:
                extra = FieldNode(name=NameNode(value=ID_FIELD))
                inner = SelectionSetNode(selections=(*inner.selections, extra))
                injected.add(here)
            selections.append(_copy(selection, selection_set=inner))
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = schema.get_type(condition.name.value) if condition else parent
            if target is None:
                raise _CannotRewrite
            inner = _inject(schema, selection.selection_set, target, path, injected, lists)
            selections.append(_copy(selection, selection_set=inner))
        else:
            selections.append(selection)
    return SelectionSetNode(selections=tuple(selections))


# -- the answer ----------------------------------------------------------------------------


@dataclass
class _Flattener:
    kg: KnowledgeGraph
    injected: frozenset[Path]
    ids: list[str] = field(default_factory=list)

    def object(
        self, value: Mapping[str, Any], path: Path, skip_lists: bool = False
    ) -> dict[str, Cell]:
        out: dict[str, Cell] = {}
        strip = path in self.injected
        for key, item in value.items():
            if key == ID_FIELD and isinstance(item, str):
                self.ids.append(item)
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
        return out

    def _object_list(self, key: str, items: list[Any], path: Path) -> dict[str, Cell]:
        parts = [self.object(v, path) if isinstance(v, Mapping) else {} for v in items]
        columns = list(dict.fromkeys(name for part in parts for name in part))
        out: dict[str, Cell] = {}
        for name in columns:
            cells = [part.get(name) for part in parts]
            joined = OBJECT_LIST_JOIN.join(
                f"[{cell}]" if isinstance(cell, _Joined) else _text(cell) for cell in cells
            )
            out[f"{key}.{name}"] = _Joined(joined)
        return out

    def source_urls(self) -> str:
        urls: dict[str, None] = {}
        for node_id in dict.fromkeys(self.ids):
            if node_id not in self.kg:
                continue
            attrs = self.kg.node(node_id)
            if attrs.get("kind") == "source":
                urls[str(attrs["url"])] = None
            citations: tuple[Citation, ...] = attrs.get("citations", ())
            for citation in citations:
                urls[str(self.kg.node(citation.source)["url"])] = None
        self.ids.clear()
        return OBJECT_LIST_JOIN.join(urls)


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


def table(
    kg: KnowledgeGraph,
    data: Mapping[str, Any],
    prepared: Prepared,
    list_path: str | None = None,
) -> Table:
    """The rows of one GraphQL answer: see the module's docstring."""
    flattener = _Flattener(kg, prepared.injected)
    chosen = _parse_path(list_path)
    if chosen is None:
        candidates = [p for p in prepared.object_lists if _has_path(data, p)]
        candidates = candidates or list(_data_lists(data))
        chosen = candidates[0] if candidates else None
    elif not _has_path(data, chosen):
        raise RequestError(400, f"`list` {cut(list_path or '')!r} is not a list in the answer")

    rows: list[dict[str, Cell]] = []
    around: dict[str, None] = {}  # columns from the objects around the list
    if chosen is None:
        rows.append(flattener.object(data, ()))
        rows[0]["sourceUrls"] = flattener.source_urls()
    else:
        for ancestors, item, path in _walk(data, (), chosen, ()):
            context: dict[str, Cell] = {}
            for depth, (where, outer) in enumerate(ancestors):
                outside = {k: v for k, v in outer.items() if k != chosen[depth]}
                cells = flattener.object(outside, where, skip_lists=True)
                prefix = ".".join(where)
                context.update({f"{prefix}.{k}" if prefix else k: v for k, v in cells.items()})
            flattener.ids.clear()  # the surroundings' sources are not the row's
            row = flattener.object(item, path)
            if chosen[-1] == "edges" and isinstance(item.get("node"), Mapping):
                row = {k.removeprefix("node."): v for k, v in row.items()}
            around.update(dict.fromkeys(k for k in context if k not in row))
            row.update({k: v for k, v in context.items() if k not in row})
            row["sourceUrls"] = flattener.source_urls()
            rows.append(row)

    seen = list(dict.fromkeys(name for row in rows for name in row if name not in around))
    seen += list(around)
    columns = [c for c in seen if c != "sourceUrls" and not _null_object(c, seen, rows)]
    # A field's columns stand where the field first appeared, even if it was null there.
    position = {c: i for i, c in enumerate(seen)}
    columns.sort(key=lambda c: min(position.get(p, position[c]) for p in _prefixes(c)))
    columns += ["sourceUrls", "dataVersion"]
    for row in rows:
        row["dataVersion"] = kg.version
    ordered = tuple({c: row.get(c) for c in columns} for row in rows)
    return Table(tuple(columns), ordered, ".".join(chosen) if chosen else "")


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


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Cell]]) -> str:
    """RFC 4180 CSV with a header row; empty cells for nulls, `true`/`false` for booleans."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_text(row.get(c)) for c in columns])
    return buffer.getvalue()


def to_json(result: Table, version: str, query: str, variables: Mapping[str, Any] | None) -> bytes:
    """The same rows as JSON objects, with the data version, the query and the columns."""
    document = {
        "dataVersion": version,
        "query": query,
        "variables": variables,
        "list": result.list_path,
        "columns": list(result.columns),
        "rows": [{c: _plain(row.get(c)) for c in result.columns} for row in result.rows],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def _plain(value: Cell) -> Cell:
    return str(value) if isinstance(value, _Joined) else value


def file_name(stem: str, version: str, extension: str) -> str:
    """`regkg-<what>-<data version>.<extension>`, safe in any file system."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-") or "answer"
    return f"regkg-{safe}-{version}.{extension}"


def _attachment(body: bytes | str, media_type: str, name: str, rows: int | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if rows is not None:
        headers["X-Regkg-Rows"] = str(rows)
    return Response(body, media_type=media_type, headers=headers)


def _error(status: int, messages: Iterable[str]) -> Response:
    body = orjson.dumps({"errors": [{"message": m} for m in messages]})
    return Response(body, status_code=status, media_type="application/json")


async def export_answer(
    request: Request, schema: strawberry.Schema, kg: KnowledgeGraph, *, max_tokens: int
) -> Response:
    """`GET /graphql?query=...&format=csv|json[&variables=...][&operationName=...][&list=a.b]`:
    run the query and answer with its rows as a file.

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
    list_path = request.query_params.get("list")
    return await run_in_threadpool(_answer, schema, kg, params, wanted, list_path, max_tokens)


def _answer(
    schema: strawberry.Schema,
    kg: KnowledgeGraph,
    params: GraphQLParams,
    wanted: str,
    list_path: str | None,
    max_tokens: int,
) -> Response:
    try:
        prepared = prepare(schema, params.query, max_tokens=max_tokens)
    except RequestError as exc:
        return _error(exc.status, [str(exc)])
    problem = operation_error(params.query, params.operation_name, max_tokens)
    if problem is not None:
        return _error(400, [problem])
    result = schema.execute_sync(
        prepared.query,
        variable_values=params.variables,
        context_value=Context(kg),
        operation_name=params.operation_name,
    )
    if result.errors:
        return _error(400, [error.message for error in result.errors])
    if not result.data:
        return _error(400, ["the query returned no data"])
    try:
        rows = table(kg, result.data, prepared, list_path)
    except RequestError as exc:
        return _error(exc.status, [str(exc)])
    stem = rows.list_path.split(".")[0] if rows.list_path else (params.operation_name or "answer")
    name = file_name(stem, kg.version, wanted)
    if wanted == "csv":
        body = to_csv(rows.columns, rows.rows)
        return _attachment(body, "text/csv; charset=utf-8", name, len(rows.rows))
    document = to_json(rows, kg.version, params.query, params.variables)
    return _attachment(document, "application/json", name, len(rows.rows))


# -- the whole graph -----------------------------------------------------------------------

_FIRST: Final = ("id", "kind", "label")
_LAST: Final = ("origin", "sources", "sourceUrls", "dataVersion")
# The columns of nodes.csv: every field declared for any kind (graph/model.py), in name
# order, whether or not the data sets it, so the layout is the same for every data version.
NODE_COLUMNS: Final = (
    *_FIRST,
    *sorted({f.name for kind in KINDS.values() for f in kind.fields} - {*_FIRST, *_LAST}),
    *_LAST,
)


def _value(value: Any) -> Any:
    """A node attribute as JSON: dates as text, structs as objects, lists as lists."""
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, Citation):
        return {
            "source": value.source,
            "quote": value.quote,
            "note": value.note,
            "supports": list(value.supports),
        }
    if isinstance(value, Mapping):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_value(v) for v in value]
    return value


def _cell(value: Any) -> Cell:
    """A node attribute as one CSV or GraphML cell."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
        return VALUE_LIST_JOIN.join(value)
    return orjson.dumps(_value(value)).decode()


def _source_ids(attrs: Mapping[str, Any]) -> list[str]:
    citations: tuple[Citation, ...] = attrs.get("citations", ())
    return list(dict.fromkeys(c.source for c in citations))


def _node_rows(kg: KnowledgeGraph) -> list[dict[str, Cell]]:
    rows: list[dict[str, Cell]] = []
    for node_id in sorted(kg.graph.nodes):
        attrs = kg.node(node_id)
        row: dict[str, Cell] = {}
        for name, value in attrs.items():
            if name == "citations":
                continue
            row[name] = _cell(value)
        sources = _source_ids(attrs)
        row["sources"] = VALUE_LIST_JOIN.join(sources)
        row["sourceUrls"] = VALUE_LIST_JOIN.join(str(kg.node(s)["url"]) for s in sources)
        row["dataVersion"] = kg.version
        rows.append(row)
    return rows


def nodes_csv(kg: KnowledgeGraph) -> str:
    """Every entity: id, kind, label, every field of every kind (`NODE_COLUMNS`), its source
    ids and URLs, the data version."""
    return to_csv(NODE_COLUMNS, _node_rows(kg))


def _edges(kg: KnowledgeGraph) -> list[tuple[str, str, str, str]]:
    return sorted(
        (u, v, str(key), str(data.get("field", "")))
        for u, v, key, data in kg.graph.edges(keys=True, data=True)
    )


def edges_csv(kg: KnowledgeGraph) -> str:
    """Every relation: source, target, relation, the field it comes from, the data version."""
    rows = [
        {"source": u, "target": v, "relation": r, "field": f, "dataVersion": kg.version}
        for u, v, r, f in _edges(kg)
    ]
    return to_csv(("source", "target", "relation", "field", "dataVersion"), rows)


def graph_json(kg: KnowledgeGraph) -> bytes:
    """`{dataVersion, nodes, edges}`: every node with all its fields and its citations."""
    nodes = []
    for node_id in sorted(kg.graph.nodes):
        attrs = kg.node(node_id)
        nodes.append({name: _value(value) for name, value in attrs.items()})
    edges = [{"source": u, "target": v, "relation": r, "field": f} for u, v, r, f in _edges(kg)]
    document = {"dataVersion": kg.version, "nodes": nodes, "edges": edges}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def graph_graphml(kg: KnowledgeGraph) -> bytes:
    """The graph as GraphML (networkx writes it): attributes as text, numbers and booleans;
    lists joined with "; ", structs and citations as JSON text."""
    rows = _node_rows(kg)
    out = nx.MultiDiGraph(dataVersion=kg.version)
    for row in rows:
        attrs = {k: v for k, v in row.items() if k != "id" and v is not None and v != ""}
        out.add_node(row["id"], **attrs)
    for node_id in sorted(kg.graph.nodes):
        citations = kg.node(node_id).get("citations", ())
        if citations:
            out.nodes[node_id]["citations"] = _cell(citations)
    for u, v, relation, source_field in _edges(kg):
        out.add_edge(u, v, key=relation, relation=relation, field=source_field)
    buffer = io.BytesIO()
    nx.write_graphml(out, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class GraphFile:
    name: str
    media_type: str
    render: Callable[[KnowledgeGraph], str | bytes]


GRAPH_FILES: Final[Mapping[str, GraphFile]] = {
    "nodes.csv": GraphFile("nodes", "text/csv; charset=utf-8", nodes_csv),
    "edges.csv": GraphFile("edges", "text/csv; charset=utf-8", edges_csv),
    "graph.json": GraphFile("graph", "application/json", graph_json),
    "graph.graphml": GraphFile("graph", "application/graphml+xml", graph_graphml),
}


def graph_download(kg: KnowledgeGraph, file: str, cache: dict[tuple[str, str], bytes]) -> Response:
    """One whole-graph file, rendered once per data version and kept in `cache`."""
    spec = GRAPH_FILES.get(file)
    if spec is None:
        return _error(404, [f"no download {cut(file)!r}; there are {', '.join(GRAPH_FILES)}"])
    key = (kg.version, file)
    body = cache.get(key)
    if body is None:
        rendered = spec.render(kg)
        body = rendered.encode() if isinstance(rendered, str) else rendered
        cache[key] = body
    extension = file.rsplit(".", 1)[1]
    return _attachment(body, spec.media_type, file_name(spec.name, kg.version, extension))
