"""Relay: global ids that round trip, and connections whose pages fit together."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import pytest
import strawberry
from strawberry.types import ExecutionResult

from graph.build import KnowledgeGraph
from graph.model import KINDS
from schema.app import build_schema
from schema.context import Context
from schema.relay import DEFAULT_PAGE, MAX_PAGE, from_global_id, to_global_id


@cache
def regkg_schema() -> strawberry.Schema:
    return build_schema()


def execute(kg: KnowledgeGraph, query: str, variables: dict[str, Any] | None = None) -> Any:
    return regkg_schema().execute_sync(query, variable_values=variables, context_value=Context(kg))


def data_of(result: ExecutionResult) -> dict[str, Any]:
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def messages(result: ExecutionResult) -> list[str]:
    assert result.errors is not None
    return [e.message for e in result.errors]


# --- global ids ------------------------------------------------------------------------


EXAMPLES = [
    "substance:mdma",
    "condition:ptsd",
    "organisation:lykos",
    "trial:NCT03537014",
    "action:mdma-ptsd-btd",
    "event:maps-pbc-renamed-lykos",
    "target:oxytocin",
    "effect:mdma-raises-oxytocin",
    "claim:wolfson-2020-pilot-not-significant",
    "conflict:mdma-anxiety-pilot-significance",
    "source:seed-mnt",
    "jurisdiction:US",
]


def test_the_examples_cover_every_kind() -> None:
    assert {e.partition(":")[0] for e in EXAMPLES} == set(KINDS)


@pytest.mark.parametrize("regkg_id", EXAMPLES)
def test_global_id_round_trips_through_node(real: KnowledgeGraph, regkg_id: str) -> None:
    query = "query ($id: String!) { entity(id: $id) { id regkgId __typename } }"
    entity = data_of(execute(real, query, {"id": regkg_id}))["entity"]
    assert entity["regkgId"] == regkg_id
    assert from_global_id(entity["id"]) == regkg_id
    again = "query ($id: ID!) { node(id: $id) { id regkgId __typename } }"
    assert data_of(execute(real, again, {"id": entity["id"]})) == {"node": entity}


def test_every_node_round_trips_through_nodes(real: KnowledgeGraph) -> None:
    everything = sorted(real.graph.nodes)
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { id regkgId } }"
    for start in range(0, len(everything), 100):  # at most 100 ids a request
        ids = everything[start : start + 100]
        result = execute(real, query, {"ids": [to_global_id(i) for i in ids]})
        assert data_of(result) == {"nodes": [{"id": to_global_id(i), "regkgId": i} for i in ids]}


def test_more_than_100_ids_is_an_error(real: KnowledgeGraph) -> None:
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { regkgId } }"
    result = execute(real, query, {"ids": [to_global_id("substance:mdma")] * 101})
    assert result.errors is not None
    assert [e.message for e in result.errors] == ["101 ids asked for; the limit is 100"]


def test_nodes_keeps_order_and_gives_null_for_unknown_ids(real: KnowledgeGraph) -> None:
    ids = [to_global_id(i) for i in ("target:oxytocin", "substance:nope", "substance:mdma")]
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { regkgId } }"
    assert data_of(execute(real, query, {"ids": ids})) == {
        "nodes": [{"regkgId": "target:oxytocin"}, None, {"regkgId": "substance:mdma"}]
    }


def test_node_of_an_unknown_regkg_id_is_null_with_not_found(real: KnowledgeGraph) -> None:
    query = "query ($id: ID!) { node(id: $id) { regkgId } }"
    result = execute(real, query, {"id": to_global_id("substance:nope")})
    assert result.data == {"node": None}
    assert result.errors is not None
    assert result.errors[0].formatted["extensions"] == {"code": "NOT_FOUND"}


@pytest.mark.parametrize(
    "global_id",
    [
        pytest.param("!!!", id="not-base64"),
        pytest.param(to_global_id("mdma"), id="no-kind"),
        pytest.param(to_global_id(":mdma"), id="empty-kind"),
        pytest.param("", id="empty"),
        pytest.param("__w", id="not-utf8"),
    ],
)
def test_invalid_global_id_is_a_clear_error(real: KnowledgeGraph, global_id: str) -> None:
    query = "query ($id: ID!) { node(id: $id) { regkgId } }"
    result = execute(real, query, {"id": global_id})
    assert result.data == {"node": None}
    assert messages(result) == [f"{global_id!r} is not a regkg node id"]


def test_invalid_global_id_among_nodes_is_a_clear_error(real: KnowledgeGraph) -> None:
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { regkgId } }"
    result = execute(real, query, {"ids": [to_global_id("substance:mdma"), "!!!"]})
    assert messages(result) == ["'!!!' is not a regkg node id"]


def test_global_id_of_an_unknown_kind_is_an_error(real: KnowledgeGraph) -> None:
    global_id = to_global_id("nope:x")
    query = "query ($id: ID!) { node(id: $id) { regkgId } }"
    result = execute(real, query, {"id": global_id})
    assert messages(result) == [f"{global_id!r} is not a regkg node id"]


# --- connections -----------------------------------------------------------------------

CONNECTIONS = [
    "substances",
    "conditions",
    "organisations",
    "sources",
    "events",
    "targets",
    "effects",
    "trials",
    "regulatoryActions",
    "claims",
]
PAGE = """query ($first: Int, $after: String) {
  list: %s(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { regkgId } }
    nodes { regkgId }
  }
}"""


def page(kg: KnowledgeGraph, field: str, first: int | None, after: str | None) -> dict[str, Any]:
    result = execute(kg, PAGE % field, {"first": first, "after": after})
    connection: dict[str, Any] = data_of(result)["list"]
    assert [e["node"] for e in connection["edges"]] == connection["nodes"]
    edges = connection["edges"]
    info = connection["pageInfo"]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
    assert info["hasPreviousPage"] == (after is not None)
    return connection


def walk(kg: KnowledgeGraph, field: str, first: int) -> list[str]:
    """Every id of a connection, following `endCursor` page by page."""
    ids: list[str] = []
    after = None
    while True:
        connection = page(kg, field, first, after)
        ids.extend(n["regkgId"] for n in connection["nodes"])
        assert len(connection["nodes"]) <= first
        if not connection["pageInfo"]["hasNextPage"]:
            return ids
        assert len(connection["nodes"]) == first
        after = connection["pageInfo"]["endCursor"]


@pytest.mark.parametrize("field", CONNECTIONS)
def test_pages_continue_with_no_overlap_and_no_gap(real: KnowledgeGraph, field: str) -> None:
    everything = walk(real, field, MAX_PAGE)
    in_sevens = walk(real, field, 7)
    assert in_sevens == everything
    assert len(set(everything)) == len(everything)
    total = page(real, field, 1, None)["totalCount"]
    assert len(everything) == total
    assert total > 0


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("substances", "substance"),
        ("conditions", "condition"),
        ("organisations", "organisation"),
        ("sources", "source"),
        ("events", "event"),
        ("targets", "target"),
        ("effects", "effect"),
        ("claims", "claim"),
    ],
)
def test_a_connection_lists_every_node_of_its_kind(
    real: KnowledgeGraph, field: str, kind: str
) -> None:
    assert sorted(walk(real, field, MAX_PAGE)) == sorted(real.by_kind[kind])


def test_substances_are_listed_by_name(real: KnowledgeGraph) -> None:
    assert walk(real, "substances", MAX_PAGE) == [
        "substance:cyb003",
        "substance:dmt",
        "substance:doc",
        "substance:doi",
        "substance:ecstasy",
        "substance:esketamine",
        "substance:ibogaine",
        "substance:ketamine",
        "substance:lsd",
        "substance:luvesilocin",
        "substance:mdma",
        "substance:mebufotenin",
        "substance:methylone",
        "substance:psilocybin",
    ]


def test_default_page_is_25(real: KnowledgeGraph) -> None:
    connection = page(real, "sources", None, None)
    assert DEFAULT_PAGE == 25
    assert len(connection["nodes"]) == 25
    assert connection["totalCount"] == len(real.by_kind["source"]) > 25
    assert connection["pageInfo"]["hasNextPage"] is True


def test_first_100_is_allowed(real: KnowledgeGraph) -> None:
    connection = page(real, "sources", 100, None)
    assert len(connection["nodes"]) == min(100, len(real.by_kind["source"]))


def test_first_0_gives_an_empty_page(real: KnowledgeGraph) -> None:
    connection = page(real, "sources", 0, None)
    assert connection["nodes"] == []
    assert connection["totalCount"] == len(real.by_kind["source"])
    assert connection["pageInfo"]["hasNextPage"] is True


def test_after_the_last_cursor_the_page_is_empty(real: KnowledgeGraph) -> None:
    last = page(real, "substances", 100, None)
    assert last["pageInfo"]["hasNextPage"] is False
    beyond = page(real, "substances", 10, last["pageInfo"]["endCursor"])
    assert beyond["nodes"] == []
    assert beyond["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }


@pytest.mark.parametrize("field", ["sources", "trials", "regulatoryActions", "claims"])
def test_first_101_is_refused_naming_the_limit(real: KnowledgeGraph, field: str) -> None:
    result = execute(real, PAGE % field, {"first": 101})
    assert result.data is None
    assert messages(result) == [
        "`first` is 101, above the page size limit of 100; "
        "ask for at most 100 and follow `pageInfo.endCursor`"
    ]


def test_negative_first_is_refused(real: KnowledgeGraph) -> None:
    result = execute(real, PAGE % "sources", {"first": -1})
    assert messages(result) == ["`first` cannot be negative"]


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("garbage", id="not-base64"),
        pytest.param("b2Zmc2V0Oi0x", id="negative-offset"),
        pytest.param(to_global_id("substance:mdma") + "=", id="a-node-id"),
        pytest.param("", id="empty"),
    ],
)
def test_invalid_cursor_is_a_clear_error(real: KnowledgeGraph, cursor: str) -> None:
    result = execute(real, PAGE % "sources", {"first": 5, "after": cursor})
    assert result.data is None
    assert messages(result) == [f"{cursor!r} is not a cursor from this API"]


def test_search_page_size_is_bounded(real: KnowledgeGraph) -> None:
    result = execute(real, '{ search(text: "mdma", first: 101) { nodes { label } } }')
    assert messages(result) == [
        "`first` is 101, above the page size limit of 100; ask for at most 100 and follow "
        "`pageInfo.endCursor`"
    ]


def test_search_pages_like_the_other_root_lists(real: KnowledgeGraph) -> None:
    query = """query ($after: String) {
      search(text: "mdma", first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { node { regkgId } }
      }
    }"""
    first = data_of(execute(real, query))["search"]
    second = data_of(execute(real, query, {"after": first["pageInfo"]["endCursor"]}))["search"]
    assert first["totalCount"] == second["totalCount"] > 2
    assert first["pageInfo"]["hasNextPage"]
    seen = [n["node"]["regkgId"] for n in first["nodes"] + second["nodes"]]
    assert len(seen) == len(set(seen)) == 4


def test_last_and_before_page_backwards(real: KnowledgeGraph) -> None:
    forward = data_of(execute(real, "{ substances(first: 5) { edges { cursor node { name } } } }"))
    edges = forward["substances"]["edges"]
    query = """query ($before: String) {
      substances(last: 2, before: $before) {
        pageInfo { hasPreviousPage hasNextPage } nodes { name }
      }
    }"""
    back = data_of(execute(real, query, {"before": edges[4]["cursor"]}))["substances"]
    assert [n["name"] for n in back["nodes"]] == [e["node"]["name"] for e in edges[2:4]]
    assert back["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": True}
    both = execute(real, "{ substances(first: 1, last: 1) { totalCount } }")
    assert messages(both) == ["give `first` or `last`, not both"]


@pytest.mark.parametrize(
    ("order", "names"),
    [
        ("NAME_ASC", ["CYB003", "DMT", "DOC"]),
        ("NAME_DESC", ["Psilocybin", "Methylone", "Mebufotenin"]),
    ],
    ids=["ascending", "descending"],
)
def test_browse_lists_sort_by_name(real: KnowledgeGraph, order: str, names: list[str]) -> None:
    query = f"{{ substances(order: {order}, first: 3) {{ totalCount nodes {{ name }} }} }}"
    assert data_of(execute(real, query)) == {
        "substances": {"totalCount": 14, "nodes": [{"name": n} for n in names]}
    }


class _Uncountable(Sequence[int]):
    """A long list that can be sliced but refuses to be counted: counting it would be the
    work a page must not do."""

    def __len__(self) -> int:
        raise AssertionError("counted")

    def __getitem__(self, index: Any) -> Any:
        return list(range(1000))[index]


def test_a_page_is_taken_without_counting_the_list() -> None:
    from schema.relay import _cursor, paginate

    page = paginate(_Uncountable(), 3, _cursor(4))
    assert page.nodes == [5, 6, 7]
    assert (page.page_info.has_next_page, page.page_info.has_previous_page) == (True, True)
    assert paginate(_Uncountable(), 3, _cursor(996)).page_info.has_next_page is False
    with pytest.raises(AssertionError, match="counted"):
        len(page.matching)  # what `totalCount` asks, when a query selects it
