"""``python -m graph sync {ctgov,drugsfda}``: ask a registry's API for the records of the
graph's substances, page by page, and pass them through the importer.

Every page is saved under the state folder before the next is asked for, so a sync that
is killed or fails resumes where it stopped. Nothing under ``data/`` changes until every
query has reached its last page; then the importer validates and writes everything or
nothing, and the changes are added to the data's history. A query that was imported is
asked next time only for what the registry updated since (where the API allows it).
"""

from __future__ import annotations

import fcntl
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from graph.build import KnowledgeGraph
from graph.errors import DataValidationError, RegkgError
from graph.importers.recorded import recorded
from graph.importers.registry_client import RegistryClient, RegistryError
from graph.importers.run import run_import
from graph.importers.sync_sources import REGISTRIES, Registry, StaleCursor, unique
from graph.importers.sync_state import StateError, SyncState
from graph.load import load_graph
from graph.lookup import resolve

NAME_FIELDS = {
    "ctgov": ("name", "inn", "synonyms", "code_names", "brand_names"),
    "drugsfda": ("name", "inn", "brand_names"),
}


@dataclass
class SyncOptions:
    registry: str
    data_dir: Path
    state_dir: Path
    substances: list[str] = field(default_factory=list)  # names or ids; none: every one
    free_query: str | None = None
    base_url: str | None = None
    dry_run: bool = False
    full: bool = False  # ask for everything, not only what changed since the last sync
    progress: bool | None = None
    timeout: float = 60.0
    min_interval: float | None = None  # seconds between requests; the registry's default


@dataclass(frozen=True)
class Query:
    label: str
    terms: list[str]


def substance_terms(kg: KnowledgeGraph, substance_id: str, registry: str) -> list[str]:
    node = kg.node(substance_id)
    terms: list[str] = []
    for name in NAME_FIELDS[registry]:
        value = node.get(name)
        if isinstance(value, str):
            terms.append(value)
        elif isinstance(value, tuple):
            terms.extend(v for v in value if isinstance(v, str))
    return unique(terms)


def queries_for(kg: KnowledgeGraph, options: SyncOptions) -> list[Query]:
    if options.free_query is not None:
        return [Query(f"query {options.free_query}", [])]
    ids = [resolve(kg, "substance", s) for s in options.substances] or list(
        kg.by_label["substance"]
    )
    found = [Query(str(kg.node(i)["label"]), substance_terms(kg, i, options.registry)) for i in ids]
    return [q for q in found if q.terms]


class SyncFailed(RegkgError):
    """The sync cannot go on; the message says why."""


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SyncFailed(
                f"another sync is using {folder}; try again when it has finished"
            ) from None
        yield


class _Fetcher:
    """Pages through one registry's queries, saving each page and where it stopped."""

    def __init__(
        self, registry: Registry, client: RegistryClient, state: SyncState, err: TextIO, show: bool
    ) -> None:
        self.registry = registry
        self.client = client
        self.state = state
        self.err = err
        self.show = show
        self.today = datetime.now(UTC).date().isoformat()

    def fetch(self, query: Query, free_query: str | None, full: bool) -> None:
        key, q = self.state.query(query.label)
        if q.in_progress:
            self.err.write(
                f"{query.label}: resuming at page {q.pages + 1} ({q.records} records saved)\n"
            )
        else:
            self.state.clear_pages(key)
            since = None if full else q.last_complete
            q.params = self.registry.params(query.terms, free_query, since)
            q.cursor, q.pages, q.records, q.total = None, 0, 0, None
            q.in_progress, q.fetched, q.started = True, False, self.today
            self.state.save()
        restarted = False
        while True:
            try:
                page = self.registry.fetch(self.client, q.params, q.cursor)
            except StaleCursor:
                if restarted:
                    raise SyncFailed(
                        f"{query.label}: the registry refused its own page token twice"
                    ) from None
                restarted = True
                self.err.write(
                    f"{query.label}: the registry no longer accepts the saved page token; "
                    "starting this query again from its first page\n"
                )
                self.state.clear_pages(key)
                q.cursor, q.pages, q.records, q.total = None, 0, 0, None
                self.state.save()
                continue
            if page.records:
                q.pages += 1
                self.state.save_page(key, q.pages, page.document)
            q.records += page.records
            q.total = q.total if q.total is not None else page.total
            q.cursor = page.next_cursor
            if q.cursor is None:
                q.in_progress, q.fetched = False, True
            self.state.save()
            self._progress(query.label, q.pages, q.records, q.total)
            if q.cursor is None:
                break
        if self.show:
            self.err.write("\n")

    def _progress(self, label: str, pages: int, records: int, total: int | None) -> None:
        if not self.show:
            return
        of = f"/{total}" if total else ""
        width = 20
        filled = width * min(records, total) // total if total else 0
        bar = "#" * filled + "." * (width - filled)
        self.err.write(f"\r{self.registry.name} {label[:30]:<30} [{bar}] {records}{of}, p. {pages}")
        self.err.flush()


