"""One version of the data, to compare: a data folder, or the data folder at a git revision.

A name that is an existing folder is read as it is; anything else is asked of git as a
revision (``HEAD``, ``main~3``, a tag), whose copy of the data folder is read from the
repository without touching the working tree.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from graph.diff import Fields
from graph.errors import RegkgError
from graph.reader import read_dir


class VersionError(RegkgError):
    """A data version that cannot be read: no such folder or revision, or unreadable files."""


@dataclass(frozen=True)
class DataSnapshot:
    """The records of one data version, by id, and its version digest."""

    name: str
    version: str
    records: dict[str, Fields]


def read_folder(root: Path, name: str | None = None) -> DataSnapshot:
    data = read_dir(root)
    if data.problems:
        shown = "\n".join(str(p) for p in sorted(data.problems)[:20])
        raise VersionError(f"{name or root} cannot be read:\n{shown}")
    records: dict[str, Fields] = {}
    for record in data.records:
        record_id = record.data.get("id")
        if isinstance(record_id, str):
            records[record_id] = record.data
    return DataSnapshot(name or str(root), data.version, records)


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise VersionError(f"git could not be run: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise VersionError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def read_revision(revision: str, data_dir: Path) -> DataSnapshot:
    """`data_dir` as it was at git `revision` of the repository that holds it."""
    if revision.startswith("-"):
        raise VersionError(f"{revision!r} is neither a data folder nor a git revision")
    folder = data_dir.resolve()
    top = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    rel = folder.relative_to(top).as_posix()
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except VersionError:
        raise VersionError(f"{revision!r} is neither a data folder nor a git revision") from None
    archive = _git(top, "archive", "--format=tar", commit.decode().strip(), "--", rel)
    with tempfile.TemporaryDirectory(prefix="regkg-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        return read_folder(Path(tmp) / rel, name=f"{revision}:{rel}")


def read_version(spec: str, data_dir: Path) -> DataSnapshot:
    """A folder if `spec` names one, else `data_dir` at the git revision `spec`."""
    path = Path(spec)
    if path.is_dir():
        return read_folder(path, name=spec)
    return read_revision(spec, data_dir)
