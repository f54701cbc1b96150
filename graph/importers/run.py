"""Run an import end to end: read, map, merge, validate, write, report.

Planning is repeated without a record when the result would not validate because of it
(a registry record whose completion precedes its start, say): that record is rejected
with the validator's messages and the rest still go in. A problem that cannot be traced
to one record stops the import with nothing written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TextIO

from graph.dates import PartialDate
from graph.errors import DataValidationError, Problem, RegkgError
from graph.importers import ctgov, drugsfda
from graph.importers.ctgov_map import study_item
from graph.importers.drugsfda_map import application_item
from graph.importers.inputs import Rejection, SizeLimits
from graph.importers.merge import changes, merge_unit
from graph.importers.plan import (
    Batch,
    Existing,
    Item,
    Outcome,
    Skipped,
    Unit,
    is_shared_file,
    read_existing,
)
from graph.importers.progress import Progress
from graph.importers.summary import RecordReport, Report
from graph.importers.writer import WriteFailed, commit, exclusive, recover, validate_planned
from graph.importers.yamlout import Rendered, render_file
from graph.load import DEFAULT_DATA_DIR

_SHARED_HEADERS = {
    "organisations.yaml": "Organisations first named by records imported with `{command}`.",
    "conditions.yaml": "Conditions first named by records imported with `{command}`.",
    "publications.yaml": "Results publications listed by records imported with `{command}`.",
}
_KIND_NAMES = {"organisation": "organisations", "condition": "conditions", "source": "publications"}


@dataclass
class _Plan:
    batch: Batch
    units: list[Unit] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # changed files only
    rendered: dict[str, Rendered] = field(default_factory=dict)
    reports: list[RecordReport] = field(default_factory=list)


def _version(records: Sequence[Mapping[str, object]], source_id: str) -> PartialDate | None:
    for record in records:
        published = record.get("published")
        if record.get("id") == source_id and isinstance(published, str):
            try:
                return PartialDate.parse(published)
            except ValueError:
                return None
    return None


def _current_text(existing: Existing, rel: str) -> str | None:
    path = existing.root / rel
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def _plan(existing: Existing, items: list[Item], excluded: set[str]) -> _Plan:
    plan = _Plan(Batch(existing))
    plan.batch.planned_keys = {i.key for i in items if i.key not in excluded}
    for item in items:
        if item.key in excluded:
            continue
        old = existing.records_in(item.file)
        old_version = _version(old, item.source_id)
        if item.version and old_version and item.version < old_version:
            plan.skipped.append(
                Skipped(
                    item.key,
                    item.origin,
                    Outcome.OLDER,
                    f"this copy was last updated {item.version}; the import has {old_version}",
                )
            )
            continue
        try:
            result = item.map(plan.batch)
        except Exception as exc:  # a mapping bug rejects the record, not the import
            result = Skipped(
                item.key, item.origin, Outcome.REJECTED, f"could not be mapped: {exc!r}"
            )
        if isinstance(result, Skipped):
            plan.skipped.append(result)
        else:
            result.notices[:0] = item.notices
            plan.units.append(result)
    for unit in plan.units:
        old = existing.records_in(unit.file)
        merged = merge_unit(unit.records, old, unit.source_id, unit.key, unit.partial)
        rendered = render_file(unit.header, merged)
        before = _current_text(existing, unit.file)
        details: list[str]
        if before is None:
            outcome, details = Outcome.CREATED, []
        elif before == rendered.text:
            outcome, details = Outcome.UNCHANGED, []
        else:
            outcome, details = Outcome.UPDATED, [str(c) for c in changes(old, merged)]
            if not details:
                details = ["only the file's header or layout changed (format or version read)"]
        plan.rendered[unit.file] = rendered
        if outcome is not Outcome.UNCHANGED:
            plan.texts[unit.file] = rendered.text
        details += unit.notices  # unmatched interventions are listed once, in the summary
        plan.reports.append(RecordReport(unit.key, unit.origin, outcome, details))
    for rel, records in plan.batch.shared_files().items():
        rendered = render_file(_shared_header(rel), records)
        plan.rendered[rel] = rendered
        if _current_text(existing, rel) != rendered.text:
            plan.texts[rel] = rendered.text
    return plan


def _shared_header(rel: str) -> tuple[str, ...]:
    path = PurePosixPath(rel)
    command = f"python -m graph import {path.parent.name}"
    return (
        _SHARED_HEADERS.get(path.name, "Records shared by imports.").format(command=command),
        "Each cites the registry records that name it; an import adds citations and",
        "records here, and rewrites the file: keep remarks in `note`, not in comments.",
    )


def _blame(plan: _Plan, existing: Existing, problems: list[Problem]) -> dict[str, list[str]] | None:
    """The units each problem comes from, or None if some problem has no single source.

    A dangling reference is often a consequence (a link to a record that is itself
    being rejected), so such problems are blamed only when nothing else is wrong."""
    causes = [p for p in problems if not p.message.startswith("dangling reference")]
    problems = causes or problems
    by_file = {u.file: u.key for u in plan.units}
    blamed: dict[str, list[str]] = {}
    for problem in problems:
        rel = existing.rel(problem.file)
        keys: set[str] = set()
        if rel in by_file:
            keys = {by_file[rel]}
        elif is_shared_file(rel) and rel in plan.rendered:
            record_id = plan.rendered[rel].record_at(problem.line)
            entry = plan.batch.shared.get(record_id or "")
            keys = set(entry.users) if entry else set()
        if not keys:
            return None
        for key in keys:
            blamed.setdefault(key, []).append(f"{rel}:{problem.line}: {problem.message}")
    return blamed


def execute(existing: Existing, items: list[Item], report: Report, dry_run: bool) -> None:
    """Plan, validate and (unless `dry_run`) write; everything done goes into `report`."""
    excluded: dict[str, list[str]] = {}
    origins = {i.key: i.origin for i in items}
    while True:
        plan = _plan(existing, items, set(excluded))
        _, problems = validate_planned(existing, plan.texts)
        if not problems:
            break
        blamed = _blame(plan, existing, problems)
        if blamed is None:
            report.problems = [str(p) for p in problems]
            return
        excluded.update(blamed)
    report.records.extend(plan.reports)
    report.records.extend(
        RecordReport(s.key, s.origin, s.outcome, [] if s.unmatched else [s.reason])
        for s in plan.skipped
    )
    report.records.extend(
        RecordReport(key, origins[key], Outcome.REJECTED, ["the result would not validate:", *why])
        for key, why in excluded.items()
    )
    for unit in plan.units:
        report.unmatched.extend(f"{unit.key}: {u}" for u in unit.unmatched)
        report.count_skipped_supplements(unit.skipped_supplements)
    for skipped in plan.skipped:
        report.count_skipped_supplements(skipped.skipped_supplements)
    report.unmatched.extend(f"{s.key}: {s.reason}" for s in plan.skipped if s.unmatched)
    for record_id, entry in sorted(plan.batch.shared.items()):
        if entry.new:
            kind = _KIND_NAMES.get(record_id.partition(":")[0], "records")
            report.new_records.setdefault(kind, []).append(record_id)
    report.written = sorted(plan.texts)
    if not dry_run:
        commit(existing.root, plan.texts)


def _dedupe(items: list[Item], notices: list[str]) -> list[Item]:
    """One item per key: the newest version, the later file on a tie."""
    chosen: dict[str, Item] = {}
    seen: dict[str, list[str]] = {}
    for item in items:
        seen.setdefault(item.key, []).append(item.origin)
        current = chosen.get(item.key)
        if current is None or (item.version or PartialDate(1)) >= (
            current.version or PartialDate(1)
        ):
            chosen[item.key] = item
    for key, origins in seen.items():
        if len(origins) > 1:
            notices.append(
                f"{key} appears {len(origins)} times; imported from {chosen[key].origin}, "
                "the newest copy"
            )
    return list(chosen.values())


def _read(
    importer: str,
    paths: list[Path],
    report: Report,
    bar: Callable[[int], Progress],
    sizes: SizeLimits | None = None,
) -> tuple[list[Item], list[Rejection], list[str]]:
    """Find the inputs once (counted into `report`), then read them with a progress bar
    made for that count."""
    if importer == "ctgov":
        with ctgov.find_inputs(paths, sizes) as studies:
            report.inputs = studies.count
            progress = bar(studies.count)
            try:
                read = ctgov.read_inputs(studies, progress)
            finally:
                progress.close()
        return [study_item(s) for s in read.studies], read.rejected, read.notices
    with drugsfda.find_inputs(paths, sizes) as applications:
        report.inputs = applications.count
        progress = bar(applications.count)
        try:
            found = drugsfda.read_inputs(applications, progress)
        finally:
            progress.close()
    return [application_item(a) for a in found.applications], found.rejected, found.notices


def run_import(
    importer: str,
    paths: list[Path],
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    dry_run: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    progress: bool | None = None,
    sizes: SizeLimits | None = None,
) -> int:
    """Import `paths` into `data_dir`; print the details and summary; 0, or 1 when
    anything was rejected or nothing could be written."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    root = data_dir.resolve()
    try:
        with exclusive(root):
            return _locked_import(
                importer, paths, data_dir, root, dry_run, out, err, progress, sizes
            )
    except WriteFailed as exc:
        err.write(f"import {importer} not started: {exc}\n")
        return 1


