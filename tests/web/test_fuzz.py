"""Schema-driven fuzzing: valid and invalid documents, odd operation names and variables,
and text that is no GraphQL at all. Whatever arrives, the answer is never a 5xx."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from datetime import date
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, queries
from starlette.exceptions import StarletteDeprecationWarning

from schema.app import sdl
from schema.limits import Limits
from server import Settings
from tests.web.test_graphql_http import GRAPHQL_RESPONSE, JSON, serve

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2; the project's dev dependencies install httpx.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

SCHEMA = graphql.build_schema(sdl())


def _string(text: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=text)


DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31))
SCALARS: Any = {
    "Date": DATES.map(lambda d: _string(d.isoformat())),
    "PartialDate": st.one_of(
        DATES.map(lambda d: _string(d.isoformat())),
        DATES.map(lambda d: _string(d.isoformat()[:7])),
        st.text(max_size=12).map(_string),
    ),
}
FUZZ = settings(
    max_examples=50,
    derandomize=True,  # the same examples on every run
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # A short time budget keeps the generated heavy queries quick.
    with serve(Settings(limits=Limits(time_budget=0.5))) as client:
        yield client


def _send(client: TestClient, payload: dict[str, Any], accept: str) -> None:
    response = client.post(
        "/graphql",
        content=json.dumps(payload),
        headers={"content-type": JSON, "accept": accept},
    )
    assert response.status_code < 500, (payload, response.text[:500])
    answer = json.loads(response.content)
    assert "errors" in answer or "data" in answer


@FUZZ
@given(
    query=queries(SCHEMA, custom_scalars=SCALARS),
    accept=st.sampled_from([GRAPHQL_RESPONSE, JSON]),
)
def test_valid_documents(client: TestClient, query: str, accept: str) -> None:
    _send(client, {"query": query}, accept)


@FUZZ
@given(
    query=queries(SCHEMA, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
    accept=st.sampled_from([GRAPHQL_RESPONSE, JSON]),
)
def test_invalid_documents(client: TestClient, query: str, accept: str) -> None:
    _send(client, {"query": query}, accept)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=20,
)


@FUZZ
@given(
    query=st.one_of(
        queries(SCHEMA, custom_scalars=SCALARS, fields=["meta", "substances", "trials"]),
        st.text(min_size=1, max_size=200),
        st.sampled_from(["fragment F on Query { meta { dataVersion } }", "{ a } { b }", "query"]),
    ),
    operation_name=st.one_of(st.none(), st.text(max_size=30)),
    variables=st.one_of(st.none(), st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=4)),
)
def test_odd_requests(
    client: TestClient, query: str, operation_name: str | None, variables: dict[str, Any] | None
) -> None:
    payload = {"query": query, "operationName": operation_name, "variables": variables}
    _send(client, payload, GRAPHQL_RESPONSE)
