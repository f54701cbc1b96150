"""Validate planned file contents, then replace the files atomically as a set.

Validation runs on the exact text that will be written, together with every file that
is not changing, before anything touches the disk. The files are then staged in a
temporary folder next to the data folder (same filesystem, so moves are renames), and
each target is swapped in after its old version is moved aside; if any step fails, the
swaps made so far are undone in reverse order and the data folder is as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from graph.errors import DataValidationError, Problem, RegkgError
from graph.importers.plan import Existing
from graph.reader import RawRecord, read_text
from graph.records import Record as TypedRecord
from graph.validate import validate


class WriteFailed(RegkgError):
    """Writing failed; the message says whether the data folder was restored."""


def validate_planned(
    existing: Existing, texts: Mapping[str, str]
) -> tuple[list[TypedRecord], list[Problem]]:
    """The typed records of the data as it would be, or the problems it would have."""
    changed = {existing.display(rel) for rel in texts}
    raws: list[RawRecord] = [r for r in existing.raw if r.file not in changed]
    problems: list[Problem] = []
    for rel in sorted(texts):
        records, found = read_text(texts[rel], existing.display(rel))
        raws.extend(records)
        problems.extend(found)
    try:
        return validate(raws, problems), []
    except DataValidationError as exc:
        return [], exc.problems


def _move(source: Path, target: Path) -> None:
    """One rename; a seam the tests use to inject a failure part-way."""
    os.replace(source, target)


def commit(root: Path, texts: Mapping[str, str]) -> None:
    """Replace or create the files at `texts` (paths relative to `root`) all or none."""
    if not texts:
        return
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}-import-", dir=root.parent))
    new_root, old_root = staging / "new", staging / "old"
    done: list[tuple[str, bool]] = []
    created_dirs: list[Path] = []
    keep_staging = False
    try:
        for rel, text in texts.items():
            staged = new_root / rel
            staged.parent.mkdir(parents=True, exist_ok=True)
            with staged.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        try:
            for rel in sorted(texts):
                target = root / rel
                existed = target.exists()
                if existed:
                    (old_root / rel).parent.mkdir(parents=True, exist_ok=True)
                    _move(target, old_root / rel)
                else:
                    created_dirs.extend(_make_parents(target.parent, root))
                done.append((rel, existed))
                _move(new_root / rel, target)
        except BaseException as exc:
            try:
                _rollback(root, old_root, done, created_dirs)
            except OSError as undo:
                keep_staging = True
                raise WriteFailed(
                    f"writing failed ({exc}) and so did restoring the old files ({undo}); "
                    f"the old versions are kept in {old_root}"
                ) from exc
            if isinstance(exc, Exception):
                raise WriteFailed(f"writing failed, nothing was changed: {exc}") from exc
            raise
    finally:
        if not keep_staging:
            shutil.rmtree(staging, ignore_errors=True)


def _make_parents(folder: Path, root: Path) -> list[Path]:
    """Create `folder` and missing parents up to `root`; the ones created, outermost first."""
    missing: list[Path] = []
    current = folder
    while current != root and not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _rollback(
    root: Path, old_root: Path, done: list[tuple[str, bool]], created: list[Path]
) -> None:
    for rel, existed in reversed(done):
        target = root / rel
        if target.exists():
            target.unlink()
        if existed:
            os.replace(old_root / rel, target)
    for folder in reversed(created):
        if folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
