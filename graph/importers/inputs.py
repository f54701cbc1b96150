"""What a curator points an import at: files, folders, and zip downloads, read lazily.

A folder is searched recursively for the suffixes the importer reads; a zip archive (the
registries' bulk downloads) is opened and its members read one at a time, so a large
download is never held in memory whole. Anything that cannot be read becomes a
`Rejection` naming the path and the reason, never an exception.

An archive is opened once per run: the `Archives` of an `Inputs` keep it open from the
listing of its members until the last of them has been read (reading its central
directory again for every member would make a bulk download quadratic to import). At
most `Archives.limit` archives are held open at a time; one evicted before its members
are read is opened once more when they are.

A download is not trusted to be as small as it looks: a file or archive member larger
than `SizeLimits.max_bytes` once unpacked, or a member that unpacks to more than
`SizeLimits.max_ratio` times its packed size (a "zip bomb"), is rejected before it is
read, and a member is unpacked with a cap, so that one whose header lies about its size
is stopped at the limit rather than read into memory whole.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Final

OPEN_ARCHIVES: Final = 16


@dataclass(frozen=True)
class SizeLimits:
    """How large one input may be once unpacked, and how much it may have been packed.

    Registry downloads are far inside these: the largest, openFDA's drugsfda JSON, is some
    hundreds of megabytes unpacked at about 10:1; text compresses 20:1 at the most."""

    max_bytes: int = 1 << 30
    max_ratio: int = 100


class TooLarge(ValueError):
    """An input unpacks to more than the size limit."""


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


class Archives:
    """Zip archives held open for one run, least recently used closed first."""

    def __init__(self, limit: int = OPEN_ARCHIVES, sizes: SizeLimits | None = None) -> None:
        self.limit = max(limit, 1)
        self.sizes = sizes or SizeLimits()
        self._open: dict[Path, zipfile.ZipFile] = {}  # oldest use first
        self._unread: dict[Path, int] = {}  # members listed and not read yet

    def get(self, archive: Path) -> zipfile.ZipFile:
        """The archive, opened now unless it is open already."""
        opened = self._open.pop(archive, None)
        if opened is None:
            opened = zipfile.ZipFile(archive)
            while len(self._open) >= self.limit:
                self._open.pop(next(iter(self._open))).close()
        self._open[archive] = opened
        return opened

    def expect(self, archive: Path, members: int) -> None:
        """`members` of `archive` will be read: keep it open until they have been."""
        self._unread[archive] = self._unread.get(archive, 0) + members
        if not self._unread[archive]:
            self.release(archive)

    def read(self, archive: Path, member: str) -> bytes:
        """One member's bytes; the archive is closed after the last expected member."""
        try:
            return self.unpack(archive, member)
        finally:
            left = self._unread.get(archive, 0) - 1
            self._unread[archive] = max(left, 0)
            if left <= 0:
                self.release(archive)

    def unpack(self, archive: Path, member: str) -> bytes:
        """One member's bytes, unpacked only within the size limits (else `TooLarge`)."""
        opened = self.get(archive)
        problem = member_problem(opened.getinfo(member), self.sizes)
        if problem is not None:
            raise TooLarge(f"{member} {problem}")
        with opened.open(member) as handle:
            return read_capped(handle.read, self.sizes.max_bytes, member)

    def loader(self, archive: Path, member: str) -> Callable[[], bytes]:
        def load() -> bytes:
            return self.read(archive, member)

        return load

    def release(self, archive: Path) -> None:
        opened = self._open.pop(archive, None)
        if opened is not None:
            opened.close()

    def close(self) -> None:
        while self._open:
            self._open.popitem()[1].close()
        self._unread.clear()


@dataclass
class Inputs:
    """The documents found under some paths, to be read in order, and the paths that
    could not be used. Close it (or use it in a ``with``) to close the archives it
    holds open when the documents are not all read."""

    docs: list[InputDoc] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    archives: Archives = field(default_factory=Archives)

    @property
    def count(self) -> int:
        """How many inputs a progress display should expect: documents and rejections."""
        return len(self.docs) + len(self.rejected)

    def close(self) -> None:
        self.archives.close()

    def __enter__(self) -> Inputs:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_capped(read: Callable[[int], bytes], limit: int, name: str) -> bytes:
    """What `read` gives, if it is no more than `limit` bytes; else `TooLarge`."""
    data = read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{name} unpacks to more than the limit of {_mb(limit)}")
    return data


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MiB" if size >= 2**20 else f"{size / 2**10:.0f} KiB"


