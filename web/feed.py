"""``/changes.atom``: an Atom feed (RFC 4287) of what the data's recorded history changed.

One entry per regulatory action, claim or trial status that a data version added,
changed or removed, newest first, each linked to the entity's explore page and to its
sources. The URL filters it: ``?substance=MDMA`` (a name or id), ``?jurisdiction=US``
(a code, name or id; the states and cities inside it included),
``?kind=action`` (an entity kind: action, trial, claim; or an action kind: approval...);
repeat a parameter or separate values with commas for several.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from graph.build import KnowledgeGraph
from graph.diff import CITATIONS, ChangeKind, RecordChange
from graph.errors import RegkgError
from graph.lookup import resolve
from graph.selection import jurisdictions_within

ATOM: Final = "http://www.w3.org/2005/Atom"
MEDIA_TYPE: Final = "application/atom+xml; charset=utf-8"
MAX_ENTRIES: Final = 100
FEED_KINDS: Final = ("action", "claim", "trial")
PARAMETERS: Final = ("substance", "jurisdiction", "kind")
_NOUNS: Final = {"action": "regulatory action", "claim": "claim", "trial": "trial"}


ET.register_namespace("", ATOM)


class FeedError(ValueError):
    """A filter the feed cannot apply: the reason is the response."""


@dataclass(frozen=True)
class FeedFilter:
    substances: frozenset[str] = frozenset()  # substance ids
    jurisdictions: frozenset[str] = frozenset()  # ids, with those inside them
    kinds: frozenset[str] = frozenset()  # entity kinds or action kinds, lower case


def _values(params: Mapping[str, list[str]], name: str) -> list[str]:
    return [v.strip() for raw in params.get(name, []) for v in raw.split(",") if v.strip()]


def describe(params: Mapping[str, list[str]]) -> str:
    """The filters as asked for, for the feed's title."""
    asked = [(name, _values(params, name)) for name in PARAMETERS]
    return "; ".join(f"{name} {', '.join(values)}" for name, values in asked if values)


def parse_filter(kg: KnowledgeGraph, params: Mapping[str, list[str]]) -> FeedFilter:
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise FeedError(f"unknown parameter {unknown[0]!r}; the feed takes {', '.join(PARAMETERS)}")
    try:
        substances = frozenset(resolve(kg, "substance", s) for s in _values(params, "substance"))
        named = {resolve(kg, "jurisdiction", j) for j in _values(params, "jurisdiction")}
    except RegkgError as exc:
        raise FeedError(str(exc)) from None
    kinds = frozenset(k.lower() for k in _values(params, "kind"))
    return FeedFilter(substances, frozenset(_within(kg, named)), kinds)


def _within(kg: KnowledgeGraph, named: set[str]) -> set[str]:
    """The jurisdictions named and those inside them (a country's states and cities), found
    from their `parent` edges rather than by testing every jurisdiction."""
    return {inside for place in named for inside in jurisdictions_within(kg, place)}


def _as_list(value: object) -> list[object]:
    if isinstance(value, list | tuple):
        return list(value)
    return [] if value is None else [value]


def _record(kg: KnowledgeGraph, change: RecordChange) -> Mapping[str, Any]:
    """The record as served now, or as it was when removed."""
    if change.id in kg:
        return kg.node(change.id)
    return {f.field: f.old for f in change.fields}


def _substances(kg: KnowledgeGraph, record: Mapping[str, Any]) -> set[str]:
    found = {str(s) for s in _as_list(record.get("substance")) + _as_list(record.get("substances"))}
    subject = record.get("subject")
    if isinstance(subject, str) and subject in kg:
        if kg.kind(subject) == "substance":
            found.add(subject)
        else:  # a claim about a trial or an action concerns their substances
            found |= _substances(kg, {k: v for k, v in kg.node(subject).items() if k != "subject"})
    return found


def in_feed(change: RecordChange) -> bool:
    """Regulatory actions and claims, whatever changed; trials when new, gone, or their
    status changed."""
    if change.kind not in FEED_KINDS:
        return False
    return (
        change.kind != "trial"
        or change.change is not ChangeKind.CHANGED
        or (change.field("status") is not None)
    )


def matches(kg: KnowledgeGraph, change: RecordChange, wanted: FeedFilter) -> bool:
    record = _record(kg, change)
    if wanted.kinds and not wanted.kinds & {change.kind, str(record.get("action", "")).lower()}:
        return False
    if wanted.jurisdictions and not wanted.jurisdictions & {
        str(j) for j in _as_list(record.get("jurisdiction"))
    }:
        return False
    return not wanted.substances or bool(wanted.substances & _substances(kg, record))


