"""Custom scalars, mapped onto the Python types that the graph stores.

`Date` is a day, written `YYYY-MM-DD` (RFC 3339's full-date). Where an argument's meaning
is clear for a coarser date, a month or a year is accepted too: `asOf: "2023-06"` is the
status at the end of June 2023, `until` the last day of the month, `since` and
`olderThan` its first day. `PartialDate` is a date at the precision its source gives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from graph.dates import PartialDate
from graph.errors import RegkgError

DATE_FORMAT: Final = "use YYYY-MM-DD, e.g. 2023-06-01"
_DATE: Final = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


class BadScalar(RegkgError, ValueError):
    """An argument in no form regkg reads; its message says which form to use. A regkg
    error, so that the message reaches the client unmasked."""


class BadDate(BadScalar):
    """A date argument in no form regkg reads."""


class Period(date):
    """A month or a year given where a day was asked for: it stands for its first day, and
    knows its last (`last_day`)."""

    last: date

    @classmethod
    def of(cls, partial: PartialDate) -> Period:
        first = partial.earliest
        period = cls(first.year, first.month, first.day)
        period.last = partial.latest
        return period


def last_day(day: date) -> date:
    """The last day a `Date` argument may stand for: itself, or a period's last day.

    >>> last_day(parse_date("2023-06")), last_day(parse_date("2023-06-05"))
    (datetime.date(2023, 6, 30), datetime.date(2023, 6, 5))
    """
    return day.last if isinstance(day, Period) else day


def parse_date(value: object) -> date:
    """A `Date` argument: `YYYY-MM-DD`, or a month or year as a `Period`.

    >>> parse_date("2023-6-1")
    Traceback (most recent call last):
    ...
    schema.scalars.BadDate: '2023-6-1' is not a date: use YYYY-MM-DD, e.g. 2023-06-01
    """
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise BadDate(f"{value!r} is not a date: {DATE_FORMAT}")
    try:
        partial = PartialDate.parse(value)
    except ValueError as exc:
        raise BadDate(f"{exc}: {DATE_FORMAT}") from None
    if partial.day is not None:
        return partial.earliest
    return Period.of(partial)


def _parse_partial_date(value: object) -> PartialDate:
    if not isinstance(value, str):
        raise ValueError("a PartialDate is a string: YYYY, YYYY-MM or YYYY-MM-DD")
    return PartialDate.parse(value)


# A web address, as the sources give it.
Url = NewType("Url", str)


def _parse_url(value: object) -> Url:
    if not isinstance(value, str) or not re.match(r"https?://[^\s]+$", value):
        raise BadScalar(f"{value!r} is not an http(s) URL")
    return Url(value)


def _parse_datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("a DateTime is a string: YYYY-MM-DDTHH:MM:SS+00:00")
    return datetime.fromisoformat(value)


SCALARS: Mapping[object, ScalarDefinition] = {
    Url: strawberry.scalar(
        name="URL",
        description="A web address (http or https), as its publisher gives it.",
        specified_by_url="https://url.spec.whatwg.org/",
        serialize=str,
        parse_value=_parse_url,
    ),
    datetime: strawberry.scalar(
        name="DateTime",
        description="A moment, in UTC: YYYY-MM-DDTHH:MM:SS+00:00.",
        specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
        serialize=lambda value: value.isoformat(timespec="seconds"),
        parse_value=_parse_datetime,
    ),
    date: strawberry.scalar(
        name="Date",
        description=(
            "A day, YYYY-MM-DD (e.g. 2023-06-01). As an argument, a month (YYYY-MM) or a "
            "year (YYYY) is accepted where its meaning is clear: `asOf` and `until` take "
            "its last day, `since` and `olderThan` its first."
        ),
        specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
        serialize=lambda value: value.isoformat(),
        parse_value=parse_date,
    ),
    PartialDate: strawberry.scalar(
        name="PartialDate",
        description=(
            "A date at the precision its source gives: YYYY, YYYY-MM or YYYY-MM-DD. "
            "A month-only date is never padded to the first of the month."
        ),
        specified_by_url="https://www.iso.org/iso-8601-date-and-time-format.html",
        serialize=str,
        parse_value=_parse_partial_date,
    ),
}
