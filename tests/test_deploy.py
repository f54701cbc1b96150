"""The scale-out recipe in deploy/: nginx, with the very nginx.conf the compose file
mounts, in front of a live regkg on 127.0.0.1. A repeated GET is answered by nginx without
reaching regkg; once the answer's max-age has passed, nginx revalidates it by its ETag and
so picks up a new data version.

Needs Debian's nginx (`python3 run.py test` installs it with apt-get when run as root);
without it this test is skipped with a loud reason, and under CI it fails.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import orjson
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.procs import free_port
from server import Settings
from tests.live import live_server
from web import graphql_http

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
COMPOSE = ROOT / "deploy" / "compose.yaml"
QUERY = "/graphql?query=" + quote("{ meta { dataVersion } }")
# Seconds: regkg's answers here go stale quickly, so the test need not wait long, yet
# not so quickly that a slow machine sees them stale between two requests.
MAX_AGE = 3
# nginx counts whole seconds and keeps an answer while its expiry second has not passed.
STALE_AFTER = MAX_AGE + 1.2


def _nginx() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if found is None:
        message = "no nginx binary (Debian package `nginx`)"
        if os.environ.get("CI"):
            pytest.fail(f"DEPLOY TEST CANNOT RUN: {message}. CI must install it (run.py test).")
        pytest.skip(f"DEPLOY TEST NOT RUN: {message}. `python3 run.py test` installs it.")
    return found


def _local_conf(regkg_port: int, cache_port: int) -> str:
    """deploy/nginx.conf, its upstream and listening port pointed at 127.0.0.1."""
    text = NGINX_CONF.read_text()
    for old, new in (
        ("server regkg:8000;", f"server 127.0.0.1:{regkg_port};"),
        ("listen 8080;", f"listen 127.0.0.1:{cache_port};"),
    ):
        assert text.count(old) == 1, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


@contextmanager
def _running_nginx(binary: str, conf: str, prefix: Path, port: int) -> Iterator[None]:
    prefix.mkdir()
    (prefix / "nginx.conf").write_text(conf)
    # Run as root, nginx would hand its workers to `nobody`, who cannot enter the test's
    # private scratch folder.
    globals_ = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    command = [binary, "-e", "stderr", "-p", f"{prefix}/", "-c", "nginx.conf", "-g", globals_]
    log = (prefix / "stderr.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while not _listening(port):
            assert process.poll() is None, (prefix / "stderr.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start within 20 s"
            time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Counted:
    """Records every HTTP request that reaches regkg, with its If-None-Match header."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []

    def wrap(self, app: ASGIApp) -> ASGIApp:
        async def counted(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                headers = dict(scope["headers"])
                match = headers.get(b"if-none-match")
                self.seen.append((scope["path"], match.decode() if match else None))
            await app(scope, receive, send)

        return counted

    def graphql(self) -> list[str | None]:
        return [etag for path, etag in self.seen if path == "/graphql"]


def _get(
    port: int, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", QUERY, headers={"accept": "application/json", **(headers or {})})
        response = connection.getresponse()
        # An HTTPMessage looks header names up without case, as HTTP has them.
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _version(body: bytes) -> str:
    return str(orjson.loads(body)["data"]["meta"]["dataVersion"])


def test_compose_mounts_the_tested_nginx_conf() -> None:
    compose = COMPOSE.read_text()
    assert "./nginx.conf:/etc/nginx/regkg.conf:ro" in compose
    assert '"-c", "/etc/nginx/regkg.conf"' in compose
    assert "dockerfile: deploy/Containerfile" in compose
    assert "python -m graph build data" in (ROOT / "deploy" / "Containerfile").read_text()


def test_nginx_answers_repeats_from_its_cache_and_picks_up_new_data(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = _nginx()
    monkeypatch.setattr(graphql_http, "CACHE_CONTROL", f"public, max-age={MAX_AGE}")
    regkg_port, cache_port = free_port(), free_port()
    counter = Counted()
    settings = Settings(data_dir=tiny_dir)
    conf = _local_conf(regkg_port, cache_port)
    with _running_nginx(binary, conf, tmp_path / "nginx", cache_port):
        with live_server(settings, port=regkg_port, wrap=counter.wrap):
            status, headers, body = _get(cache_port)
            assert (status, headers["X-Cache-Status"]) == (200, "MISS")
            old_version, etag = _version(body), headers["ETag"]
            fetched = time.monotonic()
            status, headers, again = _get(cache_port)
            assert (status, headers["X-Cache-Status"], again) == (200, "HIT", body)
            # A client's own conditional request is answered by nginx too.
            status, headers, _ = _get(cache_port, {"if-none-match": etag})
            assert (status, headers["X-Cache-Status"]) == (304, "HIT")
            assert counter.graphql() == [None]  # regkg answered the first GET only

        # A new data version, deployed as a restart of regkg on the same address.
        with (tiny_dir / "substances.yaml").open("a", encoding="utf-8") as file:
            file.write("# edited: the bytes, and so the data version, change\n")
        with live_server(settings, port=regkg_port, wrap=counter.wrap):
            time.sleep(max(0.0, fetched + STALE_AFTER - time.monotonic()))
            status, headers, body = _get(cache_port)
            assert (status, headers["X-Cache-Status"]) == (200, "EXPIRED")
            new_version = _version(body)
            assert new_version != old_version
            # nginx asked regkg whether its copy was still good, by that copy's ETag.
            assert counter.graphql() == [None, etag]
            status, headers, again = _get(cache_port)
            refetched = 0
            while headers["X-Cache-Status"] == "EXPIRED" and refetched < 2:
                # On a loaded machine the fresh answer can go stale before the next request
                # arrives: nginx then fetches it again, and the request after that is a hit.
                refetched += 1
                status, headers, again = _get(cache_port)
            assert (headers["X-Cache-Status"], _version(again)) == ("HIT", new_version)
            fetched = time.monotonic()

            # Unchanged data: once stale, the answer is revalidated with a 304 from regkg.
            time.sleep(max(0.0, fetched + STALE_AFTER - time.monotonic()))
            status, headers, again = _get(cache_port)
            assert (status, headers["X-Cache-Status"]) == (200, "REVALIDATED")
            assert _version(again) == new_version
            assert len(counter.graphql()) == 3 + refetched
            assert counter.graphql()[-1] is not None

    # nginx keeps the access log, with each answer's cache status and without the query
    # string (a whole GraphQL document, written by anyone).
    log = (tmp_path / "nginx" / "stderr.log").read_text()
    assert '"GET /graphql" 200 ' in log
    assert "cache=HIT" in log
    assert "cache=REVALIDATED" in log
    assert "query=" not in log