def _client(registry: Registry, options: SyncOptions) -> RegistryClient:
    base = options.base_url or registry.default_base_url
    interval = registry.min_interval
    if options.min_interval is not None:
        # Faster than the published limit only against another server (a mirror, a test).
        public = options.base_url is None or base.rstrip("/") == registry.default_base_url
        interval = max(options.min_interval, interval) if public else options.min_interval
    return RegistryClient(base, min_interval=interval, timeout=options.timeout)


def run_sync(
    options: SyncOptions,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    client: RegistryClient | None = None,
) -> int:
    """Fetch, import and record; 0 on success, 1 when the sync stopped or the import did
    not take everything (the reasons are printed)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    registry = REGISTRIES[options.registry]
    try:
        kg = load_graph(options.data_dir)
    except DataValidationError as exc:
        err.write(f"{options.data_dir} has problems; fix them before syncing.\n{exc}\n")
        return 1
    try:
        queries = queries_for(kg, options)
        with _locked(options.state_dir):
            if options.dry_run:
                with tempfile.TemporaryDirectory(prefix="regkg-sync-") as scratch:
                    copy = Path(scratch) / "state"
                    shutil.copytree(options.state_dir, copy, ignore=shutil.ignore_patterns(".lock"))
                    return _sync(registry, queries, options, copy, client, out, err)
            return _sync(registry, queries, options, options.state_dir, client, out, err)
    except (RegkgError, StateError, OSError) as exc:
        err.write(f"sync {options.registry}: {exc}\n")
        return 1


def _sync(
    registry: Registry,
    queries: list[Query],
    options: SyncOptions,
    state_dir: Path,
    client: RegistryClient | None,
    out: TextIO,
    err: TextIO,
) -> int:
    state = SyncState.open(state_dir, registry.name)
    client = client or _client(registry, options)
    show = err.isatty() if options.progress is None else options.progress
    fetcher = _Fetcher(registry, client, state, err, show)
    try:
        for query in queries:
            fetcher.fetch(query, options.free_query, options.full)
    except (RegistryError, SyncFailed, KeyboardInterrupt) as exc:
        if show:
            err.write("\n")
        why = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"stopped: {exc}"
        kept = (
            "(a dry run keeps nothing)"
            if options.dry_run
            else f"are kept in {options.state_dir}; run the same command again to resume"
        )
        err.write(
            f"sync {registry.name} {why}\n"
            f"Nothing was imported: {options.data_dir} is unchanged. The pages fetched so far "
            f"{kept}.\n"
        )
        return 130 if isinstance(exc, KeyboardInterrupt) else 1
    keys = [state.query(q.label)[0] for q in queries]
    fetched = sum(state.queries[k].records for k in keys)
    pages = sum(state.queries[k].pages for k in keys)
    out.write(
        f"sync {registry.name}: {fetched} records in {pages} pages for {len(queries)} "
        f"{'query' if len(queries) == 1 else 'queries'} ({client.requests} requests)\n"
    )
    folders = [state.pages_dir(k) for k in keys if state.pages_dir(k).is_dir()]
    if not folders:
        out.write(f"nothing new; {options.data_dir} is unchanged\n")
        code = 0
    else:
        command = f"python -m graph sync {registry.name}"

        def run() -> int:
            return run_import(
                registry.name,
                folders,
                options.data_dir,
                dry_run=options.dry_run,
                out=out,
                err=err,
                progress=options.progress,
            )

        code = run() if options.dry_run else recorded(options.data_dir, command, run, err)
    if code == 0 and not options.dry_run:
        for key in keys:
            q = state.queries[key]
            q.last_complete, q.fetched = q.started, False
            state.clear_pages(key)
        state.save()
    elif code != 0:
        err.write(
            "The import did not take every record (see above); the next sync asks again for "
            "everything since the last complete one.\n"
        )
    return code