def read_file(path: Path, limit: int) -> bytes:
    """A file's bytes, if it is no larger than `limit`; else `TooLarge`."""
    with path.open("rb") as handle:
        return read_capped(handle.read, limit, path.name)


def _file_loader(path: Path, limit: int) -> Callable[[], bytes]:
    return partial(read_file, path, limit)


def _add_file(path: Path, found: Inputs) -> None:
    limit = found.archives.sizes.max_bytes
    size = path.stat().st_size
    if size > limit:
        found.rejected.append(
            Rejection(str(path), f"{_mb(size)}, larger than the limit of {_mb(limit)}")
        )
    else:
        found.docs.append(InputDoc(str(path), _file_loader(path, limit)))


def member_problem(info: zipfile.ZipInfo, sizes: SizeLimits) -> str | None:
    """Why an archive member must not be unpacked, or None.

    >>> bomb = zipfile.ZipInfo("a.json"); bomb.file_size, bomb.compress_size = 2**30, 2**20
    >>> member_problem(bomb, SizeLimits(max_ratio=100))
    'unpacks to 1024 MiB from 1 MiB, a ratio of 1024:1, over the limit of 100:1'
    """
    if info.file_size > sizes.max_bytes:
        return f"unpacks to {_mb(info.file_size)}, over the limit of {_mb(sizes.max_bytes)}"
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 2**20 and ratio > sizes.max_ratio:
        return (
            f"unpacks to {_mb(info.file_size)} from {_mb(info.compress_size)}, a ratio of "
            f"{ratio:.0f}:1, over the limit of {sizes.max_ratio}:1"
        )
    return None


def expand(paths: Iterable[Path], suffixes: tuple[str, ...], into: Inputs | None = None) -> Inputs:
    """Documents under `paths`: files named directly, files with `suffixes` in folders and
    zip archives. Explicitly named files are always tried, whatever their suffix, so that
    a mislabelled download is rejected with a reason rather than skipped. Added to `into`
    (and its open archives reused) when given."""
    found = into if into is not None else Inputs()
    for path in paths:
        try:
            _expand_path(path, suffixes, found)
        except OSError as exc:
            found.rejected.append(Rejection(str(path), f"cannot be read: {exc}"))
    return found


def _expand_path(path: Path, suffixes: tuple[str, ...], found: Inputs) -> None:
    """One path; a folder that cannot be listed raises OSError to `expand`."""
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            if file.suffix.lower() == ".zip":
                _expand_zip(file, suffixes, found)
            elif file.suffix.lower() in suffixes:
                _add_file(file, found)
    elif path.is_file():
        if path.suffix.lower() == ".zip":
            _expand_zip(path, suffixes, found)
        else:
            _add_file(path, found)
    else:
        found.rejected.append(Rejection(str(path), "no such file or folder"))


def _expand_zip(archive: Path, suffixes: tuple[str, ...], found: Inputs) -> None:
    try:
        infos = sorted(
            (
                info
                for info in found.archives.get(archive).infolist()
                if not info.is_dir() and Path(info.filename).suffix.lower() in suffixes
            ),
            key=lambda info: info.filename,
        )
    except (zipfile.BadZipFile, OSError) as exc:
        found.archives.release(archive)
        found.rejected.append(Rejection(str(archive), f"not a readable zip archive ({exc})"))
        return
    members = []
    for info in infos:
        problem = member_problem(info, found.archives.sizes)
        if problem is None:
            members.append(info.filename)
        else:
            found.rejected.append(Rejection(f"{archive}!{info.filename}", problem))
    found.archives.expect(archive, len(members))
    if not infos:
        found.rejected.append(
            Rejection(str(archive), f"the archive holds no {' or '.join(suffixes)} files")
        )
    found.docs.extend(
        InputDoc(f"{archive}!{m}", found.archives.loader(archive, m)) for m in members
    )


def read_doc(doc: InputDoc) -> bytes | Rejection:
    """The document's bytes, or a rejection when it cannot be read."""
    try:
        return doc.load()
    except (OSError, zipfile.BadZipFile, KeyError, TooLarge) as exc:
        return Rejection(doc.name, f"cannot be read: {exc}")
