"""GraphQL over HTTP through the starlette app, with its lifespan run by TestClient."""

from __future__ import annotations

import gc
import json
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from graph import provenance
from graph.errors import DataValidationError
from graph.load import DEFAULT_DATA_DIR
from schema.app import sdl
from schema.limits import Limits
from server import Settings, create_app, parse_settings

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2; the project's dev dependencies install httpx.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient


GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
META = "{ meta { dataVersion } }"


@contextmanager
def serve(settings: Settings | None = None) -> Iterator[TestClient]:
    """A client of a fresh app, its lifespan run (the graph loaded) for the duration."""
    try:
        with TestClient(create_app(settings)) as client:
            yield client
    finally:
        gc.unfreeze()  # the lifespan froze everything allocated so far


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with serve() as client:
        yield client


@pytest.fixture(scope="module")
def version(client: TestClient) -> str:
    version: str = client.get("/healthz").json()["dataVersion"]
    return version


def request_error(message: str) -> dict[str, Any]:
    """The body of a request regkg could not take."""
    return {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}


def body(response: Any) -> Any:
    return json.loads(response.content)


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def post(client: TestClient, payload: object, accept: str | None = JSON, **headers: str) -> Any:
    if accept is not None:
        headers["accept"] = accept
    return client.post(
        "/graphql", content=json.dumps(payload), headers={"content-type": JSON, **headers}
    )


# --- POST and GET ----------------------------------------------------------------------


def test_post(client: TestClient, version: str) -> None:
    response = post(client, {"query": META}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type(GRAPHQL_RESPONSE)
    assert body(response) == {"data": {"meta": {"dataVersion": version}}, "extensions": {"cost": 2}}
    assert "etag" not in response.headers


def test_get(client: TestClient, version: str) -> None:
    response = client.get("/graphql", params={"query": META}, headers={"accept": JSON})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type(JSON)
    assert body(response) == {"data": {"meta": {"dataVersion": version}}, "extensions": {"cost": 2}}


def test_the_readme_question(client: TestClient) -> None:
    query = """{
      regulatoryStatus(substance: "MDMA", condition: "PTSD", jurisdiction: "US",
                       asOf: "2024-09-01") { approval { phase phaseSetBy { date disclosure } } }
    }"""
    response = post(client, {"query": query}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert body(response)["data"] == {
        "regulatoryStatus": {
            "approval": {
                "phase": "NOT_APPROVED",
                "phaseSetBy": {"date": "2024-08-09", "disclosure": "SPONSOR"},
            }
        }
    }


QUERY_WITH_VARIABLE = "query Find($name: String!) { substance(name: $name) { regkgId } }"
FOUND = {"data": {"substance": {"regkgId": "substance:mdma"}}, "extensions": {"cost": 2}}


def test_variables_and_operation_name_by_post(client: TestClient) -> None:
    payload = {
        "query": QUERY_WITH_VARIABLE,
        "variables": {"name": "molly"},
        "operationName": "Find",
    }
    response = post(client, payload)
    assert response.status_code == 200
    assert body(response) == FOUND


def test_variables_by_get(client: TestClient) -> None:
    params = {"query": QUERY_WITH_VARIABLE, "variables": json.dumps({"name": "molly"})}
    response = client.get("/graphql", params=params)
    assert response.status_code == 200
    assert body(response) == FOUND


def test_operation_name_picks_the_operation(client: TestClient) -> None:
    query = "query A { __typename } query B { meta { dataVersion } }"
    response = post(client, {"query": query, "operationName": "A"})
    # The cost reported (and limited) is the document's most expensive operation's.
    assert body(response) == {"data": {"__typename": "Query"}, "extensions": {"cost": 2}}


# --- Accept ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        pytest.param(GRAPHQL_RESPONSE, GRAPHQL_RESPONSE, id="graphql-response"),
        pytest.param(JSON, JSON, id="json"),
        pytest.param("*/*", JSON, id="anything"),
        pytest.param("application/*", JSON, id="any-application"),
        pytest.param(None, JSON, id="missing"),
        pytest.param(f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE, id="graphql-first"),
        pytest.param(f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON, id="json-preferred"),
        pytest.param(f"text/plain, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE, id="one-acceptable"),
    ],
)
def test_accept_negotiation(client: TestClient, accept: str | None, media_type: str) -> None:
    request = client.build_request(
        "POST", "/graphql", content=json.dumps({"query": "{ __typename }"}),
        headers={"content-type": JSON},
    )  # fmt: skip
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    response = client.send(request)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type(media_type)
    assert body(response) == {"data": {"__typename": "Query"}, "extensions": {"cost": 1}}


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param("text/plain", id="text"),
        pytest.param("application/xml", id="xml"),
        pytest.param(f"{JSON};q=0", id="json-refused"),
        pytest.param(f"{GRAPHQL_RESPONSE};q=0, {JSON};q=0", id="both-refused"),
    ],
)
def test_unacceptable_accept_is_406(client: TestClient, accept: str) -> None:
    response = post(client, {"query": "{ __typename }"}, accept=accept)
    assert response.status_code == 406
    assert body(response) == request_error(f"send Accept: {GRAPHQL_RESPONSE} or {JSON}")


