"""Facts that matter most, resting only on reports of them.

An approval, a refusal, a designation, a schedule, a vote or a trial's registry entry is
the act of a body that publishes it (a regulator, a legislature, a registry, the sponsor).
A record of one cited only to the press, a reference work or a copy is allowed, but it is
a warning: a primary page should be looked for, and where none can be found the record's
`note` says where one was looked for (it mentions the word "primary").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from graph.errors import Problem
from graph.records import Record
from graph.vocab import PRIMARY_SOURCE_TYPES, ActionKind, ActionTrack, track_of

KEY_ACTIONS: Final = frozenset(
    {
        ActionKind.APPROVAL,
        ActionKind.REFUSAL,
        ActionKind.COMPLETE_RESPONSE_LETTER,
        ActionKind.BREAKTHROUGH_THERAPY_DESIGNATION,
        ActionKind.FAST_TRACK_DESIGNATION,
        ActionKind.ORPHAN_DESIGNATION,
        ActionKind.ADVISORY_COMMITTEE_VOTE,
    }
)
_THE_ACTION: Final = "the action"
REGISTRY_FIELDS: Final = (
    "registry_id",
    "study_type",
    "phase",
    "status",
    "why_stopped",
    "enrollment",
    "enrollment_type",
    "first_posted",
    "start",
    "primary_completion",
    "completion",
)


def is_key_fact(record: Record) -> bool:
    """True for the actions whose source matters most.

    >>> is_key_fact(Record("action:a", "action", {"action": "scheduling"}, (), "f", 1))
    True
    >>> is_key_fact(Record("action:a", "action", {"action": "priority_review"}, (), "f", 1))
    False
    """
    kind = record.fields.get("action")
    return record.kind == "action" and (
        kind in KEY_ACTIONS or track_of(str(kind)) is ActionTrack.LEGAL
    )


def weakly_sourced(records: Iterable[Record]) -> list[Problem]:
    """A warning for every key fact cited only to press, reference works or copies."""
    records = list(records)
    types = {r.id: r.fields.get("type") for r in records if r.kind == "source"}
    warnings: list[Problem] = []
    for record in records:
        if record.note is not None and "primary" in record.note.lower():
            continue
        fields = _weak_fields(record, types)
        if fields:
            what = (
                "the action rests"
                if fields == [_THE_ACTION]
                else f"registry fields {', '.join(fields)} rest"
            )
            warnings.append(
                Problem(
                    record.file,
                    record.line,
                    f"{record.id}: {what} only on press, reference works or copies: cite the "
                    "regulator's, registry's or sponsor's own page, or say in `note` where a "
                    "primary source was looked for",
                )
            )
    return warnings


def _weak_fields(record: Record, types: Mapping[str, object]) -> list[str]:
    if is_key_fact(record):
        fields = [_THE_ACTION]
        citations = record.citations
        return [] if any(types.get(c.source) in PRIMARY_SOURCE_TYPES for c in citations) else fields
    if record.kind != "trial":
        return []
    return [
        name
        for name in REGISTRY_FIELDS
        if name in record.fields
        and not any(
            types.get(c.source) in PRIMARY_SOURCE_TYPES for c in record.citations if c.covers(name)
        )
    ]
