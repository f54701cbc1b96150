"""Set up regkg in its own virtual environment, then serve it or test it.

    python3 run.py serve [server options]   # install if needed, then serve the API
    python3 run.py test [pytest options]    # install if needed, then lint, type-check, test

Only the Python standard library is used here, so this works on a machine that has
nothing but Python 3.11 or newer. `test` also sets up the browser tests: Debian's Chromium
(apt-get, when running as root) and playwright-core (`npm ci` in tests/browser/), and
Debian's nginx for the test of the deploy recipe; when it cannot, it says so loudly and
those tests are skipped (under CI they fail). It also puts ariadne-codegen in
`.venv-codegen/` for the test that generates a typed client.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".regkg-installed"
BROWSER_TESTS = ROOT / "tests" / "browser"
FRONTEND = ROOT / "frontend"
CODEGEN_VENV = ROOT / ".venv-codegen"
# A standard GraphQL client generator, for the test that generates a typed client. It pins
# an older graphql-core than strawberry needs, so it lives in an environment of its own.
CODEGEN = "ariadne-codegen==0.19.0"
CHROMIUM = Path(os.environ.get("REGKG_CHROMIUM", "/usr/bin/chromium"))


def _say(message: str) -> None:
    print(f"[run.py] {message}", flush=True)


def _run(*command: str | Path) -> None:
    result = subprocess.run([str(c) for c in command], cwd=ROOT, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_environment(extras: str) -> None:
    """Create .venv and install the project, again only when pyproject.toml changed."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        _say(f"creating a virtual environment in {VENV.name}/")
        _run(sys.executable, "-m", "venv", VENV)
    _say(f"installing regkg{extras} and its dependencies")
    _run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".{extras}")
    STAMP.write_text(wanted)


def _has_chromium() -> bool:
    return os.access(CHROMIUM, os.X_OK) or shutil.which("chromium") is not None


def _apt_install(package: str, why: str) -> str:
    """Install a Debian package with apt-get when running as root; why it may have failed."""
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not (is_root and shutil.which("apt-get")):
        return "apt-get needs root"
    _say(f"installing Debian's {package} for {why} (apt-get install {package})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, check=False)
    return f"apt-get install {package} failed"


def _has_nginx() -> bool:
    return shutil.which("nginx") is not None or os.access("/usr/sbin/nginx", os.X_OK)


def ensure_nginx() -> None:
    """Debian's nginx, for the test of the deploy recipe's cache; says so loudly if missing."""
    if _has_nginx():
        return
    reason = _apt_install("nginx", "the deploy test")
    if not _has_nginx():
        banner = "!" * 78
        for line in (banner, f"THE DEPLOY TEST WILL NOT RUN: no nginx ({reason})", banner):
            _say(line)


def ensure_browser() -> list[str]:
    """Chromium and playwright-core for the browser tests; what is still missing, if anything."""
    missing: list[str] = []
    if not _has_chromium():
        reason = _apt_install("chromium", "the browser tests")
        if not _has_chromium():
            missing.append(f"no Chromium at {CHROMIUM} ({reason})")
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        missing.append("no node and npm (Node.js 20 or newer)")
    elif not npm_ci(npm, BROWSER_TESTS, "playwright-core for the browser tests"):
        missing.append("`npm ci` failed in tests/browser")
    if missing:
        banner = "!" * 78
        for line in (banner, "BROWSER TESTS WILL NOT RUN:", *missing, banner):
            _say(line)
    return missing


def npm_ci(npm: str, folder: Path, what: str) -> bool:
    """`npm ci` in `folder` unless its lock file is already installed; False if it failed."""
    wanted = hashlib.sha256((folder / "package-lock.json").read_bytes()).hexdigest()
    stamp = folder / "node_modules" / ".regkg-installed"
    if stamp.exists() and stamp.read_text() == wanted:
        return True
    _say(f"installing {what} (npm ci in {folder.relative_to(ROOT)})")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=folder, check=False)
    if done.returncode != 0:
        return False
    stamp.write_text(wanted)
    return True


def ensure_vendor_check() -> None:
    """The pinned front-end packages, so the tests can compare web/static/vendor/ with them."""
    npm = shutil.which("npm")
    if npm is None or not npm_ci(npm, FRONTEND, "the pinned front-end packages"):
        _say("cannot install frontend/ packages: the vendored-files check will be skipped")


def ensure_codegen() -> None:
    """ariadne-codegen in `.venv-codegen/`, again only when the pinned version changes."""
    python = CODEGEN_VENV / ("Scripts" if os.name == "nt" else "bin") / "python"
    stamp = CODEGEN_VENV / ".regkg-installed"
    if python.exists() and stamp.exists() and stamp.read_text() == CODEGEN:
        return
    _say(f"installing {CODEGEN} in {CODEGEN_VENV.name}/ for the client-generation test")
    if not python.exists():
        _run(sys.executable, "-m", "venv", CODEGEN_VENV)
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", CODEGEN], check=False)
    if done.returncode != 0:
        _say("CANNOT INSTALL ariadne-codegen: the client-generation test will be skipped")
        return
    stamp.write_text(CODEGEN)


def serve(args: list[str]) -> None:
    ensure_environment("[dev]")
    os.execv(PYTHON, [str(PYTHON), str(ROOT / "server.py"), *args])


def test(args: list[str]) -> None:
    ensure_environment("[dev]")
    _say("ruff check")
    _run(BIN / "ruff", "check", ".")
    _say("ruff format --check")
    _run(BIN / "ruff", "format", "--check", ".")
    _say("mypy (strict)")
    _run(BIN / "mypy")
    ensure_browser()
    ensure_nginx()
    ensure_vendor_check()
    ensure_codegen()
    _say("validate the bundled data")
    _run(PYTHON, "-m", "graph", "validate")
    _say("pytest")
    _run(PYTHON, "-m", "pytest", *args)


def main() -> None:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
