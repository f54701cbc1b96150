"""What a curator points an import at: files, folders, and zip downloads, read lazily.

A folder is searched recursively for the suffixes the importer reads; a zip archive (the
registries' bulk downloads) is opened and its members read one at a time, so a large
download is never held in memory whole. Anything that cannot be read becomes a
`Rejection` naming the path and the reason, never an exception.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rejection:
    """A file or record that was not imported, and why."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass(frozen=True)
class InputDoc:
    """One document to parse: its display name and how to read its bytes."""

    name: str
    load: Callable[[], bytes]


def _file_loader(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


def _member_loader(archive: Path, member: str) -> Callable[[], bytes]:
    def load() -> bytes:
        with zipfile.ZipFile(archive) as opened:
            return opened.read(member)

    return load


def expand(
    paths: Iterable[Path], suffixes: tuple[str, ...]
) -> tuple[list[InputDoc], list[Rejection]]:
    """Documents under `paths`: files named directly, files with `suffixes` in folders and
    zip archives. Explicitly named files are always tried, whatever their suffix, so that
    a mislabelled download is rejected with a reason rather than skipped."""
    docs: list[InputDoc] = []
    rejected: list[Rejection] = []
    for path in paths:
        try:
            _expand_path(path, suffixes, docs, rejected)
        except OSError as exc:
            rejected.append(Rejection(str(path), f"cannot be read: {exc}"))
    return docs, rejected


def _expand_path(
    path: Path, suffixes: tuple[str, ...], docs: list[InputDoc], rejected: list[Rejection]
) -> None:
    """One path; a folder that cannot be listed raises OSError to `expand`."""
    if path.is_dir():
        for found in sorted(p for p in path.rglob("*") if p.is_file()):
            if found.suffix.lower() == ".zip":
                _expand_zip(found, suffixes, docs, rejected)
            elif found.suffix.lower() in suffixes:
                docs.append(InputDoc(str(found), _file_loader(found)))
    elif path.is_file():
        if path.suffix.lower() == ".zip":
            _expand_zip(path, suffixes, docs, rejected)
        else:
            docs.append(InputDoc(str(path), _file_loader(path)))
    else:
        rejected.append(Rejection(str(path), "no such file or folder"))


def _expand_zip(
    archive: Path, suffixes: tuple[str, ...], docs: list[InputDoc], rejected: list[Rejection]
) -> None:
    try:
        with zipfile.ZipFile(archive) as opened:
            members = sorted(
                info.filename
                for info in opened.infolist()
                if not info.is_dir() and Path(info.filename).suffix.lower() in suffixes
            )
    except (zipfile.BadZipFile, OSError) as exc:
        rejected.append(Rejection(str(archive), f"not a readable zip archive ({exc})"))
        return
    if not members:
        rejected.append(
            Rejection(str(archive), f"the archive holds no {' or '.join(suffixes)} files")
        )
    docs.extend(InputDoc(f"{archive}!{m}", _member_loader(archive, m)) for m in members)


def read_doc(doc: InputDoc) -> bytes | Rejection:
    """The document's bytes, or a rejection when it cannot be read."""
    try:
        return doc.load()
    except (OSError, zipfile.BadZipFile, KeyError) as exc:
        return Rejection(doc.name, f"cannot be read: {exc}")
