"""Results publications as a registry cites them (Vancouver style, as PubMed writes):

    Authors. Title. Journal. Year Mon Day;Volume(Issue):Pages. doi: ...

The journal becomes the source's publisher and the year (and month, where given) its
date, at that precision. A citation that does not parse keeps its full text as title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from graph.dates import PartialDate

_CITATION: Final = re.compile(
    r"^(?P<authors>[^.]+?)\.\s+(?P<title>.+?[.?!])\s+(?P<journal>[^.;]+?)\.\s+"
    r"(?P<year>[0-9]{4})(?:\s+(?P<month>[A-Z][a-z]{2}))?(?:\s+(?P<day>[0-9]{1,2}))?[;:.\s]"
)
_MONTHS: Final = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}


@dataclass(frozen=True)
class Citation:
    title: str
    journal: str | None
    published: PartialDate | None


def parse_citation(text: str) -> Citation:
    """Title, journal and date of a Vancouver citation.

    >>> c = parse_citation("Gil RJ, Bil J. First-in-man study of a stent. "
    ...     "J Interv Cardiol. 2015 Feb;28(1):51-60. doi: 10.1111/joic.12174.")
    >>> c.title, c.journal, str(c.published)
    ('First-in-man study of a stent', 'J Interv Cardiol', '2015-02')
    """
    text = " ".join(text.split())
    match = _CITATION.match(text + " ")
    if match is None:
        return Citation(text, None, None)
    title = match.group("title")
    title = title[:-1] if title.endswith(".") else title
    month = _MONTHS.get(match.group("month") or "")
    day = match.group("day")
    iso = match.group("year")
    if month:
        iso += f"-{month:02d}" + (f"-{int(day):02d}" if day else "")
    try:
        published: PartialDate | None = PartialDate.parse(iso)
    except ValueError:
        published = PartialDate.parse(match.group("year"))
    return Citation(title, match.group("journal").strip(), published)


def pubmed_urls(pmid: str) -> tuple[str, ...]:
    """The canonical PubMed address first, then the older forms curators have used."""
    return (
        f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        f"https://pubmed.ncbi.nlm.nih.gov/{pmid}",
        f"https://www.ncbi.nlm.nih.gov/pubmed/{pmid}",
        f"https://www.ncbi.nlm.nih.gov/pubmed/{pmid}/",
        f"https://www.pubmed.gov/{pmid}/",
        f"https://www.pubmed.gov/{pmid}",
    )