# --- request errors and field errors ---------------------------------------------------

PARSE_ERROR = {
    "errors": [
        {
            "message": "Syntax Error: Expected Name, found <EOF>.",
            "locations": [{"line": 1, "column": 24}],
            "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
        }
    ]
}
VALIDATION_ERROR = {
    "errors": [
        {
            "message": "Cannot query field 'nope' on type 'Query'. Did you mean 'node' or 'nodes'?",
            "locations": [{"line": 1, "column": 3}],
            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
        }
    ],
    "extensions": {"cost": 1},
}
VARIABLE_ERROR = {
    "errors": [
        {
            "message": "Variable '$name' has invalid value: String cannot represent a non "
            "string value: 5",
            "locations": [{"line": 1, "column": 12}],
            "extensions": {"code": "BAD_USER_INPUT"},
        }
    ],
    "extensions": {"cost": 2},
}


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param({"query": "{ meta { dataVersion } "}, PARSE_ERROR, id="parse"),
        pytest.param({"query": "{ nope }"}, VALIDATION_ERROR, id="validation"),
        pytest.param(
            {"query": QUERY_WITH_VARIABLE, "variables": {"name": 5}}, VARIABLE_ERROR, id="variable"
        ),
    ],
)
@pytest.mark.parametrize(
    ("accept", "status"),
    [
        pytest.param(GRAPHQL_RESPONSE, 400, id="graphql-response"),
        pytest.param(JSON, 200, id="json"),
    ],
)
def test_request_errors_have_no_data(
    client: TestClient,
    payload: dict[str, Any],
    expected: dict[str, Any],
    accept: str,
    status: int,
) -> None:
    response = post(client, payload, accept=accept)
    assert response.status_code == status
    assert response.headers["content-type"] == content_type(accept)
    assert body(response) == expected
    assert "data" not in body(response)


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
def test_field_errors_are_200_with_data(client: TestClient, accept: str) -> None:
    response = post(client, {"query": '{ substance(name: "zzqqxx") { regkgId } }'}, accept=accept)
    assert response.status_code == 200
    assert body(response) == {
        "data": {"substance": None},
        "errors": [
            {
                "message": "no substance matches 'zzqqxx'",
                "locations": [{"line": 1, "column": 3}],
                "path": ["substance"],
                "extensions": {"code": "NOT_FOUND"},
            }
        ],
        "extensions": {"cost": 2},
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"{", "the request body is not valid JSON", id="invalid-json"),
        pytest.param(b"", "the request body is empty; send a JSON object with `query`", id="empty"),
        pytest.param(b"[1]", "the request body must be a JSON object with `query`", id="array"),
        pytest.param(b"{}", "`query` must be a non-empty string", id="no-query"),
        pytest.param(b'{"query": 5}', "`query` must be a non-empty string", id="query-number"),
        pytest.param(
            b'{"query": "{ __typename }", "variables": [1]}',
            "`variables` must be a JSON object or null",
            id="variables-array",
        ),
        pytest.param(
            b'{"query": "{ __typename }", "operationName": 1}',
            "`operationName` must be a string or null",
            id="operation-name-number",
        ),
        pytest.param(
            b'{"query": "{ __typename }", "extensions": "x"}',
            "`extensions` must be a JSON object or null",
            id="extensions-string",
        ),
    ],
)
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
def test_bad_post_body_is_400(
    client: TestClient, content: bytes, message: str, accept: str
) -> None:
    response = client.post(
        "/graphql", content=content, headers={"content-type": JSON, "accept": accept}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == content_type(accept)
    assert body(response) == request_error(message)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param({}, "`query` must be a non-empty string", id="no-query"),
        pytest.param(
            {"query": "{ __typename }", "variables": "{"},
            "`variables` is not valid JSON",
            id="invalid-variables",
        ),
    ],
)
def test_bad_get_is_400(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/graphql", params=params, headers={"accept": JSON})
    assert response.status_code == 400
    assert body(response) == request_error(message)


@pytest.mark.parametrize(
    ("content_type_header", "message"),
    [
        pytest.param(None, "a POST needs `Content-Type: application/json`", id="missing"),
        pytest.param(
            "text/plain", "unsupported Content-Type 'text/plain'; send application/json", id="text"
        ),
        pytest.param(
            "application/json; charset=latin-1", "the request body must be UTF-8", id="latin-1"
        ),
    ],
)
def test_post_without_json_content_type_is_415(
    client: TestClient, content_type_header: str | None, message: str
) -> None:
    headers = {"accept": JSON}
    if content_type_header is not None:
        headers["content-type"] = content_type_header
    response = client.post("/graphql", content=b'{"query": "{ __typename }"}', headers=headers)
    assert response.status_code == 415
    assert body(response) == request_error(message)


def test_post_with_utf8_charset_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        content=b'{"query": "{ search(text: \\"psilocybine\\", first: 1) { nodes { label } } }"}',
        headers={"content-type": "application/json; charset=UTF-8", "accept": JSON},
    )
    assert response.status_code == 200
    assert body(response)["data"] == {"search": {"nodes": [{"label": "Psilocybin"}]}}