def _locked_import(
    importer: str,
    paths: list[Path],
    data_dir: Path,
    root: Path,
    dry_run: bool,
    out: TextIO,
    err: TextIO,
    progress: bool | None,
    sizes: SizeLimits | None,
) -> int:
    try:
        for done in recover(root):  # an import that died must not be half done
            err.write(f"{done}\n")
    except OSError as exc:
        err.write(f"{data_dir}: cannot clean up after an interrupted import: {exc}\n")
        return 1
    try:
        existing = read_existing(root)
    except DataValidationError as exc:
        err.write(f"{data_dir} has problems before the import; fix them first.\n{exc}\n")
        return 1
    except OSError as exc:
        err.write(f"{data_dir} cannot be read: {exc}\n")
        return 1
    report = Report(importer, data_dir, dry_run=dry_run)
    items, rejected, notices = _read(
        importer,
        paths,
        report,
        lambda total: Progress(importer, total, stream=err, enabled=progress),
        sizes,
    )
    report.rejected_files.extend(rejected)
    report.notices.extend(notices)
    items = _dedupe(items, report.notices)
    try:
        execute(existing, items, report, dry_run)
    except (RegkgError, OSError) as exc:
        err.write(f"import {importer} failed: {exc}\n")
        return 1
    details = report.detail_lines()
    if details:
        out.write("\n".join(details) + "\n\n")
    out.write("\n".join(report.summary_lines()) + "\n")
    if report.written and not dry_run:
        _revalidate(root, err)
    return report.exit_code


def _revalidate(root: Path, err: TextIO) -> None:
    try:
        read_existing(root)
    except DataValidationError as exc:  # pragma: no cover - validated before writing
        err.write(f"warning: the data no longer validates after the import:\n{exc}\n")
