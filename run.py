"""Set up regkg in its own virtual environment, then serve it or test it.

    python3 run.py serve [server options]   # install if needed, then serve the API
    python3 run.py test [pytest options]    # install if needed, then lint, type-check, test

Only the Python standard library is used here, so this works on a machine that has
nothing but Python 3.11 or newer.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".regkg-installed"


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