def test_other_methods_are_405(client: TestClient) -> None:
    response = client.put("/graphql", content=b"{}", headers={"content-type": JSON})
    assert response.status_code == 405


def test_internal_errors_are_masked_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> str:
        raise OSError("/srv/regkg/data/secret.yaml: permission denied")

    monkeypatch.setattr(provenance, "how_to_cite", broken)
    with serve() as client:  # a fresh app: nothing cached
        response = post(client, {"query": '{ substance(name: "MDMA") { howToCite } }'})
        assert response.status_code == 200
        assert body(response) == {
            "data": {"substance": None},
            "errors": [
                {
                    "message": "Internal error.",
                    "locations": [{"line": 1, "column": 29}],
                    "path": ["substance", "howToCite"],
                    "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                }
            ],
            "extensions": {"cost": 2},
        }
        for leak in ("secret", "/srv", ".py", "Traceback", "OSError"):
            assert leak not in response.text


# --- caching ---------------------------------------------------------------------------


def test_get_has_etag_and_cache_control_and_answers_304(client: TestClient) -> None:
    params = {"query": '{ substance(name: "ecstasy") { regkgId } }'}
    first = client.get("/graphql", params=params)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first.headers["cache-control"] == "public, max-age=300"
    assert first.headers["vary"] == "Accept"

    again = client.get("/graphql", params=params, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=300"

    weak = client.get("/graphql", params=params, headers={"if-none-match": f'"x", W/{etag}'})
    assert weak.status_code == 304

    other = client.get("/graphql", params=params, headers={"if-none-match": '"not-it"'})
    assert other.status_code == 200
    assert other.content == first.content


def test_a_cached_answer_is_neither_parsed_again_nor_hashed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from web import graphql_http

    calls = {"parse_params": 0, "etag_of": 0}

    def counted(name: str) -> Callable[..., Any]:
        original = getattr(graphql_http, name)

        def wrapper(*args: Any) -> Any:
            calls[name] += 1
            return original(*args)

        return wrapper

    for name in calls:
        monkeypatch.setattr(graphql_http, name, counted(name))
    params = {"query": '{ substance(name: "ecstasy") { regkgId name } }'}
    with serve() as fresh:
        miss = fresh.get("/graphql", params=params)
        assert miss.status_code == 200
        assert calls == {"parse_params": 1, "etag_of": 1}
        hit = fresh.get("/graphql", params=params)
        etag = miss.headers["etag"]
        revalidated = fresh.get("/graphql", params=params, headers={"if-none-match": etag})
        assert (hit.status_code, revalidated.status_code) == (200, 304)
        assert hit.content == miss.content
        assert hit.headers["etag"] == revalidated.headers["etag"] == etag
        assert calls == {"parse_params": 1, "etag_of": 1}
        # A POST of the same question is another entry; its answer carries no tag.
        posted = post(fresh, params)
        assert posted.content == miss.content
        assert "etag" not in posted.headers
        assert calls == {"parse_params": 2, "etag_of": 1}


def test_the_cache_key_tells_apart_what_changes_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from web import graphql_http

    raw = b'{"query": "{ meta { dataVersion } }"}'
    key = graphql_http.cache_key("POST", raw, JSON, "v1")
    assert key == graphql_http.cache_key("POST", raw, JSON, "v1")
    others = {
        graphql_http.cache_key("GET", raw, JSON, "v1"),
        graphql_http.cache_key("POST", raw + b" ", JSON, "v1"),
        graphql_http.cache_key("POST", raw, GRAPHQL_RESPONSE, "v1"),
        graphql_http.cache_key("POST", raw, JSON, "v2"),
    }
    assert key not in others
    assert len(others) == 4

    class Tomorrow(date):
        @classmethod
        def today(cls) -> Tomorrow:
            return cls.fromordinal(date.today().toordinal() + 1)

    monkeypatch.setattr(graphql_http, "date", Tomorrow)
    assert graphql_http.cache_key("POST", raw, JSON, "v1") != key


def test_a_request_that_was_refused_is_refused_again(client: TestClient) -> None:
    # Only answers are cached: the same bytes with a wrong Content-Type are still refused.
    payload = json.dumps({"query": META})
    assert post(client, json.loads(payload)).status_code == 200
    again = client.post(
        "/graphql", content=payload, headers={"content-type": "text/plain", "accept": JSON}
    )
    assert again.status_code == 415


def test_if_none_match_star_is_304(client: TestClient) -> None:
    response = client.get(
        "/graphql", params={"query": "{ __typename }"}, headers={"if-none-match": "*"}
    )
    assert response.status_code == 304


def test_etag_differs_by_media_type(client: TestClient) -> None:
    params = {"query": "{ __typename }"}
    as_json = client.get("/graphql", params=params, headers={"accept": JSON})
    as_graphql = client.get("/graphql", params=params, headers={"accept": GRAPHQL_RESPONSE})
    assert as_json.content == as_graphql.content
    assert as_json.headers["content-type"] != as_graphql.headers["content-type"]
    # Same body, so the same tag: `Vary: Accept` tells caches to keep them apart.
    assert as_json.headers["vary"] == as_graphql.headers["vary"] == "Accept"


def test_errors_carry_no_etag(client: TestClient) -> None:
    response = client.get(
        "/graphql", params={"query": "{ nope }"}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert response.status_code == 400
    assert "etag" not in response.headers


# --- pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param("text/html", id="html"),
        pytest.param(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", id="browser"
        ),
    ],
)
def test_graphiql_for_browsers(client: TestClient, accept: str) -> None:
    response = client.get("/graphql", headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text.startswith("<!doctype html>")
    assert "graphiql" in response.text.lower()


def test_html_refused_with_q_0_gets_json(client: TestClient) -> None:
    response = client.get(
        "/graphql",
        params={"query": "{ __typename }"},
        headers={"accept": f"text/html;q=0, {JSON}"},
    )
    assert response.headers["content-type"] == content_type(JSON)


def test_healthz(client: TestClient, version: str) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "dataVersion": version}
    assert len(version) == 12


def test_front_page(client: TestClient, version: str) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    for text in (
        "<h1>regkg</h1>",
        '<a href="/graphql">',
        '<a href="/schema.graphql">',
        '<a href="/healthz">',
        f"<code>{version}</code>",
        " entities.",
    ):
        assert text in response.text


def test_schema_graphql(client: TestClient) -> None:
    response = client.get("/schema.graphql")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/graphql; charset=utf-8"
    assert response.text.startswith('"""')
    assert "type Query {" in response.text
    assert "regulatoryStatus(" in response.text
    assert response.text.endswith("}\n")


def test_schema_graphql_is_the_schema_served(client: TestClient) -> None:
    # Whether the checked-in schema.graphql is up to date is tests/schema/test_sdl.py's job.
    assert client.get("/schema.graphql").text == sdl()


# --- body size -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> Iterator[TestClient]:
    with serve(parse_settings(["--max-body-bytes", "200"], {})) as client:
        yield client


TOO_LARGE = {"errors": [{"message": "request body larger than the limit of 200 bytes"}]}


def test_body_within_the_limit_is_served(small: TestClient) -> None:
    response = post(small, {"query": "{ __typename }" + " " * 100})
    assert response.status_code == 200


def test_body_above_the_limit_is_413(small: TestClient) -> None:
    response = post(small, {"query": "{ __typename }" + " " * 300})
    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_streamed_body_above_the_limit_is_413(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"query": "{ __typename }", "pad": "'
        for _ in range(10):
            yield b"x" * 50
        yield b'"}'

    response = small.post(
        "/graphql", content=chunks(), headers={"content-type": JSON, "accept": JSON}
    )
    assert response.status_code == 413
    assert response.json() == TOO_LARGE


# --- CORS ------------------------------------------------------------------------------

ORIGIN = "https://newsroom.example"


def test_no_cors_headers_unless_configured(client: TestClient) -> None:
    response = post(client, {"query": "{ __typename }"}, origin=ORIGIN)
    assert response.status_code == 200
    assert not [h for h in response.headers if h.startswith("access-control-")]
    preflight = client.options(
        "/graphql", headers={"origin": ORIGIN, "access-control-request-method": "POST"}
    )
    assert not [h for h in preflight.headers if h.startswith("access-control-")]


@pytest.fixture(scope="module")
def with_cors() -> Iterator[TestClient]:
    with serve(parse_settings(["--cors-origins", ORIGIN], {})) as client:
        yield client


def test_cors_headers_for_a_configured_origin(with_cors: TestClient) -> None:
    response = post(with_cors, {"query": "{ __typename }"}, origin=ORIGIN)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN

    preflight = with_cors.options(
        "/graphql",
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert preflight.headers["access-control-allow-methods"] == "GET, POST"


def test_no_cors_headers_for_another_origin(with_cors: TestClient) -> None:
    response = post(with_cors, {"query": "{ __typename }"}, origin="https://elsewhere.example")
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


# --- start-up and settings -------------------------------------------------------------


def test_data_that_fails_validation_stops_the_lifespan(
    make_data: Callable[[dict[str, str]], Path],
) -> None:
    broken = make_data({"substances.yaml": "- id: substance:x\n  colour: blue\n"})
    app = create_app(Settings(data_dir=broken))
    with pytest.raises(DataValidationError) as raised, TestClient(app):
        pass  # pragma: no cover
    assert raised.value.problems
    assert all(p.file.endswith("substances.yaml") for p in raised.value.problems)


def test_missing_data_dir_stops_the_lifespan(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "nowhere"))
    with pytest.raises(DataValidationError, match="no such data directory"), TestClient(app):
        pass  # pragma: no cover


def test_parse_settings_defaults() -> None:
    assert parse_settings([], {}) == Settings()
    assert Settings().data_dir == DEFAULT_DATA_DIR


ENV = {
    "REGKG_HOST": "0.0.0.0",
    "REGKG_PORT": "9000",
    "REGKG_DATA": "/srv/data",
    "REGKG_CORS_ORIGINS": "https://a.example, https://b.example",
    "REGKG_MAX_DEPTH": "8",
    "REGKG_MAX_ALIASES": "10",
    "REGKG_MAX_TOKENS": "2000",
    "REGKG_MAX_COST": "1000",
    "REGKG_MAX_BODY_BYTES": "4096",
}


def test_parse_settings_reads_the_environment() -> None:
    assert parse_settings([], ENV) == Settings(
        host="0.0.0.0",
        port=9000,
        data_dir=Path("/srv/data"),
        cors_origins=("https://a.example", "https://b.example"),
        limits=Limits(max_depth=8, max_aliases=10, max_tokens=2000, max_cost=1000),
        max_body_bytes=4096,
    )


def test_flags_win_over_the_environment() -> None:
    flags = [
        "--host", "127.0.0.2",
        "--port", "9100",
        "--data", "/elsewhere",
        "--cors-origins", "https://c.example",
        "--max-depth", "5",
        "--max-aliases", "3",
        "--max-tokens", "300",
        "--max-cost", "77",
        "--max-body-bytes", "512",
    ]  # fmt: skip
    assert parse_settings(flags, ENV) == Settings(
        host="127.0.0.2",
        port=9100,
        data_dir=Path("/elsewhere"),
        cors_origins=("https://c.example",),
        limits=Limits(max_depth=5, max_aliases=3, max_tokens=300, max_cost=77),
        max_body_bytes=512,
    )


def test_some_flags_some_environment() -> None:
    settings = parse_settings(["--port", "9200"], {"REGKG_PORT": "9000", "REGKG_MAX_COST": "10"})
    assert settings == Settings(port=9200, limits=Limits(max_cost=10))


def test_configured_limits_reach_the_endpoint() -> None:
    with serve(Settings(limits=Limits(max_depth=2))) as client:
        response = post(
            client,
            {"query": '{ substance(name: "ecstasy") { streetFormOf { streetFormOf { name } } } }'},
            accept=GRAPHQL_RESPONSE,
        )
        assert response.status_code == 400
        assert body(response)["errors"][0]["message"] == (
            "'anonymous' exceeds maximum operation depth of 2"
        )


def test_every_uncached_execution_runs_off_the_event_loop(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web.graphql_http import GraphQLEndpoint

    threads: dict[str, int] = {}
    handle, execute = GraphQLEndpoint.handle, GraphQLEndpoint._execute

    async def handling(self: GraphQLEndpoint, request: Any) -> Any:
        threads["loop"] = threading.get_ident()
        return await handle(self, request)

    def executing(self: GraphQLEndpoint, *args: Any) -> Any:
        threads["execution"] = threading.get_ident()
        return execute(self, *args)

    monkeypatch.setattr(GraphQLEndpoint, "handle", handling)
    monkeypatch.setattr(GraphQLEndpoint, "_execute", executing)
    with serve() as fresh:
        response = post(fresh, {"query": "{ meta { dataVersion } }"})
    assert response.status_code == 200
    assert threads["loop"] != threads["execution"]


def test_a_query_longer_than_the_limit_is_refused(client: TestClient) -> None:
    long_text = "x" * 20_001
    response = post(client, {"query": f'{{ search(text: "{long_text[:-20]}") {{ label }} }}'})
    assert response.status_code == 400
    length = len(f'{{ search(text: "{long_text[:-20]}") {{ label }} }}')
    assert body(response) == {
        "errors": [
            {
                "message": f"`query` is {length} characters, over the limit of 20000",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


def test_the_response_cache_is_bounded_by_bytes() -> None:
    from web.graphql_http import Answer, ResponseCache

    cache = ResponseCache(max_bytes=100, max_entry_bytes=60)
    cache.put(b"a", Answer(200, b"x" * 40, True))
    cache.put(b"b", Answer(200, b"y" * 40, True))
    assert cache.get(b"a") == Answer(200, b"x" * 40, True)  # a is now the most recent
    cache.put(b"c", Answer(200, b"z" * 40, True))  # over 100 bytes: b, the least recent, goes
    assert (cache.get(b"b"), cache.bytes) == (None, 82)
    cache.put(b"d", Answer(200, b"w" * 70, True))  # larger than one entry may be: not kept
    assert cache.get(b"d") is None
    assert cache.get(b"a") == Answer(200, b"x" * 40, True)


# --- hostile requests: each a GraphQL error with the status the specification gives ---------

REQUEST_ERROR_STATUS = {GRAPHQL_RESPONSE: 400, JSON: 200}


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
@pytest.mark.parametrize(
    ("payload", "message"),
    [
        pytest.param(
            {"query": "query A { meta { dataVersion } }", "operationName": "B"},
            "no operation named 'B' in the document; it has: A",
            id="wrong-operation-name",
        ),
        pytest.param(
            {"query": "query A { meta { dataVersion } }", "operationName": ""},
            "no operation named '' in the document; it has: A",
            id="empty-operation-name",
        ),
        pytest.param(
            {"query": "query A { meta { dataVersion } }", "operationName": "A\r\nX-Injected: 1"},
            "no operation named 'A\\r\\nX-Injected: 1' in the document; it has: A",
            id="operation-name-with-crlf",
        ),
        pytest.param(
            {"query": "fragment F on Query { meta { dataVersion } }"},
            "the document has no operation to run, only fragments",
            id="fragments-only",
        ),
        pytest.param(
            {"query": "query A { meta { dataVersion } } query B { meta { dataVersion } }"},
            "the document has 2 operations; say which to run with `operationName`",
            id="several-operations-unnamed",
        ),
    ],
)
def test_a_document_without_an_operation_to_run_is_a_request_error(
    client: TestClient, accept: str, payload: dict[str, str], message: str
) -> None:
    response = post(client, payload, accept=accept)
    assert response.status_code == REQUEST_ERROR_STATUS[accept]
    assert response.headers["content-type"] == content_type(accept)
    assert body(response) == request_error(message)
    assert response.headers.get("connection") != "close"


def test_an_export_with_a_wrong_operation_name_is_400(client: TestClient) -> None:
    response = client.get(
        "/graphql",
        params={"query": "query A { meta { dataVersion } }", "operationName": "B", "format": "csv"},
    )
    assert response.status_code == 400
    assert body(response) == {
        "errors": [
            {
                "message": "no operation named 'B' in the document; it has: A",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


@pytest.mark.parametrize(
    "literal", [pytest.param("9" * 25, id="above-2^64"), pytest.param("9" * 5000, id="5000-digits")]
)
def test_a_huge_int_literal_is_refused_by_cost(client: TestClient, literal: str) -> None:
    query = f"{{ trials(first: {literal}) {{ totalCount }} }}"
    response = post(client, {"query": query}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert body(response) == {
        "errors": [
            {
                "message": "query cost 2147483648 exceeds the limit of 50000: ask for smaller "
                "pages (`first`) or fewer nested lists",
                "extensions": {"code": "LIMIT_EXCEEDED"},
            }
        ],
        "extensions": {"cost": 2147483648},
    }


@pytest.mark.parametrize("depth", [33, 256, 1000])
def test_deeply_nested_variables_are_refused(client: TestClient, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    text = '{"query": "query ($v: String) { meta { dataVersion } }", "variables": {"v": %s}}'
    response = client.post(
        "/graphql", content=text % nested, headers={"content-type": JSON, "accept": JSON}
    )
    assert response.status_code == 400
    assert body(response) == request_error("`variables` nests deeper than 32 levels")


def test_get_answers_holding_only_errors_are_not_publicly_cached(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": "{ nope }"}, headers={"accept": JSON})
    assert response.status_code == 200
    assert "errors" in body(response)
    assert "data" not in body(response)
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers
    good = client.get("/graphql", params={"query": META}, headers={"accept": JSON})
    assert good.headers["cache-control"] == "public, max-age=300"
