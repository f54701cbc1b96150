"""What kind of party a registry names: an organisation of some type, a person, or a
placeholder ("[Redacted]").

Registries give a sponsor's class at best (INDUSTRY, NIH, OTHER...), and the model
requires an organisation type, so the type is read from the class where that is
unambiguous and otherwise inferred from the name; an inference is always flagged in the
record's note for a curator to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from graph.search import normalise
from graph.vocab import OrganisationType

_BY_CLASS: Final = {
    "INDUSTRY": OrganisationType.COMPANY,
    "NIH": OrganisationType.GOVERNMENT,
    "FED": OrganisationType.GOVERNMENT,
    "OTHER_GOV": OrganisationType.GOVERNMENT,
}
# Checked in this order: a legal form settles it before any other word does
# ("Orlando Health, Inc." is a company, whatever "Health" suggests).
_BY_WORDS: Final = (
    (
        OrganisationType.COMPANY,
        r"inc|llc|ltd|limited|gmbh|corp|corporation|company|s ?r ?l|s ?p ?a|plc|b ?v|ag|"
        r"pharma|pharmaceuticals?|pharms?|therapeutics|biotech|biosciences?|biologics|"
        r"laboratories|labs?|laboratorio|biopharma",
    ),
    (
        OrganisationType.ACADEMIC,
        r"universit\w*|college|school|hospital\w*|hopit\w*|ospedale|klinikum|clinic|"
        r"medical cent(er|re)|cancer cent(er|re)|medical organi[sz]ation|academ\w*|faculty",
    ),
    (
        OrganisationType.GOVERNMENT,
        r"ministry|government|national institutes? of|department of|agency|"
        r"research council|public health",
    ),
    (
        OrganisationType.NONPROFIT,
        r"foundation|association|society|trust|charity|alliance|network|institute|"
        r"consortium|federation",
    ),
)
_WORD_PATTERNS: Final = tuple((t, re.compile(rf"\b({w})\b")) for t, w in _BY_WORDS)
_PERSON_TOKEN: Final = re.compile(r"[A-Z][a-z'\u2019-]+|[A-Z]\.?")
_PLACEHOLDER: Final = re.compile(r"\[.*\]")


@dataclass(frozen=True)
class OrganisationGuess:
    type: OrganisationType
    note: str | None  # set when the type is inferred rather than given


def organisation_type(
    name: str, agency_class: str | None, default: OrganisationType
) -> OrganisationGuess:
    """The organisation type for a registry party, with a note when it is a guess.

    >>> organisation_type("Xynomic Pharmaceuticals, Inc.", "INDUSTRY", OrganisationType.COMPANY)
    OrganisationGuess(type=<OrganisationType.COMPANY: 'company'>, note=None)
    """
    by_class = _BY_CLASS.get((agency_class or "").upper())
    if by_class is not None:
        return OrganisationGuess(by_class, None)
    norm = normalise(name)
    given = f"registry class {agency_class}" if agency_class else "no class given"
    for kind, pattern in _WORD_PATTERNS:
        if pattern.search(norm):
            return OrganisationGuess(kind, f"Type inferred from the name ({given}); check it.")
    return OrganisationGuess(
        default, f"Type not given ({given}); {default.value} is a guess, check it."
    )


def is_placeholder(name: str) -> bool:
    """ "[Redacted]": the registry withholds the name."""
    return _PLACEHOLDER.fullmatch(name.strip()) is not None


def looks_like_person(name: str, agency_class: str | None, investigator: str | None) -> bool:
    """A sponsor-investigator rather than an organisation.

    The registry says so with class INDIV, or by naming the same person as the
    responsible investigator; without either, a name of two to four capitalised words
    or initials with no organisational word is taken as a person's.
    """
    if (agency_class or "").upper() == "INDIV":
        return True
    if investigator and normalise(investigator) == normalise(name):
        return True
    if (agency_class or "").upper() not in ("", "OTHER"):
        return False
    tokens = name.split()
    if not 2 <= len(tokens) <= 4 or not all(_PERSON_TOKEN.fullmatch(t) for t in tokens):
        return False
    norm = normalise(name)
    return not any(pattern.search(norm) for _, pattern in _WORD_PATTERNS)
