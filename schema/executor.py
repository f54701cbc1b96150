"""graphql-core's execution, less the work that a regkg answer never needs, field by field.

graphql-core executes a field in many steps: it looks the field up, builds its path and a
resolve info, calls the resolver, checks whether the value is awaitable, and completes it
through `complete_value`, which asks in turn whether the type is non-null, a list, a leaf,
abstract or an object. A page of 100 trials has about 2,300 fields, most of them leaves
read from a node's attributes, and those steps took several times the reading itself.

This executor keeps graphql-core's code for every field, and skips steps where a field
allows it:

- every resolver of the schema is synchronous (`schema.wiring.wire` says so), so nothing
  is asked whether it is awaitable (graphql-core's own `assume_not_awaitable`, as its
  `execute_sync` uses);
- what graphql-core looks up per field and per object (the field's definition, its nodes,
  its completion) is looked up once per selection, and kept with the document for its
  next executions (`Selections`) when its selections do not depend on the variables;
- lists and objects are completed without a layer per wrapping type, and the items of a
  list without graphql-core's per-item layers;
- a field that reads its value from its root alone (`schema.wiring.reader_of`) is read
  without a resolve info or a path, and a leaf value that needs no conversion (a `str` for
  a `String`) is taken as it is. Anything else it is given - null for a non-null field, a
  value to convert, an error - goes through graphql-core's `complete_value` and
  `handle_field_error` as the field would have without this, with its path and info.

Errors keep their paths and nulls propagate as graphql-core has them: the work skipped is
only the work that cannot fail.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from graphql import (
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    GraphQLUnionType,
    TypeNameMetaFieldDef,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import DeferUsage, FieldDetailsList, GroupedFieldSet
from graphql.execution.execute import assume_not_awaitable
from graphql.execution.values import get_argument_values
from graphql.language import (
    BREAK,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    Visitor,
    visit,
)
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.documents import DocumentCache
from schema.wiring import reader_of

# What a fast completion returns for a value it leaves to graphql-core.
SLOW: Final = object()

Finish = Callable[[Any], Any]
ResolveInfo = GraphQLResolveInfo[Any]

# Memory that a planned field holds in the memos, measured with tracemalloc (600 to
# 1,300 bytes, fewer in larger documents).
PLANNED_BYTES: Final = 1024

# Results a list field is completed from here; others (a generator...) as graphql-core does.
_SEQUENCES: Final = frozenset({list, tuple})

# Values that are no object's: completed by graphql-core, which says so.
_NOT_OBJECTS: Final = frozenset({type(None), str, int, float, bool, list, tuple})

# Leaf types whose output coercion returns a value of this Python type unchanged.
_UNCHANGED: Final[dict[GraphQLLeafType, type]] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLBoolean: bool,
}


@dataclass(slots=True)
class FieldPlan:
    """One field of a selection, as worked out once (see `Selections`)."""

    name: str  # the response key
    details: FieldDetailsList
    nodes: list[FieldNode]
    field: GraphQLField
    resolve: Callable[..., Any]
    has_arguments: bool
    read: Callable[[Any], Any] | None  # the value from the root alone, when it needs no info
    unchanged: type | None  # a read value of this type is the response value as it is
    finish: Finish | None  # a read leaf value as the response has it, or SLOW
    list_type: GraphQLList[Any] | None  # the field's list type, if it is one
    object_type: GraphQLObjectType | None  # the field's object type, if it is one
    item_object_type: GraphQLObjectType | None  # the object type of its list's items
    # The plans of the object type's (or its items') sub-selection, once worked out.
    sub_plans: list[FieldPlan] | None = None


class Selections:
    """What executing an operation works out about its selections that the next execution
    of the same operation uses again: graphql-core's sub-selections, the plans of their
    fields, how their leaves and interfaces complete. Kept with the operation's document
    in the document cache (schema/documents.py), for operations whose selections are the
    same whatever the variables."""

    def __init__(self) -> None:
        self.root: GroupedFieldSet | None = None
        self.sub_fields: dict[Any, Any] = {}  # graphql-core's own memo
        self.plans: dict[tuple[GraphQLObjectType, int], tuple[GroupedFieldSet, list[FieldPlan]]]
        self.plans = {}
        self.finishes: dict[GraphQLOutputType, Finish | None] = {}
        self.runtime_types: dict[tuple[GraphQLAbstractType, str], Any] = {}
        self.planned = 0  # fields planned, each with its share of the memos
        self.charged = 0  # of them, counted in the document cache's bytes


class _VariableDirectives(Visitor):
    """Finds what makes the fields collected from a document depend on the variables: a
    directive with a variable (`@include(if: $full)`) or a fragment with arguments."""

    def __init__(self) -> None:
        super().__init__()
        self.in_directive = 0
        self.found = False

    def enter_directive(self, *_: object) -> None:
        self.in_directive += 1

    def leave_directive(self, *_: object) -> None:
        self.in_directive -= 1

    def enter_variable(self, *_: object) -> Any:
        if self.in_directive:
            self.found = True
            return BREAK
        return None

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> Any:
        if node.arguments:
            self.found = True
            return BREAK
        return None

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: object) -> Any:
        if node.variable_definitions:
            self.found = True
            return BREAK
        return None


def fixed_selections(document: DocumentNode) -> bool:
    """Whether the fields collected from `document` are the same whatever the variables.

    >>> from graphql import parse
    >>> fixed_selections(parse("query ($id: ID) { a(id: $id) { b @include(if: true) } }"))
    True
    >>> fixed_selections(parse("query ($all: Boolean!) { a { b @include(if: $all) } }"))
    False
    """
    finder = _VariableDirectives()
    visit(document, finder)
    return not finder.found


class RegkgExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context with the fast paths above."""

    # Set on the schema's subclass once its resolvers are known to be synchronous.
    synchronous: ClassVar[bool] = False
    # Where the schema's documents are cached, with what executions keep of them.
    documents: ClassVar[DocumentCache | None] = None
    # When the execution is out of time (`time.monotonic()`); `out_of_time` says so.
    deadline: float = math.inf

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not getattr(self.middleware_manager, "middlewares", True):
            # strawberry hands over a manager even with no middleware in it; without
            # it, graphql-core does not look every field's resolver up in it.
            self.middleware_manager = None
        # Lists are completed here without asking whether they are streamed: only a
        # schema with the @stream directive can have a document that streams one.
        self.fast = (
            self.synchronous
            and self.middleware_manager is None
            and self.schema.get_directive("stream") is None
        )
        if self.fast:
            self.is_awaitable = assume_not_awaitable
        self.kept = self._kept_selections() if self.fast else None
        self.selections = selections = self.kept or Selections()
        self._relevant_sub_fields = selections.sub_fields
        self._plans = selections.plans
        self._finishes = selections.finishes
        self._runtime_types = selections.runtime_types

    def _kept_selections(self) -> Selections | None:
        """What earlier executions of this operation kept, if it can be kept."""
        entry = self.documents.entry_of(self.operation) if self.documents else None
        if entry is None or entry.document is None:
            return None
        key = id(self.operation)
        kept = entry.executions.get(key)
        if kept is None:
            fresh = Selections() if fixed_selections(entry.document) else False
            kept = entry.executions.setdefault(key, fresh)
        return kept or None

    def execute_collected_root_fields(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        new_defer_usages: Sequence[DeferUsage],
    ) -> Any:
        # The same root fields as the first execution collected, so that every selection
        # below them is the same object as in the kept memos.
        kept = self.kept
        if kept is not None and not new_defer_usages:
            if kept.root is None:
                kept.root = grouped_field_set
            grouped_field_set = kept.root
        return super().execute_collected_root_fields(
            root_type, root_value, grouped_field_set, serially, new_defer_usages
        )

    def build_response(self, data: dict[str, Any] | None) -> Any:
        kept = self.kept
        if kept is not None and self.documents is not None and kept.planned > kept.charged:
            # The memos grow with what an execution reaches (each type an interface
            # resolves to...): the document cache counts them with their document.
            self.documents.charge(self.operation, (kept.planned - kept.charged) * PLANNED_BYTES)
            kept.charged = kept.planned
        return super().build_response(data)

    def out_of_time(self) -> None:
        """Called before an object's fields are executed once past the deadline: raises
        what stops the execution."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if not self.fast or position_context is not None:
            if time.monotonic() > self.deadline:
                self.out_of_time()
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plans = self._plan(parent_type, grouped_field_set)
        return self._execute_plans(parent_type, source_value, path, plans)

    def _execute_plans(
        self, parent_type: GraphQLObjectType, source: Any, path: Path | None, plans: list[FieldPlan]
    ) -> dict[str, Any]:
        """`execute_fields`, field by field as planned."""
        if time.monotonic() > self.deadline:
            self.out_of_time()
        results: dict[str, Any] = {}
        for plan in plans:
            read = plan.read
            if read is None:
                results[plan.name] = self._resolve(parent_type, source, path, plan)
                continue
            try:
                value = read(source)
            except Exception as error:
                field_path = Path(path, plan.name, parent_type.name)
                self.handle_field_error(error, plan.field.type, plan.details, field_path)
                results[plan.name] = None
                continue
            if type(value) is plan.unchanged:
                results[plan.name] = value
                continue
            finish = plan.finish
            completed = SLOW if finish is None else finish(value)
            if completed is SLOW:
                completed = self._complete_read(parent_type, path, plan, value)
            results[plan.name] = completed
        return results

    def _resolve(
        self, parent_type: GraphQLObjectType, source: Any, path: Path | None, plan: FieldPlan
    ) -> Any:
        """graphql-core's `execute_field`, with what it looks up per call looked up once."""
        field = plan.field
        field_path = Path(path, plan.name, parent_type.name)
        resolve_info = self.build_resolve_info(field, plan.nodes, parent_type, field_path)
        try:
            arguments = (
                get_argument_values(
                    field,
                    plan.nodes[0],
                    self.variable_values,
                    plan.details[0].fragment_variable_values,
                    self.hide_suggestions,
                )
                if plan.has_arguments
                else {}
            )
            result = plan.resolve(source, resolve_info, **arguments)
            return self._complete_result(plan, resolve_info, field_path, result)
        except Exception as error:
            self.handle_field_error(error, field.type, plan.details, field_path)
            return None

    def _complete_read(
        self, parent_type: GraphQLObjectType, path: Path | None, plan: FieldPlan, value: Any
    ) -> Any:
        """The completion of a read value that is not a plain leaf, as `execute_field`
        does it."""
        field = plan.field
        field_path = Path(path, plan.name, parent_type.name)
        resolve_info = self.build_resolve_info(field, plan.nodes, parent_type, field_path)
        try:
            return self._complete_result(plan, resolve_info, field_path, value)
        except Exception as error:
            self.handle_field_error(error, field.type, plan.details, field_path)
            return None

    def _complete_result(
        self, plan: FieldPlan, resolve_info: ResolveInfo, path: Path, result: Any
    ) -> Any:
        """`complete_value`, straight to a list's or an object's completion when the value
        is one (which cannot be null): graphql-core reaches it through a layer per wrapping
        type, asking at each what the type is."""
        list_type = plan.list_type
        if list_type is not None and type(result) in _SEQUENCES:
            item_object_type = plan.item_object_type
            if item_object_type is not None:
                plans = self._sub_plans(plan, item_object_type)
                if plans is not None:
                    return self._complete_objects(
                        item_object_type,
                        list_type.of_type,
                        plan.details,
                        resolve_info,
                        path,
                        plans,
                        result,
                    )
            return self.complete_list_value(
                list_type, plan.details, resolve_info, path, result, None
            )
        object_type = plan.object_type
        if (
            object_type is not None
            and type(result) not in _NOT_OBJECTS
            and not isinstance(result, Exception)
        ):
            is_type_of = object_type.is_type_of
            if is_type_of is None or is_type_of(result, resolve_info):
                plans = self._sub_plans(plan, object_type)
                if plans is not None:
                    return self._execute_plans(object_type, result, path, plans)
            return self.complete_object_value(
                object_type, plan.details, resolve_info, path, result, None
            )
        return self.complete_value(plan.field.type, plan.details, resolve_info, path, result, None)

    def _sub_plans(self, plan: FieldPlan, object_type: GraphQLObjectType) -> list[FieldPlan] | None:
        """The plans of a field's sub-selection on `object_type` (its own, or its list's
        items'); None when the sub-selection defers anything."""
        if plan.sub_plans is None:
            fields, defer_usages, _ = self.collect_subfields(object_type, plan.details)
            if defer_usages:
                return None
            plan.sub_plans = self._plan(object_type, fields)
        return plan.sub_plans

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: ResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        # A list or tuple of objects, or of leaves: each item is completed here, without
        # graphql-core's per-item layers (a stream check, an awaitable check, then
        # `complete_value` asking what the item type is). Anything else, as graphql-core.
        item_type = return_type.of_type
        if not self.fast or position_context is not None or type(result) not in _SEQUENCES:
            return super().complete_list_value(
                return_type, field_details_list, info, path, result, position_context
            )
        inner = get_nullable_type(item_type)
        if isinstance(inner, GraphQLObjectType):
            fields, defer_usages, _ = self.collect_subfields(inner, field_details_list)
            if not defer_usages:
                plans = self._plan(inner, fields)
                return self._complete_objects(
                    inner, item_type, field_details_list, info, path, plans, result
                )
        elif isinstance(inner, GraphQLInterfaceType | GraphQLUnionType):
            return self._complete_abstracts(
                inner, item_type, field_details_list, info, path, result
            )
        else:
            finish = self._leaf_finish(item_type)
            if finish is not None:
                return self._complete_leaves(
                    finish, item_type, field_details_list, info, path, result
                )
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _complete_objects(
        self,
        object_type: GraphQLObjectType,
        item_type: GraphQLOutputType,
        details: FieldDetailsList,
        info: ResolveInfo,
        path: Path,
        plans: list[FieldPlan],
        items: Sequence[Any],
    ) -> list[Any]:
        """Each item as `complete_object_value` has it; a null or wrong one through
        `complete_value`, which says what is wrong with it."""
        is_type_of = object_type.is_type_of
        completed = []
        for index, item in enumerate(items):
            item_path = Path(path, index, None)
            try:
                if item is None or (is_type_of is not None and not is_type_of(item, info)):
                    value = self.complete_value(item_type, details, info, item_path, item, None)
                else:
                    value = self._execute_plans(object_type, item, item_path, plans)
            except Exception as error:
                self.handle_field_error(error, item_type, details, item_path)
                value = None
            completed.append(value)
        return completed

    def _complete_abstracts(
        self,
        abstract_type: GraphQLInterfaceType | GraphQLUnionType,
        item_type: GraphQLOutputType,
        details: FieldDetailsList,
        info: ResolveInfo,
        path: Path,
        items: Sequence[Any],
    ) -> list[Any]:
        """Each item as `complete_abstract_value` has it: its object type resolved, and
        checked once per type it resolves to; anything unusual through `complete_value`."""
        resolve_type = abstract_type.resolve_type or self.type_resolver
        found = self._runtime_types
        completed = []
        for index, item in enumerate(items):
            item_path = Path(path, index, None)
            try:
                name = None if item is None else resolve_type(item, info, abstract_type)
                runtime = found.get((abstract_type, name)) if type(name) is str else None
                if runtime is None:
                    # Unknown yet, or a null, or not a type name: graphql-core's completion
                    # checks it (and says what is wrong with it).
                    value = self.complete_value(item_type, details, info, item_path, item, None)
                    if type(name) is str:
                        found[abstract_type, name] = self._runtime_plan(
                            abstract_type, name, details, info, item
                        )
                else:
                    object_type, plans = runtime
                    is_type_of = object_type.is_type_of
                    if is_type_of is not None and not is_type_of(item, info):
                        value = self.complete_value(item_type, details, info, item_path, item, None)
                    else:
                        value = self._execute_plans(object_type, item, item_path, plans)
            except Exception as error:
                self.handle_field_error(error, item_type, details, item_path)
                value = None
            completed.append(value)
        return completed

    def _runtime_plan(
        self,
        abstract_type: GraphQLInterfaceType | GraphQLUnionType,
        name: str,
        details: FieldDetailsList,
        info: ResolveInfo,
        item: Any,
    ) -> tuple[GraphQLObjectType, list[FieldPlan]] | None:
        """The object type that `name` resolves `abstract_type` to, and the plans of its
        selection; None if it is not a valid one or its selection defers anything."""
        object_type = self.ensure_valid_runtime_type(name, abstract_type, details, info, item)
        fields, defer_usages, _ = self.collect_subfields(object_type, details)
        return None if defer_usages else (object_type, self._plan(object_type, fields))

    def _complete_leaves(
        self,
        finish: Finish,
        item_type: GraphQLOutputType,
        details: FieldDetailsList,
        info: ResolveInfo,
        path: Path,
        items: Sequence[Any],
    ) -> list[Any]:
        completed = []
        for index, item in enumerate(items):
            value = finish(item)
            if value is SLOW:
                item_path = Path(path, index, None)
                try:
                    value = self.complete_value(item_type, details, info, item_path, item, None)
                except Exception as error:
                    self.handle_field_error(error, item_type, details, item_path)
                    value = None
            completed.append(value)
        return completed

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: ResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        # graphql-core goes through two more layers to reach `execute_fields`.
        is_type_of = return_type.is_type_of
        if (
            not self.fast
            or position_context is not None
            or (is_type_of is not None and not is_type_of(result, info))
        ):
            return super().complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )
        fields, defer_usages, _ = self.collect_subfields(return_type, field_details_list)
        if defer_usages:
            return super().complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )
        return self._execute_plans(return_type, result, path, self._plan(return_type, fields))

    def _leaf_finish(self, output_type: GraphQLOutputType) -> Finish | None:
        if output_type not in self._finishes:
            self._finishes[output_type] = _leaf_finish(output_type)
        return self._finishes[output_type]

    def _plan(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> list[FieldPlan]:
        # Like graphql-core's memo of sub-selections: by the selection's identity, kept
        # alive with it so that its id is not reused during the execution.
        key = (parent_type, id(fields))
        found = self._plans.get(key)
        if found is not None:
            return found[1]
        plans = []
        for name, details in fields.items():
            plan = self._field_plan(parent_type, name, details)
            if plan is not None:  # else not a field of the type: graphql-core skips it
                plans.append(plan)
        self._plans[key] = (fields, plans)
        self.selections.planned += len(plans)
        return plans

    def _field_plan(
        self, parent_type: GraphQLObjectType, name: str, details: FieldDetailsList
    ) -> FieldPlan | None:
        nodes = [d.node for d in details]
        field = self.schema.get_field(parent_type, nodes[0].name.value)
        if field is None:
            return None
        has_arguments = bool(field.args or nodes[0].arguments)
        read = None if has_arguments else reader_of(field)
        if field is TypeNameMetaFieldDef:  # the parent's name, which the plan knows
            type_name = parent_type.name
            read = lambda _: type_name  # noqa: E731
        finish = self._leaf_finish(field.type) if read is not None else None
        nullable = get_nullable_type(field.type)
        item = get_nullable_type(nullable.of_type) if isinstance(nullable, GraphQLList) else None
        return FieldPlan(
            name=name,
            details=details,
            nodes=nodes,
            field=field,
            resolve=field.resolve or self.field_resolver,
            has_arguments=has_arguments,
            read=read,
            unchanged=_UNCHANGED.get(nullable) if finish is not None else None,  # type: ignore[arg-type]
            finish=finish,
            list_type=nullable if isinstance(nullable, GraphQLList) else None,
            object_type=nullable if isinstance(nullable, GraphQLObjectType) else None,
            item_object_type=item if isinstance(item, GraphQLObjectType) else None,
        )


def _leaf_finish(output_type: GraphQLOutputType) -> Finish | None:
    """How a leaf's value becomes its response value (SLOW for one that needs graphql-core's
    completion); None for a type that is not a leaf."""
    non_null = is_non_null_type(output_type)
    leaf = get_nullable_type(output_type)
    if not is_leaf_type(leaf):
        return None
    unchanged: type | None = _UNCHANGED.get(leaf)
    coerce = leaf.coerce_output_value

    def finish(value: Any) -> Any:
        if type(value) is unchanged:
            return value
        if value is None or value is Undefined:
            return SLOW if non_null else None
        if isinstance(value, Exception):
            return SLOW
        try:
            coerced = coerce(value)
        except Exception:
            return SLOW
        return SLOW if coerced is None or coerced is Undefined else coerced

    return finish
