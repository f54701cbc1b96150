"""The GraphQL-over-HTTP audit of graphql-http (the reference implementation's own test
suite for servers), run with node against a live uvicorn server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from server import Settings
from tests.live import live_server

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


def test_graphql_over_http_audit_is_all_ok() -> None:
    node, npm = node_and_npm()
    install_audit(npm)
    with live_server(Settings()) as base:
        done = subprocess.run(
            [node, "audit.mjs", f"{base}/graphql"],
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
