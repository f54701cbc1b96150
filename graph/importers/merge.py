"""Merge a unit's freshly mapped records with what an earlier import wrote.

The registry record is the only source an import knows, so an imported field is
replaced by the registry's current value, with one exception: a field that a curator
has also backed with another source is curated and kept as it is, with that citation.
A download restricted to some fields (`partial`) only adds and updates; it never
removes what it does not mention.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.importers.yamlout import Record, key_order
from graph.model import KINDS
from graph.reader import Value

_EDITORIAL = frozenset({"id", "sources", "note"})


@dataclass(frozen=True)
class Change:
    record_id: str
    field: str
    old: str | None
    new: str | None

    def __str__(self) -> str:
        if self.old is None:
            return f"{self.record_id}: {self.field} added: {self.new}"
        if self.new is None:
            return f"{self.record_id}: {self.field} removed (was {self.old})"
        return f"{self.record_id}: {self.field}: {self.old} -> {self.new}"


def _citations(record: Record) -> list[dict[str, Value]]:
    sources = record.get("sources")
    return [c for c in sources if isinstance(c, dict)] if isinstance(sources, list) else []


def _facts(record: Record) -> list[str]:
    return [k for k in record if k not in _EDITORIAL]


def cites_only(record: Record, source_id: str) -> bool:
    return all(c.get("source") == source_id for c in _citations(record))


def curated_fields(record: Record, source_id: str) -> set[str]:
    """Fields of `record` that a citation of some other source supports."""
    protected: set[str] = set()
    for citation in _citations(record):
        if citation.get("source") == source_id:
            continue
        supports = citation.get("supports")
        if isinstance(supports, list):
            protected |= {s for s in supports if isinstance(s, str)}
        else:
            protected |= set(_facts(record))
    return protected


def merge_record(new: Record, old: Record, source_id: str, partial: bool) -> Record:
    merged: Record = dict(new)
    if partial:
        for name in _facts(old):
            merged.setdefault(name, old[name])
    protected = curated_fields(old, source_id)
    for name in protected:
        if name in old:
            merged[name] = old[name]
    own = [c for c in _citations(new) if c.get("source") == source_id]
    others = [c for c in _citations(old) if c.get("source") != source_id]
    # Where a curated value differs from the registry's, the registry citation must not
    # claim to support it: it then lists the fields it does support.
    differing = {n for n in protected if n in merged and new.get(n) != merged[n]}
    if differing and own:
        supported = [n for n in key_order(merged) if n not in _EDITORIAL and n not in differing]
        own = [{**own[0], "supports": list(supported)}, *own[1:]]
    citations: list[Value] = [*own, *others]
    if citations:
        merged["sources"] = citations
    else:
        merged.pop("sources", None)  # a source record cites nothing
    if "note" not in new and "note" in old and others:
        merged["note"] = old["note"]  # a curator's note on a record they also sourced
    return {k: merged[k] for k in key_order(merged)}


def merge_unit(
    new_records: list[Record],
    old_records: list[Record],
    source_id: str,
    key: str,
    partial: bool,
) -> list[Record]:
    """The unit file's new content. Earlier records the registry no longer gives are
    dropped if the import owns them (their id contains the unit's key, NCT... or
    NDA..., and they cite only the registry); anything a curator added is kept."""
    old_by_id = {str(r.get("id")): r for r in old_records}
    result: list[Record] = []
    for record in new_records:
        old = old_by_id.pop(str(record["id"]), None)
        result.append(record if old is None else merge_record(record, old, source_id, partial))
    for record_id, old in old_by_id.items():
        ours = key.lower() in record_id.lower() and cites_only(old, source_id)
        if partial or not ours:
            result.append(old)
    return result


def describe(value: Value, limit: int = 70) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        text = " ".join(value.split())
    elif isinstance(value, list):
        text = "[" + ", ".join(describe(v, limit) for v in value) + "]"
    else:
        text = "{" + ", ".join(f"{k}: {describe(v, limit)}" for k, v in value.items()) + "}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def changes(old_records: list[Record], new_records: list[Record]) -> list[Change]:
    """Field by field: what a re-import changes in a unit's file."""
    found: list[Change] = []
    old_by_id = {str(r.get("id")): r for r in old_records}
    new_ids = {str(r.get("id")) for r in new_records}
    for record in new_records:
        record_id = str(record["id"])
        old = old_by_id.get(record_id)
        if old is None:
            found.append(Change(record_id, "record", None, "new"))
            continue
        kind = KINDS.get(record_id.partition(":")[0])
        names = [*(f.name for f in kind.fields), "sources", "note"] if kind else []
        names += sorted((set(record) | set(old)) - set(names) - {"id"})
        for name in names:
            before, after = old.get(name), record.get(name)
            if before != after:
                found.append(
                    Change(
                        record_id,
                        name,
                        None if before is None else describe(before),
                        None if after is None else describe(after),
                    )
                )
    found.extend(Change(i, "record", "present", None) for i in old_by_id if i not in new_ids)
    return found
