"""The GraphQL-over-HTTP audit of graphql-http (the reference implementation's own test
suite for servers), run with node against a live uvicorn server."""

from __future__ import annotations

import gc
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from server import Settings, create_app

AUDIT_DIR = Path(__file__).resolve().parent / "audit"


def node_and_npm() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        message = "node and npm are needed to run the graphql-http audit (tests/web/audit)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, and CI must have them")
        pytest.skip(f"{message}: node or npm is not on PATH; install Node.js 18 or newer")
    return node, npm


def installed(package: str) -> str | None:
    """The version of `package` in tests/web/audit/node_modules, if any."""
    manifest = AUDIT_DIR / "node_modules" / package / "package.json"
    if not manifest.is_file():
        return None
    version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return version


def install_audit(npm: str) -> None:
    """`npm ci` in tests/web/audit unless node_modules/ (never checked in) matches the lock."""
    lock = json.loads((AUDIT_DIR / "package-lock.json").read_text(encoding="utf-8"))
    locked = {
        path.removeprefix("node_modules/"): spec["version"]
        for path, spec in lock["packages"].items()
        if path.startswith("node_modules/")
    }
    if all(installed(name) == version for name, version in locked.items()):
        return
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=AUDIT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"npm ci failed in {AUDIT_DIR}:\n{done.stdout}\n{done.stderr}"
    assert all(installed(name) == version for name, version in locked.items())


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    """Serve regkg with uvicorn in a thread on a free local port; yield the /graphql URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings), lifespan="on", log_level="warning", ws="none", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start within 30 s"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        gc.unfreeze()  # the lifespan froze everything allocated so far
    assert not thread.is_alive(), "the server did not shut down"


def test_graphql_over_http_audit_is_all_ok() -> None:
    node, npm = node_and_npm()
    install_audit(npm)
    with live_server(Settings()) as url:
        done = subprocess.run(
            [node, "audit.mjs", url],
            cwd=AUDIT_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, f"node audit.mjs failed:\n{done.stdout}\n{done.stderr}"
    results = json.loads(done.stdout)
    assert len(results) > 40, "graphql-http ran fewer audits than expected"
    failing = [r for r in results if r["status"] != "ok"]
    print(f"graphql-http audit: {len(results)} audits, {len(failing)} not ok")
    for result in failing:
        print(f"{result['status']} {result['id']} {result['name']}: {result['reason']}")
    assert failing == [], "audits not ok: " + "; ".join(
        f"{r['id']} {r['name']} ({r['status']})" for r in failing
    )
    assert {r["status"] for r in results} == {"ok"}
