"""What an import did, for the curator: one line per record that changed or needs a look,
the rejected files with their reasons, and the counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.importers.drugsfda_map import SKIPPED_SUPPLEMENTS
from graph.importers.inputs import Rejection
from graph.importers.plan import Outcome

_LISTED = 20  # written files listed by name; a bulk import only counts the rest


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


_ORDER = (
    Outcome.CREATED,
    Outcome.UPDATED,
    Outcome.UNCHANGED,
    Outcome.CURATED,
    Outcome.OLDER,
    Outcome.SKIPPED,
    Outcome.REJECTED,
)


@dataclass
class RecordReport:
    key: str
    origin: str
    outcome: Outcome
    details: list[str] = field(default_factory=list)


@dataclass
class Report:
    importer: str
    data_dir: Path
    inputs: int = 0
    dry_run: bool = False
    records: list[RecordReport] = field(default_factory=list)
    rejected_files: list[Rejection] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    new_records: dict[str, list[str]] = field(default_factory=dict)
    # Approved Drugs@FDA supplements not imported as approvals, by class.
    skipped_supplements: dict[str, int] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why nothing was written

    def count_skipped_supplements(self, classes: Iterable[str]) -> None:
        for kind in classes:
            self.skipped_supplements[kind] = self.skipped_supplements.get(kind, 0) + 1

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.records if r.outcome is outcome)

    @property
    def rejected(self) -> int:
        return len(self.rejected_files) + self.count(Outcome.REJECTED)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected or self.problems else 0

    def detail_lines(self) -> list[str]:
        lines: list[str] = []
        for record in self.records:
            if record.outcome is Outcome.UNCHANGED or not (
                record.details or record.outcome in (Outcome.CREATED, Outcome.UPDATED)
            ):
                continue  # nothing to review; unmatched names are listed once, below
            lines.append(f"{record.outcome}: {record.key} ({record.origin})")
            lines.extend(f"    {d}" for d in record.details)
        for rejection in self.rejected_files:
            lines.append(f"rejected: {rejection}")
        for kind, ids in sorted(self.new_records.items()):
            shown = ", ".join(ids[:_LISTED]) + (
                f", ... and {len(ids) - _LISTED} more" if len(ids) > _LISTED else ""
            )
            lines.append(f"new {kind} (check for duplicates of existing records): {shown}")
        if self.unmatched:
            lines.append("unmatched interventions or products (not linked, nothing invented):")
            lines.extend(f"    {u}" for u in self.unmatched)
        lines.extend(f"note: {n}" for n in self.notices)
        if self.problems:
            lines.append("the import would leave the data invalid; nothing was written:")
            lines.extend(f"    {p}" for p in self.problems)
        return lines

    def summary_lines(self) -> list[str]:
        read = len(self.records) - self.count(Outcome.REJECTED)
        lines = [
            f"import {self.importer}: {_plural(self.inputs, 'input')}, "
            f"{_plural(read, 'record')} read"
        ]
        for outcome in _ORDER[:-1]:
            lines.append(f"  {outcome.value:<48}{self.count(outcome):>6}")
        lines.append(
            f"  {'rejected':<48}{self.rejected:>6}"
            + (
                f"  ({len(self.rejected_files)} when read, "
                f"{self.count(Outcome.REJECTED)} when mapped or validated)"
                if self.rejected
                else ""
            )
        )
        lines.append(f"  {'unmatched interventions or products':<48}{len(self.unmatched):>6}")
        for kind, labels in sorted(self.new_records.items()):
            lines.append(f"  {'new ' + kind:<48}{len(labels):>6}")
        if self.skipped_supplements:
            total = sum(self.skipped_supplements.values())
            lines.append(f"  {SKIPPED_SUPPLEMENTS:<48}{total:>6}")
            for kind, count in sorted(self.skipped_supplements.items()):
                lines.append(f"    {kind:<46}{count:>6}")
        if self.problems:
            lines.append("nothing written: the result would not validate")
        elif self.dry_run:
            lines.append(
                f"dry run: {_plural(len(self.written), 'file')} would change under {self.data_dir}"
            )
        else:
            lines.append(f"wrote {_plural(len(self.written), 'file')} under {self.data_dir}")
            shown = self.written if len(self.written) <= _LISTED else self.written[:_LISTED]
            lines.extend(f"  {w}" for w in shown)
            if len(shown) < len(self.written):
                lines.append(f"  ... and {len(self.written) - len(shown)} more")
        return lines
