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
  its completion) is looked up once per selection of an execution;
- a field that reads its value from its root alone (`schema.wiring.reader_of`) is read
  without a resolve info or a path, and a leaf value that needs no conversion (a `str` for
  a `String`) is taken as it is. Anything else it is given - null for a non-null field, a
  value to convert, an error - goes through graphql-core's `complete_value` and
  `handle_field_error` as the field would have without this, with its path and info.

Errors keep their paths and nulls propagate as graphql-core has them: the work skipped is
only the work that cannot fail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.execute import assume_not_awaitable
from graphql.language import FieldNode
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.wiring import reader_of

# What a fast completion returns for a value it leaves to graphql-core.
SLOW: Final = object()

Finish = Callable[[Any], Any]
ResolveInfo = GraphQLResolveInfo[Any]

# Results a list field is completed from here; others (a generator...) as graphql-core does.
_SEQUENCES: Final = frozenset({list, tuple})

# Leaf types whose output coercion returns a value of this Python type unchanged.
_UNCHANGED: Final[dict[GraphQLLeafType, type]] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLBoolean: bool,
}


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """One field of a selection, as worked out once per execution."""

    name: str  # the response key
    details: FieldDetailsList
    nodes: list[FieldNode]
    field: GraphQLField | None
    read: Callable[[Any], Any] | None  # the value from the root alone, when it needs no info
    finish: Finish | None  # a read value as the response has it, or SLOW


class RegkgExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context with the fast paths above."""

    # Set on the schema's subclass once its resolvers are known to be synchronous.
    synchronous: ClassVar[bool] = False

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
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[GroupedFieldSet, list[FieldPlan]]]
        self._plans = {}
        self._finishes: dict[GraphQLOutputType, Finish | None] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if not self.fast or position_context is not None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        for plan in self._plan(parent_type, grouped_field_set):
            read = plan.read
            if read is None:
                result = self.execute_field(
                    parent_type,
                    source_value,
                    plan.details,
                    Path(path, plan.name, parent_type.name),
                    None,
                )
                if result is not Undefined:
                    results[plan.name] = result
                continue
            try:
                value = read(source_value)
            except Exception as error:
                self._fail(error, parent_type, plan, path)
                results[plan.name] = None
                continue
            finish = plan.finish
            completed = SLOW if finish is None else finish(value)
            if completed is SLOW:
                completed = self._complete(parent_type, plan, path, value)
            results[plan.name] = completed
        return results

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
                return self._complete_objects(
                    inner, item_type, field_details_list, info, path, fields, result
                )
        else:
            finish = _leaf_finish(item_type)
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
        fields: GroupedFieldSet,
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
                    value = self.execute_fields(object_type, item, item_path, fields, None)
            except Exception as error:
                self.handle_field_error(error, item_type, details, item_path)
                value = None
            completed.append(value)
        return completed

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

    def _leaf_finish(self, output_type: GraphQLOutputType) -> Finish | None:
        found = self._finishes.get(output_type, SLOW)
        if found is SLOW:
            found = self._finishes[output_type] = _leaf_finish(output_type)
        return found  # type: ignore[return-value]

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
        return self.execute_fields(return_type, result, path, fields, None)

    def _plan(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> list[FieldPlan]:
        # Like graphql-core's memo of sub-selections: by the selection's identity, kept
        # alive with it so that its id is not reused during the execution.
        key = (parent_type, id(fields))
        found = self._plans.get(key)
        if found is not None:
            return found[1]
        plans = [self._field_plan(parent_type, name, details) for name, details in fields.items()]
        self._plans[key] = (fields, plans)
        return plans

    def _field_plan(
        self, parent_type: GraphQLObjectType, name: str, details: FieldDetailsList
    ) -> FieldPlan:
        nodes = [d.node for d in details]
        field = self.schema.get_field(parent_type, nodes[0].name.value)
        read = reader_of(field) if field is not None and not nodes[0].arguments else None
        finish = _leaf_finish(field.type) if read is not None and field is not None else None
        return FieldPlan(name, details, nodes, field, read, finish)

    def _complete(
        self, parent_type: GraphQLObjectType, plan: FieldPlan, path: Path | None, value: Any
    ) -> Any:
        """graphql-core's completion of a read value, as `execute_field` does it."""
        field = plan.field
        assert field is not None  # a plan reads only a field it found
        field_path = Path(path, plan.name, parent_type.name)
        resolve_info = self.build_resolve_info(field, plan.nodes, parent_type, field_path)
        try:
            return self.complete_value(
                field.type, plan.details, resolve_info, field_path, value, None
            )
        except Exception as error:
            self.handle_field_error(error, field.type, plan.details, field_path)
            return None

    def _fail(
        self, error: Exception, parent_type: GraphQLObjectType, plan: FieldPlan, path: Path | None
    ) -> None:
        assert plan.field is not None
        field_path = Path(path, plan.name, parent_type.name)
        self.handle_field_error(error, plan.field.type, plan.details, field_path)


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