def entries(kg: KnowledgeGraph, wanted: FeedFilter) -> tuple[RecordChange, ...]:
    """The feed's changes, newest first, at most `MAX_ENTRIES`: found once per graph and
    filter while among the last asked for, since finding them can walk the whole
    history (a filter that few changes match), and every feed reader polls."""
    return kg.kept.get(("feed", wanted), lambda: tuple(_entries(kg, wanted)))  # type: ignore[no-any-return]


def _entries(kg: KnowledgeGraph, wanted: FeedFilter) -> list[RecordChange]:
    found: list[RecordChange] = []
    for version in reversed(kg.history):
        for change in version.changes:
            if in_feed(change) and matches(kg, change, wanted):
                found.append(change)
                if len(found) == MAX_ENTRIES:
                    return found
    return found


def _when(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _title(change: RecordChange) -> str:
    noun = _NOUNS[change.kind]
    if change.change is ChangeKind.ADDED:
        return f"New {noun}: {change.label}"
    if change.change is ChangeKind.REMOVED:
        return f"Removed {noun}: {change.label}"
    status = change.field("status")
    if change.kind == "trial" and status is not None:
        return (
            f"Trial status {status.old or 'not set'} -> {status.new or 'not set'}: {change.label}"
        )
    return f"Changed {noun}: {change.label}"


def _summary(change: RecordChange) -> str:
    if change.change is not ChangeKind.CHANGED:
        return (
            f"{change.label} ({change.id}), {change.change.value} in data version {change.version}."
        )
    lines = [line.strip() for line in change.lines()[1:]]
    return "\n".join([f"{change.label} ({change.id}), data version {change.version}:", *lines])


def _sources(kg: KnowledgeGraph, change: RecordChange) -> list[tuple[str, str]]:
    """(url, publisher) of every source the record cites, as served or as removed."""
    if change.id in kg:
        ids = [c.source for c in kg.node(change.id).get("citations", ())]
    else:
        cited = change.field(CITATIONS)
        ids = [
            c.get("source") for c in _as_list(cited.old if cited else None) if isinstance(c, dict)
        ]
    found: list[tuple[str, str]] = []
    for source in dict.fromkeys(i for i in ids if isinstance(i, str) and i in kg):
        node = kg.node(source)
        if isinstance(node.get("url"), str):
            found.append((node["url"], str(node.get("publisher") or node["label"])))
    return found


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def render(
    kg: KnowledgeGraph, changes: Iterable[RecordChange], base: str, self_url: str, about: str
) -> bytes:
    """The Atom document."""
    changes = list(changes)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", self_url)
    _add(feed, "title", "regkg: what changed" + (f" ({about})" if about else ""))
    _add(feed, "subtitle", "New and changed regulatory actions, trial statuses and claims.")
    _add(feed, "updated", _when(changes[0].recorded if changes else kg.built_at))
    _add(_add(feed, "author"), "name", "regkg")
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=f"{base}/")
    _add(feed, "generator", "regkg")
    for change in changes:
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:regkg:{change.version}:{quote(change.id, safe=':')}")
        _add(entry, "title", _title(change))
        _add(entry, "updated", _when(change.recorded))
        href = f"{base}/explore?{urlencode({'id': change.id})}"
        _add(entry, "link", rel="alternate", type="text/html", href=href)
        for url, publisher in _sources(kg, change):
            _add(entry, "link", rel="related", href=url, title=publisher)
        _add(entry, "category", term=change.kind)
        if change.kind == "action" and (action := _record(kg, change).get("action")):
            _add(entry, "category", term=str(action))
        _add(entry, "summary", _summary(change), type="text")
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


async def changes_feed(request: Request) -> Response:
    """The route: the filtered feed, with an ETag so a feed reader's poll is a 304."""
    kg: KnowledgeGraph = request.app.state.kg
    params = {k: request.query_params.getlist(k) for k in request.query_params}
    try:
        wanted = parse_filter(kg, params)
    except FeedError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=400)
    # The history can grow (`graph diff --record`) while the records stay as they were.
    latest = kg.history[-1].version if kg.history else ""
    state = f"{kg.version}\0{len(kg.history)}\0{latest}\0{sorted(params.items())}"
    digest = hashlib.sha256(state.encode()).hexdigest()
    etag = f'"{digest[:20]}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    base = str(request.base_url).rstrip("/")
    body = render(kg, entries(kg, wanted), base, str(request.url), describe(params))
    return Response(body, media_type=MEDIA_TYPE, headers=headers)
