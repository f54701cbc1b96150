"""How big a query is: its cost, depth, aliases and widest selection, measured once.

Cost: every field counts one, and a field that returns a list counts its children once per
item it may return: the `first` argument where given (a variable counts as the largest
page), the default page for connections, the number of `ids`, and `LIST_ESTIMATE` for
plain lists. Two kinds of list follow what they really hold rather than the estimate: a
neighbourhood's nodes and edges count as many as its `depth` can reach, and the lists of
introspection (`__schema { types { fields { args } } }`) count the schema's real size,
each list as large as the average of its kind, so that nested lists add up to the totals.

The measure is linear in the size of the document: each fragment is measured once,
however often it is spread, so fragments that spread each other twice over (a document
of a kilobyte that would expand to millions of fields) are measured, and refused, at
once. strawberry's own depth and alias limiters expand every spread, which takes time
exponential in such a document, so regkg measures depth and aliases here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
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
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from schema.relay import DEFAULT_PAGE, MAX_PAGE

LIST_ESTIMATE: Final = 10
# Far above any legal page or cost limit, and small enough for JSON: an Int literal of any
# length (`first: 99999...`) is measured as this, never converted whole.
COST_CEILING: Final = 2**31
# How many entities a neighbourhood of each depth may hold: the resolver stops at 500, and
# one hop from a hub already reaches about a hundred.
NEIGHBOURHOOD_REACH: Final = {1: 100, 2: 500, 3: 500}
EDGES_PER_NODE: Final = 2
# Fields every query root has without declaring them.
_META_FIELDS: Final = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


@dataclass(frozen=True)
class Size:
    """The measure of a selection: fields it may resolve, levels below it, aliases in it."""

    cost: int = 0
    depth: int = 0
    aliases: int = 0

    def __add__(self, other: Size) -> Size:
        return Size(
            self.cost + other.cost, max(self.depth, other.depth), self.aliases + other.aliases
        )


@dataclass(frozen=True)
class OperationSize:
    name: str  # 'anonymous' when the operation has none
    size: Size


def measure(schema: GraphQLSchema, document: DocumentNode) -> list[OperationSize]:
    """The size of each operation in `document`."""
    measuring = _Measuring(schema, document)
    sizes = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            if root is not None:
                name = definition.name.value if definition.name else "anonymous"
                sizes.append(
                    OperationSize(name, measuring.selection(definition.selection_set, root, ()))
                )
    return sizes


def query_cost(schema: GraphQLSchema, document: DocumentNode) -> int:
    """The cost of the most expensive operation in `document`."""
    return max((op.size.cost for op in measure(schema, document)), default=0)


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


def _average(total: int, count: int) -> int:
    return max(-(-total // max(count, 1)), 1)


def introspection_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    """How many items each list of the introspection types holds on average in `schema`:
    (type, field) -> items, e.g. ('__Schema', 'types') -> every type of the schema."""
    types = list(schema.type_map.values())
    fields = [
        f
        for t in types
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)
        for f in t.fields.values()
    ]
    input_fields = sum(len(t.fields) for t in types if isinstance(t, GraphQLInputObjectType))
    enum_values = sum(len(t.values) for t in types if isinstance(t, GraphQLEnumType))
    interfaces = sum(
        len(t.interfaces) for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)
    )
    possible = sum(
        len(schema.get_possible_types(t)) for t in types if isinstance(t, GraphQLInterfaceType)
    )
    directives = schema.directives
    return {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): len(directives),
        ("__Type", "fields"): _average(len(fields), len(types)),
        ("__Type", "inputFields"): _average(input_fields, len(types)),
        ("__Type", "enumValues"): _average(enum_values, len(types)),
        ("__Type", "interfaces"): _average(interfaces, len(types)),
        ("__Type", "possibleTypes"): _average(possible, len(types)),
        ("__Field", "args"): _average(sum(len(f.args) for f in fields), len(fields)),
        ("__Directive", "args"): _average(sum(len(d.args) for d in directives), len(directives)),
    }


_INTROSPECTION_SIZES: dict[int, dict[tuple[str, str], int]] = {}


def _sizes_of(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    # A schema never changes once built; measuring it once per schema is enough.
    sizes = _INTROSPECTION_SIZES.get(id(schema))
    if sizes is None:
        sizes = _INTROSPECTION_SIZES[id(schema)] = introspection_sizes(schema)
    return sizes


class _Measuring:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.introspection = _sizes_of(schema)
        self.reach = max(NEIGHBOURHOOD_REACH.values())  # of the neighbourhood being measured
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.measured: dict[str, Size] = {}

    def selection(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, expanding: tuple[str, ...]
    ) -> Size:
        total = Size()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, expanding)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection(selection.selection_set, target or parent, expanding)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, parent, expanding)
        return total

    def fragment(self, name: str, parent: GraphQLNamedType, expanding: tuple[str, ...]) -> Size:
        known = self.measured.get(name)
        if known is not None:
            return known
        fragment = self.fragments.get(name)
        if fragment is None or name in expanding:  # unknown or cyclic: validation reports it
            return Size()
        target = self.schema.get_type(fragment.type_condition.name.value) or parent
        size = self.selection(fragment.selection_set, target, (*expanding, name))
        self.measured[name] = size
        return size

    def field(self, node: FieldNode, parent: GraphQLNamedType, expanding: tuple[str, ...]) -> Size:
        aliases = 1 if node.alias else 0
        definition = (
            parent.fields.get(node.name.value)
            if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
            else None
        )
        if definition is None and node.name.value in _META_FIELDS:
            definition = _META_FIELDS[node.name.value]
        if node.selection_set is None:
            return Size(1, 0, aliases)
        inner = get_named_type(definition.type) if definition else parent
        reach = self.reach
        if inner.name == "Neighbourhood":
            self.reach = NEIGHBOURHOOD_REACH[_depth_argument(node)]
        try:
            children = self.selection(node.selection_set, inner, expanding)
        finally:
            self.reach = reach
        if definition is None or parent.name.endswith("Connection"):
            # A connection already counted its page; `nodes` and `edges` are that page.
            multiplier = 1
        elif (parent.name, node.name.value) in self.introspection:
            multiplier = self.introspection[parent.name, node.name.value]
        elif parent.name == "Neighbourhood" and node.name.value in ("nodes", "edges"):
            # They hold what the neighbourhood's depth reaches.
            multiplier = self.reach * (EDGES_PER_NODE if node.name.value == "edges" else 1)
        else:
            multiplier = _multiplier(node, definition.type, inner)
        # Introspection (__schema, __type) is as deep as the type system, not as the data:
        # it does not count towards the depth limit, as in strawberry's own limiter.
        depth = 0 if node.name.value.startswith("__") else 1 + children.depth
        cost = min(1 + multiplier * children.cost, COST_CEILING)
        return Size(cost, depth, aliases + children.aliases)


def _multiplier(node: FieldNode, field_type: GraphQLOutputType, inner: GraphQLNamedType) -> int:
    # A page is at most `first` items and at most `last` items: with both, the smaller.
    sizes: list[int] = []
    for argument in node.arguments or ():
        if argument.name.value in ("first", "last"):
            if isinstance(argument.value, IntValueNode):
                sizes.append(max(_int_literal(argument.value.value), 1))
            elif isinstance(argument.value, VariableNode):
                sizes.append(MAX_PAGE)
        if argument.name.value == "ids":  # nodes(ids:) returns one item per id
            if isinstance(argument.value, ListValueNode):
                return max(len(argument.value.values), 1)
            return MAX_PAGE
    if sizes:
        return min(sizes)
    if inner.name.endswith("Connection"):
        return DEFAULT_PAGE
    unwrapped = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    return LIST_ESTIMATE if isinstance(unwrapped, GraphQLList) else 1


def _int_literal(text: str) -> int:
    """An Int literal's value, capped: a literal of thousands of digits is not converted."""
    digits = text.lstrip("-")
    if len(digits) > len(str(COST_CEILING)):
        return -COST_CEILING if text.startswith("-") else COST_CEILING
    return min(int(text), COST_CEILING)


def _depth_argument(node: FieldNode) -> int:
    """A neighbourhood's `depth`: as written, the deepest when it is a variable or invalid
    (the resolver refuses an invalid one), 1 when left out."""
    for argument in node.arguments or ():
        if argument.name.value == "depth":
            value = argument.value
            if isinstance(value, IntValueNode) and _int_literal(value.value) in NEIGHBOURHOOD_REACH:
                return _int_literal(value.value)
            return max(NEIGHBOURHOOD_REACH)
    return 1
