"""Following a connection to its end, for exports: the query is rewritten so that the
connection the rows come from is asked for in pages of `page_size`, after a cursor held in
a variable, with its `pageInfo`, and each page is run in turn.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    NameNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableDefinitionNode,
    VariableNode,
    parse,
    print_ast,
)

PAGE_INFO_KEY: Final = "regkgPage"  # the response key of the added `pageInfo`
AFTER_VARIABLE: Final = "regkgAfter"

Path = tuple[str, ...]


@dataclass(frozen=True)
class PagedQuery:
    """A query that asks for one page of the connection at `connection`, after the cursor
    in `variable` (`start` for the first page)."""

    query: str
    connection: Path
    variable: str
    start: str | None

    def variables(self, given: Mapping[str, Any] | None, after: str | None) -> dict[str, Any]:
        return {**(given or {}), self.variable: after}


def connection_of(rows: Path, connections: frozenset[Path], lists: tuple[Path, ...]) -> Path | None:
    """The connection whose `nodes` or `edges` are the rows, when no list lies on the way
    to it (a connection inside a list has one page per item: those are not followed).

    >>> connection_of(("trials", "nodes"), frozenset({("trials",)}), (("trials", "nodes"),))
    ('trials',)
    >>> connection_of(("a", "b", "nodes"), frozenset({("a", "b")}), (("a",), ("a", "b", "nodes")))
    """
    if len(rows) < 2 or rows[-1] not in ("nodes", "edges") or rows[:-1] not in connections:
        return None
    connection = rows[:-1]
    if any(connection[: len(path)] == path for path in lists):
        return None
    return connection


def page_query(
    query: str,
    connection: Path,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    page_size: int,
) -> PagedQuery | None:
    """`query` with the connection at `connection` asked for `page_size` items at a time
    after a cursor variable, and its `pageInfo` under `regkgPage`; None when the query
    does not have that field where expected.

    A `first` written in the query is replaced; one given as a variable is kept (the person
    chose that page size). An `after` given as a variable is reused; a written one is where
    the first page starts.
    """
    try:
        document = parse(query)
    except GraphQLError:
        return None
    found: list[tuple[str, str | None]] = []  # (cursor variable, first cursor) per rewrite
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and _selected(
            definition, operation_name
        ):
            selection_set = _rewrite(
                definition.selection_set, (), connection, variables or {}, page_size, found
            )
            if found and found[0][0] == AFTER_VARIABLE:
                cursor = VariableDefinitionNode(
                    variable=VariableNode(name=NameNode(value=AFTER_VARIABLE)),
                    type=NamedTypeNode(name=NameNode(value="String")),
                    directives=(),
                )
                existing = tuple(definition.variable_definitions or ())
                definition = _copy(definition, variable_definitions=(*existing, cursor))
            definition = _copy(definition, selection_set=selection_set)
        definitions.append(definition)
    if not found:
        return None
    variable, start = found[0]
    rewritten = print_ast(DocumentNode(definitions=tuple(definitions)))
    return PagedQuery(rewritten, connection, variable, start)


def _selected(definition: OperationDefinitionNode, operation_name: str | None) -> bool:
    if operation_name is None:
        return True
    return definition.name is not None and definition.name.value == operation_name


def _copy(node: Any, **changes: Any) -> Any:
    values = {key: getattr(node, key) for key in node.keys}
    values.update(changes)
    return type(node)(**values)


def _rewrite(
    selection_set: SelectionSetNode,
    path: Path,
    target: Path,
    variables: Mapping[str, Any],
    page_size: int,
    found: list[tuple[str, str | None]],
) -> SelectionSetNode:
    selections = []
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            inner = _rewrite(selection.selection_set, path, target, variables, page_size, found)
            selection = _copy(selection, selection_set=inner)
        elif isinstance(selection, FieldNode) and selection.selection_set is not None:
            inner_set = selection.selection_set
            here = (*path, (selection.alias or selection.name).value)
            if here == target:
                selection = _paged_field(selection, variables, page_size, found)
            elif target[: len(here)] == here:
                inner = _rewrite(inner_set, here, target, variables, page_size, found)
                selection = _copy(selection, selection_set=inner)
        selections.append(selection)
    return SelectionSetNode(selections=tuple(selections))


def _paged_field(
    field: FieldNode,
    variables: Mapping[str, Any],
    page_size: int,
    found: list[tuple[str, str | None]],
) -> FieldNode:
    arguments = {argument.name.value: argument for argument in field.arguments or ()}
    after = arguments.get("after")
    variable, start = AFTER_VARIABLE, None
    if after is not None and isinstance(after.value, VariableNode):
        variable = after.value.name.value
        given = variables.get(variable)
        start = given if isinstance(given, str) else None
    elif after is not None and isinstance(after.value, StringValueNode):
        start = after.value.value
    elif after is not None and not isinstance(after.value, NullValueNode):
        return field  # not a cursor: running the query reports it
    arguments["after"] = ArgumentNode(
        name=NameNode(value="after"), value=VariableNode(name=NameNode(value=variable))
    )
    first = arguments.get("first")
    if first is None or not isinstance(first.value, VariableNode):
        arguments["first"] = ArgumentNode(
            name=NameNode(value="first"), value=IntValueNode(value=str(page_size))
        )
    page_info = FieldNode(
        alias=NameNode(value=PAGE_INFO_KEY),
        name=NameNode(value="pageInfo"),
        arguments=(),
        directives=(),
        selection_set=SelectionSetNode(
            selections=(
                FieldNode(name=NameNode(value="hasNextPage"), arguments=(), directives=()),
                FieldNode(name=NameNode(value="endCursor"), arguments=(), directives=()),
            )
        ),
    )
    found.append((variable, start))
    selections = field.selection_set.selections if field.selection_set is not None else ()
    inner = SelectionSetNode(selections=(*selections, page_info))
    paged: FieldNode = _copy(field, arguments=tuple(arguments.values()), selection_set=inner)
    return paged


def connection_objects(data: Any, path: Path) -> Iterator[dict[str, Any]]:
    """The connection objects at `path` in `data` (one, unless the path crossed a list)."""
    if not path:
        if isinstance(data, dict):
            yield data
        return
    if isinstance(data, dict) and isinstance(data.get(path[0]), dict | list):
        yield from connection_objects(data[path[0]], path[1:])
    elif isinstance(data, list):
        for item in data:
            yield from connection_objects(item, path)
