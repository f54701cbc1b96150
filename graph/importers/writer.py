"""Validate planned file contents, then replace `imported/` in one atomic step.

Validation runs on the exact text that will be written, together with every file that
is not changing, before anything touches the disk. The whole new `imported/` folder is
then built in a staging folder next to the data folder (same filesystem): unchanged files
are hard links to the current ones, new and changed files are written and flushed to
disk. One atomic exchange of the two folders (Linux's `renameat2(RENAME_EXCHANGE)`; a
plain rename when there is no `imported/` yet) then puts the new set in place: whenever
the process dies, `data/` holds either every old file or every new one.

Where the exchange is not available, two renames are needed (old folder out, new one
in) and a journal in the staging folder records that they have begun; the next import
completes them before it does anything else. Staging folders that a killed import left
behind are removed then too.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from graph.errors import DataValidationError, Problem, RegkgError
from graph.importers.plan import IMPORTED, Existing
from graph.reader import RawRecord, read_text
from graph.records import Record as TypedRecord
from graph.validate import validate

JOURNAL: Final = "swapping"  # in a staging folder: its `imported` is to replace the data's
_AT_FDCWD: Final = -100
_RENAME_EXCHANGE: Final = 2


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


@contextmanager
def exclusive(root: Path) -> Iterator[None]:
    """Hold the data folder for one import: a second one at the same time would find the
    first one's staging folder and take it for an interrupted import's. The lock is on the
    folder itself, so that nothing is left behind, and dies with the process."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on this system: imports are not locked
        yield
        return
    if not root.is_dir():  # reading it reports that
        yield
        return
    handle = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WriteFailed(f"another import into {root} is running") from None
        yield
    finally:
        os.close(handle)


def checkpoint(step: str) -> None:
    """Called before every step that changes the disk: a seam for the crash tests."""


def _staging_prefix(root: Path) -> str:
    return f".{root.name}-import-"


def recover(root: Path) -> list[str]:
    """Finish or undo what an import that died left behind next to `root`; what was done.

    A staging folder with a journal was swapping folders: its new `imported/` goes in
    (if the old one is already out). Any other staging folder is removed."""
    done: list[str] = []
    for staging in sorted(root.parent.glob(_staging_prefix(root) + "*")):
        if not staging.is_dir():
            continue
        if (staging / JOURNAL).exists() and not (root / IMPORTED).exists():
            os.replace(staging / IMPORTED, root / IMPORTED)
            _sync_folder(root)
            done.append(f"completed the interrupted import staged in {staging.name}")
        else:
            done.append(f"removed {staging.name}, left by an interrupted import")
        shutil.rmtree(staging, ignore_errors=True)
    return done


def commit(root: Path, texts: Mapping[str, str]) -> None:
    """Replace or create the files at `texts` (paths relative to `root`, all in
    `imported/`) all or none."""
    if not texts:
        return
    outside = sorted(rel for rel in texts if Path(rel).parts[0] != IMPORTED)
    if outside:
        raise WriteFailed(f"an import writes only in {IMPORTED}/, not {', '.join(outside)}")
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(root), dir=root.parent))
    try:
        new = staging / IMPORTED
        _stage(
            root / IMPORTED, new, {Path(rel).relative_to(IMPORTED): t for rel, t in texts.items()}
        )
        _swap(root, staging)
    except Exception as exc:
        current = root / IMPORTED
        if (staging / JOURNAL).exists() and not current.exists():
            try:  # the old folder is out and the new one not in: put the old one back
                _move(staging / "old", current)
            except OSError as undo:
                raise WriteFailed(
                    f"writing failed part-way ({exc}) and so did restoring the old files "
                    f"({undo}); the next import completes the import staged in {staging}"
                ) from exc
        shutil.rmtree(staging, ignore_errors=True)
        raise WriteFailed(f"writing failed, nothing was changed: {exc}") from exc
    checkpoint("remove the old files")
    shutil.rmtree(staging, ignore_errors=True)


def _stage(current: Path, new: Path, texts: Mapping[Path, str]) -> None:
    """Build the new folder: links to the unchanged files of `current`, and `texts`."""
    new.mkdir()
    if current.is_dir():
        for path in sorted(current.rglob("*")):
            rel = path.relative_to(current)
            if path.is_dir():
                (new / rel).mkdir(exist_ok=True)
            elif rel not in texts:
                checkpoint(f"link {rel}")
                (new / rel).parent.mkdir(parents=True, exist_ok=True)
                _link(path, new / rel)
    for rel, text in sorted(texts.items()):
        checkpoint(f"write {rel}")
        target = new / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    for folder in sorted({p.parent for p in new.rglob("*")} | {new}):
        _sync_folder(folder)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links: a copy does as well
        shutil.copy2(source, target)


def _swap(root: Path, staging: Path) -> None:
    """Put `staging/imported` in place of `root/imported`; the old one ends in `staging`."""
    current, new = root / IMPORTED, staging / IMPORTED
    if not current.exists():
        checkpoint("rename the new folder in")
        _move(new, current)
    elif exchange is not None and _exchanged(new, current):
        pass
    else:
        checkpoint("write the journal")
        journal = staging / JOURNAL
        journal.write_bytes(b"")
        _sync_folder(staging)
        checkpoint("move the old folder out")
        _move(current, staging / "old")
        checkpoint("move the new folder in")
        _move(new, current)
    _sync_folder(root)


def _exchanged(new: Path, current: Path) -> bool:
    checkpoint("exchange the folders")
    assert exchange is not None
    try:
        exchange(new, current)
    except OSError as exc:
        if exc.errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not on this filesystem
            return False
        raise
    return True


def _move(source: Path, target: Path) -> None:
    """One rename; a seam the tests use to inject a failure."""
    os.replace(source, target)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so that a rename in it survives a power cut."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _renameat2() -> Callable[[Path, Path], None] | None:
    """Linux's atomic exchange of two paths, or None where the C library lacks it."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None

    def exchange_paths(first: Path, second: Path) -> None:
        result = function(
            _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
        )
        if result != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), str(second))

    return exchange_paths


exchange = _renameat2()
