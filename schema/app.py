"""The strawberry Schema, with its scalars, default resolver, limits and caches."""

from __future__ import annotations

from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.errors import ErrorCodes, add_codes
from schema.limits import Limits, extensions
from schema.query import Query
from schema.resolve import read_attribute
from schema.scalars import SCALARS
from schema.types import NODE_TYPES

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"


class CodedSchema(strawberry.Schema):
    """Every error it answers with carries `extensions.code` (schema/errors.py)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        add_codes(errors)
        super().process_errors(errors, execution_context)


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    """The regkg schema; `limits` bound depth, aliases, tokens and cost."""
    return CodedSchema(
        query=Query,
        types=list(NODE_TYPES),
        config=StrawberryConfig(default_resolver=read_attribute, scalar_map=SCALARS),
        # First, so that it sees the errors last, once they are masked.
        extensions=[ErrorCodes, *extensions(limits or Limits())],
    )


def sdl() -> str:
    """The schema in SDL, as checked in at `schema.graphql`."""
    return build_schema().as_str() + "\n"
