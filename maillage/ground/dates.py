"""Dates of the contract: how a user writes one, today's default, and when a tie is active."""

from __future__ import annotations

import datetime as dt
from typing import Final


class BadDate(ValueError):
    """Text that is not a date a user may give (``YYYY-MM-DD`` or ``YYYY``)."""


def parse_day(text: str, *, year_end: bool = True) -> dt.date:
    """A date from ``YYYY-MM-DD``, or ``YYYY`` (its last day; its first with ``year_end=False``).

    The same rule for ``--as-of``, ``--from``/``--to``, the explorer's date and the URL.

    >>> parse_day("2024-03-01"), parse_day("2024"), parse_day("2024", year_end=False)
    (datetime.date(2024, 3, 1), datetime.date(2024, 12, 31), datetime.date(2024, 1, 1))
    >>> parse_day("01/03/2024")
    Traceback (most recent call last):
    maillage.ground.dates.BadDate: '01/03/2024' is not a date (YYYY-MM-DD or YYYY)
    """
    cleaned = text.strip()
    try:
        if len(cleaned) == 4 and cleaned.isdigit():
            return dt.date(int(cleaned), 12, 31) if year_end else dt.date(int(cleaned), 1, 1)
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        raise BadDate(f"{text!r} is not a date (YYYY-MM-DD or YYYY)") from None


def today() -> dt.date:
    """The default date of every view, in the CLI and in the explorer."""
    return dt.date.today()


#: The one rule of a tie's dates, as a condition the stores' query languages fill in
#: (``{since}``, ``{until}``: the tie's columns; ``{day}``: the date asked, an ISO text).
#: ISO dates compare as text; a missing ``since`` means "always was", a missing ``until``
#: "ongoing"; both ends are inclusive. :func:`is_active` is the same rule in Python.
ACTIVE_CONDITION: Final = (
    "(({since} IS NULL OR {since} <= {day}) AND ({until} IS NULL OR {until} >= {day}))"
)


def is_active(since: str | None, until: str | None, day: str) -> bool:
    """Whether a tie with these ``since``/``until`` (ISO texts or None) spans ``day``.

    >>> is_active("2010-01-01", "2019-12-31", "2019-12-31"), is_active(None, None, "1900-01-01")
    (True, True)
    >>> is_active("2021-05-01", None, "2020-06-01")
    False
    """
    return (since is None or since <= day) and (until is None or until >= day)
