"""Registry dates, kept at the precision the registry gives them.

ClinicalTrials.gov v2 writes ``2004-05`` or ``2004-05-17``; the legacy XML writes
``May 2004`` or ``May 17, 2004``; openFDA writes ``20040517``; the Drugs@FDA tables
``2004-05-17 00:00:00``. A month-only date must stay a month: padding it to the first
would invent a day the registry never gave.
"""

from __future__ import annotations

import re
from typing import Final

from graph.dates import PartialDate

# ASCII digits only: `\d` would also accept other scripts' digits.
_ISO: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_COMPACT: Final = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_TABLE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?: 00:00:00(?:\.0+)?)?")
_WORDS: Final = re.compile(r"([A-Za-z]+)\.?(?:\s+([0-9]{1,2}),)?\s+([0-9]{4})")
_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


def parse_registry_date(text: str | None) -> PartialDate | None:
    """Any of the registry date forms, or None when absent or unreadable.

    >>> str(parse_registry_date("September 1999")), str(parse_registry_date("June 27, 2017"))
    ('1999-09', '2017-06-27')
    >>> str(parse_registry_date("20191125")), str(parse_registry_date("2019-03-05 00:00:00"))
    ('2019-11-25', '2019-03-05')
    >>> str(parse_registry_date("2004-05")), parse_registry_date("soon")
    ('2004-05', None)
    """
    if text is None:
        return None
    text = text.strip()
    for pattern in (_ISO, _TABLE, _COMPACT):
        match = pattern.fullmatch(text)
        if match:
            return _build(*match.groups())
    match = _WORDS.fullmatch(text)
    if match:
        month = _MONTHS.get(match.group(1).lower())
        if month is None:
            return None
        day = match.group(2)
        return _build(match.group(3), f"{month:02d}", f"{int(day):02d}" if day else None)
    return None


def _build(year: str, month: str | None, day: str | None) -> PartialDate | None:
    iso = year + (f"-{month}" if month else "") + (f"-{day}" if month and day else "")
    try:
        return PartialDate.parse(iso)
    except ValueError:
        return None
