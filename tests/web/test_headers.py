"""Every page carries a Content-Security-Policy; every response nosniff and no referrer."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from tests.web.test_graphql_http import serve
from web.headers import CONTENT_SECURITY_POLICY, with_security_headers

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2; the project's dev dependencies install httpx.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with serve() as client:
        yield client


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", "text/html"),
        ("/graphql", "text/html"),
        ("/explore?id=substance:mdma", "text/html"),
        ("/timeline?substance=MDMA", "text/html"),
        ("/downloads", "text/html"),
    ],
)
def test_pages_carry_the_policy(client: TestClient, path: str, accept: str) -> None:
    response = client.get(path, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_run_no_inline_script(client: TestClient) -> None:
    for path in ("/", "/graphql", "/explore", "/timeline", "/downloads"):
        html = client.get(path, headers={"accept": "text/html"}).text
        for tag in html.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/json"' in opening, (path, opening)


def test_json_answers_are_nosniff_without_a_page_policy(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers


def test_headers_a_response_sets_itself_are_kept_and_not_repeated() -> None:
    own = [(b"content-type", b"text/html; charset=utf-8"), (b"referrer-policy", b"origin")]
    assert with_security_headers(own) == [
        *own,
        (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    ]
    json = [(b"content-type", b"application/json"), (b"content-security-policy", b"x")]
    assert with_security_headers(json) == [
        *json,
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]


def test_a_cached_answer_carries_each_header_once(client: TestClient) -> None:
    for _ in range(3):
        response = client.get("/graphql", params={"query": "{ __typename }"})
        assert response.status_code == 200
        names = [name.decode().lower() for name, _ in response.headers.raw]
        assert sorted(names) == sorted(set(names))
        assert "content-security-policy" not in names
        assert {"etag", "x-content-type-options", "referrer-policy", "vary"} <= set(names)
