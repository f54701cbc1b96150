"""Automatic persisted queries over HTTP: a miss, the query sent with its hash, then a GET
with the hash alone, cached like any GraphQL GET."""

from __future__ import annotations

import gc
import json
import warnings
from collections.abc import Iterator

import pytest

from graph.build import KnowledgeGraph
from server import Settings, create_app
from web.persisted import sha256

with warnings.catch_warnings():
    from starlette.exceptions import StarletteDeprecationWarning

    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

QUERY = "{ substances { nodes { name } } }"


def extensions(digest: str, version: int = 1) -> str:
    return json.dumps({"persistedQuery": {"version": version, "sha256Hash": digest}})


@pytest.fixture
def client(tiny: KnowledgeGraph) -> Iterator[TestClient]:
    try:
        with TestClient(create_app(Settings(), loaded=tiny)) as served:
            yield served
    finally:
        gc.unfreeze()


def test_a_hash_is_unknown_then_registered_then_enough(client: TestClient) -> None:
    digest = sha256(QUERY + " ")  # a query no other test registers
    query = QUERY + " "
    miss = client.get("/graphql", params={"extensions": extensions(digest)})
    assert miss.status_code == 400
    assert miss.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert miss.headers["cache-control"] == "no-store"
    registered = client.post(
        "/graphql",
        json={"query": query, "extensions": json.loads(extensions(digest))},
    )
    assert registered.json()["data"] == {"substances": {"nodes": [{"name": "Drugxamine"}]}}
    hit = client.get("/graphql", params={"extensions": extensions(digest)})
    assert hit.status_code == 200
    assert hit.json()["data"] == registered.json()["data"]
    assert hit.headers["cache-control"] == "public, max-age=300"
    again = client.get(
        "/graphql",
        params={"extensions": extensions(digest)},
        headers={"if-none-match": hit.headers["etag"]},
    )
    assert again.status_code == 304


def test_a_hash_that_is_not_the_querys_is_refused(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        json={"query": QUERY, "extensions": json.loads(extensions("0" * 64))},
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error == {
        "message": "`sha256Hash` is not the SHA-256 of `query`",
        "extensions": {"code": "BAD_REQUEST"},
    }


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(extensions("abc"), id="short-hash"),
        pytest.param(extensions(sha256(QUERY), version=2), id="unknown-version"),
        pytest.param(json.dumps({"persistedQuery": "yes"}), id="not-an-object"),
    ],
)
def test_a_malformed_persisted_query_is_a_bad_request(client: TestClient, value: str) -> None:
    response = client.get("/graphql", params={"extensions": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


def test_exports_take_a_persisted_query_too(client: TestClient) -> None:
    digest = sha256(QUERY)
    client.post("/graphql", json={"query": QUERY, "extensions": json.loads(extensions(digest))})
    response = client.get("/graphql", params={"extensions": extensions(digest), "format": "csv"})
    assert response.status_code == 200
    assert response.text.startswith("name,sourceUrls,dataVersion\r\nDrugxamine,")
