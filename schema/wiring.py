"""What graphql-core calls for each field: the node's attribute, or our resolver, directly.

strawberry puts a wrapper of its own around every field: for a plain field it calls the
default resolver through two more functions, and for a field with a resolver it builds a
strawberry `Info`, converts the (absent) arguments and chains the field extensions before
calling the resolver. A page of 100 trials resolves thousands of fields, and those layers
took more time than the fields themselves. Once the schema is built, this module gives
graphql-core a resolver that does only the field's own work wherever that is all there is:

- a plain field of a node type reads its key from the node's attribute Mapping (a list
  field that the record leaves out reads as empty, as `schema.resolve.read_attribute`
  has it); a plain field of any other type reads the attribute or key of its root;
- a field with a resolver calls the resolver with its root and graphql-core's resolve
  info, and its arguments by their Python names. Resolvers read only `info.context` from
  the info, which graphql-core's has as strawberry's does.

A field with an argument that strawberry converts (a list, an input object) keeps
strawberry's wrapper; scalars and enums reach a resolver as graphql-core parsed them in
either case. The schema's SDL is the same either way: only the `resolve` functions change.

An interface's value is always a node's attribute Mapping, so its GraphQL type is looked
up by the node's kind instead of asking every type that implements it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_nullable_type,
)
from strawberry.relay.types import GlobalID
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.base import StrawberryMaybe
from strawberry.types.field import StrawberryField

from graph.model import KINDS

# Where strawberry keeps the definition a GraphQL type or field was built from.
DEFINITION: Final = "strawberry-definition"

Resolve = Callable[..., Any]
Read = Callable[[Any], Any]

# Where a field whose resolver needs only its root keeps (resolver, reader): the executor
# (schema/executor.py) calls the reader, with no resolve info to build.
READER: Final = "regkg-reader"


def wire(
    schema: GraphQLSchema,
    type_of_kind: Mapping[str, type],
    argument_name: Callable[[StrawberryArgument], str],
) -> bool:
    """Give every field of `schema` that needs no more than its own work a direct resolver,
    and every interface of node types a type resolver by kind. `type_of_kind` is the
    strawberry type of each kind of node; `argument_name` the GraphQL name of an argument
    (the schema's name converter). True when every resolver of the schema is synchronous."""
    synchronous = True
    type_names = {
        kind: cls.__strawberry_definition__.name  # type: ignore[attr-defined]
        for kind, cls in type_of_kind.items()
    }
    kind_of_type = {name: kind for kind, name in type_names.items()}
    for graphql_type in schema.type_map.values():
        if graphql_type.name.startswith("__"):
            continue
        if isinstance(graphql_type, GraphQLObjectType):
            kind = kind_of_type.get(graphql_type.name)
            for field in graphql_type.fields.values():
                synchronous = synchronous and not _is_async(field)
                direct = _direct_resolver(field, kind, argument_name)
                if direct is not None:
                    field.resolve, read = direct
                    if read is not None:
                        field.extensions = {**field.extensions, READER: (field.resolve, read)}
        elif isinstance(graphql_type, GraphQLInterfaceType):
            possible = schema.get_possible_types(graphql_type)
            if possible and all(t.name in kind_of_type for t in possible):
                graphql_type.resolve_type = _type_by_kind(type_names, graphql_type.resolve_type)
    return synchronous


def _is_async(field: GraphQLField) -> bool:
    """Whether a field's resolver may return an awaitable: strawberry knows of its own; a
    resolver set from elsewhere might."""
    definition = field.extensions.get(DEFINITION)
    if not isinstance(definition, StrawberryField):
        return field.resolve is not None
    return definition.is_async


def reader_of(field: GraphQLField) -> Read | None:
    """How `field` reads its value from its root alone, with no resolve info, if it does;
    None for a field whose resolver needs more (or that was given another resolver)."""
    found = field.extensions.get(READER)
    if found is None or found[0] is not field.resolve:
        return None
    read: Read = found[1]
    return read


def _direct_resolver(
    field: GraphQLField, kind: str | None, argument_name: Callable[[StrawberryArgument], str]
) -> tuple[Resolve, Read | None] | None:
    """The field's direct resolver, and its reader when it needs nothing but its root."""
    definition = field.extensions.get(DEFINITION)
    if not isinstance(definition, StrawberryField) or definition.extensions:
        return None  # not strawberry's, or with field extensions that must run
    resolver = definition.base_resolver
    if resolver is None:
        name = definition.python_name
        read = _node_attribute(kind, name) if kind is not None else _attribute(name)
        return _ignoring_info(read), read
    if resolver.is_async or not callable(resolver.wrapped_func):
        return None
    if not field.args:
        roles = _roles(resolver)
        call = _call(resolver.wrapped_func, roles)
        if call is None:
            return None
        return call, _read_call(resolver.wrapped_func, roles)
    names = _plain_arguments(definition, field, argument_name)
    if names is None:
        return None
    call = _call_with_arguments(resolver, names)
    return None if call is None else (call, None)


def _ignoring_info(read: Read) -> Resolve:
    return lambda root, info: read(root)


def _node_attribute(kind: str, name: str) -> Read:
    spec = KINDS[kind].by_name.get(name)
    if spec is not None and spec.many:

        def read_list(root: Mapping[str, Any]) -> Any:
            value = root.get(name)
            return () if value is None else value

        return read_list

    def read(root: Mapping[str, Any]) -> Any:
        return root.get(name)

    return read


def _attribute(name: str) -> Read:
    def read(root: Any) -> Any:
        if isinstance(root, Mapping):
            return root.get(name)
        return getattr(root, name)

    return read


SOURCE: Final = "source"
INFO: Final = "info"


def _roles(resolver: Any) -> tuple[str, ...] | None:
    """What each parameter of a resolver without arguments receives, in order: the root
    (`self`, `root` or `parent`) or the resolve info; None when one receives anything else."""
    sources = {resolver.self_parameter, resolver.root_parameter, resolver.parent_parameter}
    roles = []
    for parameter in resolver.signature.parameters.values():
        if parameter.kind not in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            return None
        if parameter in sources:
            roles.append(SOURCE)
        elif parameter == resolver.info_parameter:
            roles.append(INFO)
        else:
            return None
    return tuple(roles)


def _call(function: Callable[..., Any], roles: tuple[str, ...] | None) -> Resolve | None:
    # The common shapes are spelled out: no list of arguments is built per call.
    if roles == (SOURCE, SOURCE, INFO):  # (self, root, info)
        return lambda source, info: function(source, source, info)
    if roles == (SOURCE, SOURCE):  # (self, root)
        return lambda source, info: function(source, source)
    if roles == (SOURCE, INFO):  # (self, info)
        return lambda source, info: function(source, info)
    if roles is None:
        return None
    chosen = roles

    def call(source: Any, info: Any) -> Any:
        return function(*(source if role == SOURCE else info for role in chosen))

    return call


def _read_call(function: Callable[..., Any], roles: tuple[str, ...] | None) -> Read | None:
    """A resolver that receives its root and nothing else, called with the root alone."""
    if roles == (SOURCE, SOURCE):  # (self, root)
        return lambda source: function(source, source)
    if roles == (SOURCE,):
        return function
    return None


def _plain_arguments(
    definition: StrawberryField,
    field: GraphQLField,
    argument_name: Callable[[StrawberryArgument], str],
) -> dict[str, str] | None:
    """The Python name of each GraphQL argument of a field whose arguments all reach the
    resolver as graphql-core gives them: single scalars and enums, which strawberry passes
    on unchanged. None when one needs converting (a list, an input object, a global id)."""
    names = {}
    for argument in definition.arguments:
        graphql_name = argument_name(argument)
        graphql_argument = field.args.get(graphql_name)
        if graphql_argument is None or argument.type is GlobalID:
            return None
        if isinstance(argument.type, StrawberryMaybe):
            return None
        if not isinstance(
            get_nullable_type(graphql_argument.type), GraphQLScalarType | GraphQLEnumType
        ):
            return None
        names[graphql_name] = argument.python_name
    return names if len(names) == len(field.args) else None


def _call_with_arguments(resolver: Any, names: Mapping[str, str]) -> Resolve | None:
    """Call a resolver by keyword: its root and info, and each argument by its Python name."""
    function = resolver.wrapped_func
    sources = [
        p.name
        for p in (resolver.self_parameter, resolver.root_parameter, resolver.parent_parameter)
        if p is not None
    ]
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    if any(
        p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        for p in resolver.signature.parameters.values()
    ):
        return None

    def call(source: Any, info: Any, **arguments: Any) -> Any:
        kwargs = {names[name]: value for name, value in arguments.items()}
        for name in sources:
            kwargs[name] = source
        if info_name is not None:
            kwargs[info_name] = info
        return function(**kwargs)

    return call


def _type_by_kind(type_names: Mapping[str, str], fallback: Any) -> Callable[..., Any]:
    def resolve_type(value: Any, info: Any, abstract_type: Any) -> Any:
        if isinstance(value, Mapping):
            name = type_names.get(value.get("kind"))  # type: ignore[arg-type]
            if name is not None:
                return name
        return fallback(value, info, abstract_type) if fallback is not None else None

    return resolve_type
