"""Every page carries a Content-Security-Policy; every response nosniff and no referrer."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from tests.web.test_graphql_http import serve
from web.headers import CONTENT_SECURITY_POLICY

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
