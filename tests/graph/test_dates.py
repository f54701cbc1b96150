"""Partial dates: parsing, ranges, ordering and printing."""

from __future__ import annotations

import re
from datetime import date

import pytest

from graph.dates import PartialDate, Precision, certainly_before


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2019", PartialDate(2019), Precision.YEAR),
        ("2019-01", PartialDate(2019, 1), Precision.MONTH),
        ("2019-01-31", PartialDate(2019, 1, 31), Precision.DAY),
        ("2024-02-29", PartialDate(2024, 2, 29), Precision.DAY),
        ("  2019-06 ", PartialDate(2019, 6), Precision.MONTH),
    ],
    ids=["year", "month", "day", "leap-day", "surrounding-spaces"],
)
def test_parse(text: str, expected: PartialDate, precision: Precision) -> None:
    parsed = PartialDate.parse(text)
    assert parsed == expected
    assert parsed.precision is precision


@pytest.mark.parametrize(
    "text",
    ["19", "2019-1", "2019-01-1", "2019/01/02", "01-02-2019", "Jan 2019", "", "2019-01-02T10:00"],
    ids=[
        "two-digit-year",
        "one-digit-month",
        "one-digit-day",
        "slashes",
        "day-first",
        "words",
        "empty",
        "time",
    ],
)
def test_parse_rejects_other_forms(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"):
        PartialDate.parse(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "'2023-02-30' is not a real day: that month has 28 days"),
        ("2023-02-29", "'2023-02-29' is not a real day: that month has 28 days"),
        ("2023-04-31", "'2023-04-31' is not a real day: that month has 30 days"),
        ("2024-02-30", "'2024-02-30' is not a real day: that month has 29 days"),
        ("2023-01-00", "'2023-01-00' is not a real day: that month has 31 days"),
        ("2023-13", "'2023-13' has no month 13"),
        ("2023-00", "'2023-00' has no month 0"),
        ("2023-13-01", "'2023-13-01' has no month 13"),
    ],
    ids=[
        "feb-30",
        "feb-29-common-year",
        "apr-31",
        "feb-30-leap-year",
        "day-zero",
        "month-13",
        "month-zero",
        "month-13-with-day",
    ],
)
def test_parse_rejects_impossible_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        PartialDate.parse(text)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("2019-02", date(2019, 2, 1), date(2019, 2, 28)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2019-04", date(2019, 4, 1), date(2019, 4, 30)),
        ("2019-12", date(2019, 12, 1), date(2019, 12, 31)),
        ("2019-08-16", date(2019, 8, 16), date(2019, 8, 16)),
    ],
    ids=["year", "february", "leap-february", "thirty-days", "december", "day"],
)
def test_earliest_and_latest(text: str, earliest: date, latest: date) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.earliest, parsed.latest) == (earliest, latest)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("2020", "2021-01", True),
        ("2020-12-31", "2021", True),
        ("2020-07", "2020-08-01", True),
        ("2020-08", "2020-08-27", False),
        ("2020-08-27", "2020-08", False),
        ("2020", "2020-06", False),
        ("2020-08-27", "2020-08-27", False),
        ("2021", "2020", False),
    ],
    ids=[
        "year-then-month",
        "day-then-year",
        "month-then-next-day",
        "month-holds-day",
        "day-inside-month",
        "year-holds-month",
        "same-day",
        "later-year",
    ],
)
def test_certainly_before(first: str, second: str, expected: bool) -> None:
    assert certainly_before(PartialDate.parse(first), PartialDate.parse(second)) is expected


@pytest.mark.parametrize(
    "text", ["2019", "2019-01", "2019-01-02", "0999-11-30"], ids=["year", "month", "day", "padded"]
)
def test_str_round_trip(text: str) -> None:
    assert str(PartialDate.parse(text)) == text


def test_of_a_day() -> None:
    day = PartialDate.of(date(2017, 8, 16))
    assert day == PartialDate(2017, 8, 16)
    assert day.precision is Precision.DAY
    assert str(day) == "2017-08-16"


def test_same_precision_ordering() -> None:
    ordered = sorted(PartialDate.parse(t) for t in ("2020-03", "2019-12", "2020-01"))
    assert [str(d) for d in ordered] == ["2019-12", "2020-01", "2020-03"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2019-01-01", "2019-01"),
        ("2019-01", "2019"),
        ("2019-01", "2019-01-15"),
        ("2018-12-31", "2019"),
        ("2019", "2019-02"),
    ],
    ids=["day-then-its-month", "month-then-its-year", "month-then-later-day",
         "day-then-next-year", "year-then-later-month"],
)  # fmt: skip
def test_mixed_precision_ordering_by_earliest_then_latest_day(first: str, second: str) -> None:
    a, b = PartialDate.parse(first), PartialDate.parse(second)
    assert (a < b, a <= b, a > b, a >= b) == (True, True, False, False)
    assert (b > a, b >= a) == (True, True)
    assert a != b


def test_sorting_mixed_precisions() -> None:
    texts = ["2019", "2019-01-15", "2019-01", "2018-12-31", "2019-01-01"]
    ordered = sorted(PartialDate.parse(t) for t in texts)
    assert [str(d) for d in ordered] == [
        "2018-12-31",
        "2019-01-01",
        "2019-01",
        "2019",
        "2019-01-15",
    ]
    assert max(PartialDate.parse(t) for t in texts) == PartialDate(2019, 1, 15)


def test_year_zero_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"^'0000' has no year 0$"):
        PartialDate.parse("0000")


@pytest.mark.parametrize(
    "text",
    ["\uff12\uff10\uff11\uff19", "\u0662\u0660\u0661\u0669-\u0660\u0661", "2019-0\u0661"],
    ids=["fullwidth", "arabic-indic", "mixed"],
)
def test_only_ascii_digits(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"):
        PartialDate.parse(text)


def test_comparison_with_another_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="not supported between instances"):
        _ = PartialDate(2019) < date(2019, 1, 1)
