"""What a query may cost: every field counts one, times the page sizes around it.

A field that returns a list counts its children once per item it may return: the
`first` argument where given (a variable counts as the largest page), the default page
for connections, and `LIST_ESTIMATE` for plain lists.
"""

from __future__ import annotations

from typing import Final

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

from schema.relay import DEFAULT_PAGE, MAX_PAGE

LIST_ESTIMATE: Final = 10


def query_cost(schema: GraphQLSchema, document: DocumentNode) -> int:
    """The cost of the most expensive operation in `document`."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    costs = [0]
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            if root is not None:
                costs.append(_selection_cost(schema, definition.selection_set, root, fragments, ()))
    return max(costs)


def widest_selection(document: DocumentNode) -> int:
    """The most selections written in any one selection set of `document`."""
    widest = 0
    stack = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while stack:
        selection_set = stack.pop()
        widest = max(widest, len(selection_set.selections))
        stack.extend(
            s.selection_set
            for s in selection_set.selections
            if isinstance(s, FieldNode | InlineFragmentNode) and s.selection_set is not None
        )
    return widest


def _selection_cost(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode,
    parent: GraphQLNamedType,
    fragments: dict[str, FragmentDefinitionNode],
    expanding: tuple[str, ...],
) -> int:
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(schema, selection, parent, fragments, expanding)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = schema.get_type(condition.name.value) if condition else parent
            total += _selection_cost(
                schema, selection.selection_set, target or parent, fragments, expanding
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in expanding:  # unknown or cyclic: validation reports it
                continue
            target = schema.get_type(fragment.type_condition.name.value) or parent
            total += _selection_cost(
                schema, fragment.selection_set, target, fragments, (*expanding, name)
            )
    return total


def _field_cost(
    schema: GraphQLSchema,
    node: FieldNode,
    parent: GraphQLNamedType,
    fragments: dict[str, FragmentDefinitionNode],
    expanding: tuple[str, ...],
) -> int:
    if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return 1
    definition = parent.fields.get(node.name.value)
    if definition is None or node.selection_set is None:
        return 1
    inner = get_named_type(definition.type)
    children = _selection_cost(schema, node.selection_set, inner, fragments, expanding)
    if parent.name.endswith("Connection"):
        # The connection already counted its page; `nodes` and `edges` are that page.
        return 1 + children
    return 1 + _multiplier(node, definition.type, inner) * children


def _multiplier(node: FieldNode, field_type: GraphQLOutputType, inner: GraphQLNamedType) -> int:
    for argument in node.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, IntValueNode):
                return max(int(argument.value.value), 1)
            if isinstance(argument.value, VariableNode):
                return MAX_PAGE
        if argument.name.value == "ids":  # nodes(ids:) returns one item per id
            if isinstance(argument.value, ListValueNode):
                return max(len(argument.value.values), 1)
            return MAX_PAGE
    if inner.name.endswith("Connection"):
        return DEFAULT_PAGE
    unwrapped = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    return LIST_ESTIMATE if isinstance(unwrapped, GraphQLList) else 1
