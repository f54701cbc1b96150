"""Relay plumbing: global ids, the Node interface, and connections with opaque cursors."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence, Sized
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError

from graph.errors import cut
from graph.model import KINDS, kind_of

DEFAULT_PAGE = 25
MAX_PAGE = 100

T = TypeVar("T")


def to_global_id(node_id: str) -> str:
    """The opaque Relay id of a regkg id (`substance:mdma`)."""
    return base64.urlsafe_b64encode(node_id.encode()).decode().rstrip("=")


def from_global_id(global_id: str) -> str:
    """The regkg id inside a Relay id; GraphQLError when it is not one."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        node_id = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise GraphQLError(f"{cut(global_id)!r} is not a regkg node id") from None
    if ":" not in node_id or kind_of(node_id) not in KINDS:
        raise GraphQLError(f"{cut(global_id)!r} is not a regkg node id")
    return node_id


@strawberry.interface(description="Anything with a global id, fetchable with `node(id:)`.")
class Node:
    @strawberry.field(description="Opaque global id (Relay). Pass it to `node(id:)`.")
    def id(self, root: strawberry.Parent[dict[str, object]]) -> strawberry.ID:
        return strawberry.ID(to_global_id(str(root["id"])))

    @strawberry.field(description="The stable, readable regkg id, e.g. `substance:mdma`.")
    def regkg_id(self, root: strawberry.Parent[dict[str, object]]) -> str:
        return str(root["id"])


@strawberry.type(description="Where a page starts and ends, and whether there is more.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items after this page.")
    has_previous_page: bool = strawberry.field(description="Items before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
    node: T = strawberry.field(description="The item.")


def _count_matching(root: strawberry.Parent[Any]) -> int:
    return len(root.matching)


@strawberry.type(description="A page of items (Relay connection).")
class Connection(Generic[T]):
    total_count: int = strawberry.field(
        resolver=_count_matching, description="How many items match, over all pages."
    )
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    edges: list[Edge[T]] = strawberry.field(description="The items with their cursors.")
    nodes: list[T] = strawberry.field(description="The items alone.")
    # Every item of the list the page was taken from, counted only when `totalCount` is
    # asked for: counting a filtered list can mean reading all of it, where the page
    # itself reads about a page.
    matching: strawberry.Private[Sized] = ()


def _same(item: Any) -> Any:
    return item


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "offset" or not number.isdigit():
            raise ValueError(cursor)
        return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise GraphQLError(f"{cut(cursor)!r} is not a cursor from this API") from None


def _page_size(name: str, size: int) -> int:
    if size < 0:
        raise GraphQLError(f"`{name}` cannot be negative")
    if size > MAX_PAGE:
        raise GraphQLError(
            f"`{name}` is {size}, above the page size limit of {MAX_PAGE}; "
            "ask for at most 100 and follow `pageInfo.endCursor`"
        )
    return size


def paginate(
    items: Sequence[Any],
    first: int | None,
    after: str | None,
    load: Callable[[Any], Any] = _same,
    *,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Any]:
    """One page of `items`, as Relay's cursor connections have it: the items after the
    `after` cursor and before the `before` one, then the `first` of them (25 if neither
    `first` nor `last` is given, at most 100) or the `last`.

    `load` turns an item (an id) into what the page shows; only the page's items are loaded.

    >>> page = paginate("abcde", None, None, last=2, before=_cursor(4))
    >>> page.nodes, page.page_info.has_previous_page, page.page_info.has_next_page
    (['c', 'd'], True, True)
    """
    if first is not None and last is not None:
        raise GraphQLError("give `first` or `last`, not both")
    start = _offset(after) + 1 if after is not None else 0
    if last is not None:
        end = min(_offset(before), len(items)) if before is not None else len(items)
        end = max(start, end)
        start = max(start, end - _page_size("last", last))
        page = list(items[start:end])
        has_next = end < len(items)
    else:
        # One item past the page says whether there is a next page, without counting
        # the items: a page of a long list read lazily costs about the page.
        end = start + _page_size("first", DEFAULT_PAGE if first is None else first)
        if before is not None:
            end = max(start, min(end, _offset(before)))
        page = list(items[start : end + 1])
        has_next = len(page) > end - start
        del page[end - start :]
    page = [load(item) for item in page]
    edges = [Edge(cursor=_cursor(start + i), node=item) for i, item in enumerate(page)]
    return Connection(
        matching=items,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
        nodes=page,
    )
