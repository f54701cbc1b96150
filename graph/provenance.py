"""Where facts come from: citations, conflicts between sources, and facts gone stale."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.build import CITES, KnowledgeGraph
from graph.dates import PartialDate
from graph.indexes import StaleClaims
from graph.lookup import attributes, node
from graph.records import Citation
from graph.vocab import PRIMARY_SOURCE_TYPES, SourceType, source_rank


@dataclass(frozen=True, slots=True)
class CitedSource:
    """A citation together with the source it names."""

    citation: Citation
    source: str
    url: str | None  # None: a copy with no public address (its record says where it is held)
    title: str
    publisher: str
    published: PartialDate | None


def ranked_citations(kg: KnowledgeGraph, node_id: str) -> list[Citation]:
    """The citations of `node_id`, those closest to the fact first (the regulator's own
    page before the press, the press before a copy); in the order written within a kind."""
    return ranked(kg, node(kg, node_id))


def ranked(kg: KnowledgeGraph, record: Mapping[str, Any]) -> list[Citation]:
    """`ranked_citations` of a record already looked up (a GraphQL type's root)."""
    citations: tuple[Citation, ...] = record.get("citations", ())
    if len(citations) < 2:  # most records: nothing to order
        return list(citations)
    nodes = attributes(kg)
    return sorted(citations, key=lambda c: source_rank(nodes[c.source]["type"]))


@dataclass(frozen=True, slots=True)
class Evidence:
    """The best kind of source a record rests on."""

    best_source_kind: SourceType | None  # None: a record that cites nothing
    primary: bool  # whether that kind speaks for the body that acted or the record itself


def evidence(kg: KnowledgeGraph, node_id: str) -> Evidence:
    """What `node_id` rests on: for a source, itself; for any other record, its citations."""
    attrs = node(kg, node_id)
    if attrs["kind"] == "source":
        kinds = [SourceType(str(attrs["type"]))]
    else:
        kinds = [SourceType(str(kg.node(c.source)["type"])) for c in ranked_citations(kg, node_id)]
    best = kinds[0] if kinds else None
    return Evidence(best, best in PRIMARY_SOURCE_TYPES)


def cited_sources(kg: KnowledgeGraph, node_id: str, field: str | None = None) -> list[CitedSource]:
    """The citations of `node_id` (only those supporting `field`, when given), best-ranked
    source first."""
    found = []
    for citation in ranked_citations(kg, node_id):
        if field is not None and not citation.covers(field):
            continue
        source = kg.node(citation.source)
        published = source.get("published")
        url = source.get("url")
        found.append(
            CitedSource(
                citation,
                citation.source,
                str(url) if url is not None else None,
                str(source["title"]),
                str(source["publisher"]),
                published if isinstance(published, PartialDate) else None,
            )
        )
    return found


def newest_source_date(kg: KnowledgeGraph, node_id: str) -> PartialDate | None:
    """The publication date of the newest dated source cited by `node_id`."""
    dates = [c.published for c in cited_sources(kg, node_id) if c.published is not None]
    return max(dates, key=lambda d: d.latest) if dates else None


def cited_by(kg: KnowledgeGraph, source: str) -> list[str]:
    """The records that cite `source`, each once, sorted. A trial's `results_in` link to a
    paper is not a citation of it."""
    node(kg, source)
    return sorted({r for r, _, key in kg.graph.in_edges(source, keys=True) if key == CITES})


def citations_of(kg: KnowledgeGraph, source: str) -> list[tuple[str, Citation]]:
    """Every citation of `source`, with the record that makes it, by record id: what
    rests on the source, each with its quote and the fields it supports."""
    return [
        (record, citation)
        for record in cited_by(kg, source)
        for citation in kg.node(record)["citations"]
        if citation.source == source
    ]


def conflicts(kg: KnowledgeGraph, status: str | None = None) -> list[str]:
    """Conflicts between claims, optionally only `open` or `resolved` ones."""
    nodes = kg.graph.nodes
    return [c for c in kg.by_kind["conflict"] if status is None or nodes[c]["status"] == status]


def stale(
    kg: KnowledgeGraph, older_than: date, kinds: Collection[str] = ("claim",)
) -> list[tuple[str, PartialDate | None]]:
    """Nodes of `kinds` whose newest cited source was published before `older_than`.

    Nodes none of whose sources carry a date are included with None: their age is unknown.
    """
    found: list[tuple[str, PartialDate | None]] = []
    for kind in kinds:
        if kind == "claim":
            found += stale_claims(kg, older_than)
            continue
        for node_id in kg.by_kind.get(kind, ()):
            newest = newest_source_date(kg, node_id)
            if newest is None or newest.latest < older_than:
                found.append((node_id, newest))
    return found


def stale_claims(kg: KnowledgeGraph, older_than: date) -> StaleClaims:
    """`stale` claims, by id, each with its newest source's date, read only as far as a page
    needs from the dates kept since loading, and counted without reading them."""
    return kg.indexes.stale_claims(kg.by_kind["claim"], older_than)


def how_to_cite(kg: KnowledgeGraph, node_id: str) -> str:
    """A citation line for `node_id`: what it is, its sources, and the data version.

    For a source, the source itself; for anything else, its label and its sources, those
    closest to the fact first.
    """
    attrs = node(kg, node_id)
    if attrs["kind"] == "source":
        return _cite_source(attrs, kg.version)
    sources = "; ".join(
        _cite_source(kg.node(s), None)
        for s in dict.fromkeys(c.source for c in cited_sources(kg, node_id))
    )
    return f"{attrs['label']} [regkg {node_id}, data version {kg.version}]. Sources: {sources}"


def _cite_source(attrs: object, version: str | None) -> str:
    assert hasattr(attrs, "get")
    published = attrs.get("published")
    when = f" ({published})" if published else ""
    url = attrs.get("url")
    where = url if url else f"No public address; text held in {attrs.get('held')}"
    text = f'{attrs.get("publisher")}{when}. "{attrs.get("title")}". {where}'
    return f"{text} [regkg data version {version}]" if version else text
