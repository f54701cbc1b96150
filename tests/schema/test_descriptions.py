"""GraphiQL's docs pane is the manual: everything in the schema is described, and every
field of the data model is exposed."""

from __future__ import annotations

import warnings
from enum import StrEnum
from functools import cache

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from graph import vocab
from graph.model import KINDS, FieldType
from graph.status import Phase
from schema.app import build_schema
from schema.types import TYPE_OF_KIND

KIND_TYPES = {kind: type_.__name__ for kind, type_ in TYPE_OF_KIND.items()}


@cache
def graphql_schema() -> GraphQLSchema:
    return build_schema()._schema


def named_types() -> list[str]:
    # Called at collection, for the test ids, where the marks below do not apply yet.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        schema = graphql_schema()
    return sorted(name for name in schema.type_map if not name.startswith("__"))


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def undescribed(type_: GraphQLNamedType) -> list[str]:
    missing = [] if (type_.description or "").strip() else [type_.name]
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
        for name, field in type_.fields.items():
            if not (field.description or "").strip():
                missing.append(f"{type_.name}.{name}")
            missing.extend(
                f"{type_.name}.{name}({arg})"
                for arg, spec in field.args.items()
                if not (spec.description or "").strip()
            )
    if isinstance(type_, GraphQLInputObjectType):
        missing.extend(
            f"{type_.name}.{name}"
            for name, field in type_.fields.items()
            if not (field.description or "").strip()
        )
    return missing


@pytest.mark.parametrize("type_name", named_types())
def test_every_type_field_argument_and_enum_is_described(type_name: str) -> None:
    assert undescribed(graphql_schema().type_map[type_name]) == []


def test_the_schema_has_the_expected_kinds_of_type() -> None:
    types = graphql_schema().type_map
    assert isinstance(types["ActionFilter"], GraphQLInputObjectType)
    assert isinstance(types["ActionKind"], GraphQLEnumType)
    assert isinstance(types["Sourced"], GraphQLInterfaceType)
    assert {t for t, v in types.items() if isinstance(v, GraphQLInputObjectType)} == {
        "ActionFilter",
        "TrialFilter",
    }


def test_kind_types_cover_every_kind() -> None:
    assert set(KIND_TYPES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_model_field_is_a_graphql_field(kind: str) -> None:
    type_ = graphql_schema().type_map[KIND_TYPES[kind]]
    assert isinstance(type_, GraphQLObjectType)
    assert type_.description == KINDS[kind].doc
    missing = [f.name for f in KINDS[kind].fields if camel(f.name) not in type_.fields]
    assert missing == []
    for spec in KINDS[kind].fields:
        assert type_.fields[camel(spec.name)].description, f"{kind}.{spec.name}"
        if spec.type is FieldType.STRUCT:
            part_type = get_named_type(type_.fields[camel(spec.name)].type)
            assert isinstance(part_type, GraphQLObjectType)
            assert sorted(camel(p.name) for p in spec.parts) == sorted(part_type.fields)


@pytest.mark.parametrize(
    ("type_name", "field"),
    [
        pytest.param(t, f, id=f"{t}.{f}")
        for t in sorted(KIND_TYPES.values())
        for f in ("sources", "howToCite", "origin")
    ],
)
def test_every_entity_has_its_provenance_fields(type_name: str, field: str) -> None:
    type_ = graphql_schema().type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    assert field in type_.fields


@pytest.mark.parametrize(
    "enum",
    [
        *(
            v
            for v in vars(vocab).values()
            if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum
        ),
        Phase,
    ],
    ids=lambda e: e.__name__,
)
def test_every_vocabulary_value_is_an_enum_value(enum: type[StrEnum]) -> None:
    type_ = graphql_schema().type_map[enum.__name__]
    assert isinstance(type_, GraphQLEnumType)
    assert type_.description == (enum.__doc__ or "").strip()
    assert list(type_.values) == [member.name for member in enum]
