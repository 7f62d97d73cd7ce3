"""Crawl dates in one form, ``YYYY-MM-DDTHH:MM:SSZ`` (UTC), from whatever an archive wrote.

URL dedup keeps the latest (or earliest) crawl of a URL by comparing these
strings, so every reader normalizes to the same sortable form. Archives write
WARC ISO dates (with or without fractions and offsets), ARC 14-digit
timestamps, HTTP dates, epoch seconds, and ClueWeb09's broken
``2008-10-294T05:21:46-0700`` (a day-of-year where the day belongs).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2,3})"  # a 3-digit day is ClueWeb's day-of-year
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?$")


def format_utc(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_date(value: object) -> str | None:
    """The UTC ISO form of ``value``, or None when it is no recognizable date."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    text = str(value).strip()
    if not text:
        return None
    return _from_iso(text) or _from_digits(text) or _from_http(text)


def _from_epoch(seconds: float) -> str | None:
    if seconds > 1e11:  # milliseconds, as JSON exports often write
        seconds /= 1000.0
    try:
        return format_utc(datetime.fromtimestamp(seconds, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        return None


def _from_iso(text: str) -> str | None:
    match = _ISO.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        if len(day) == 3:
            # Day-of-year: trust it only when it falls in the stated month.
            date = datetime(int(year), 1, 1) + timedelta(days=int(day) - 1)
            if date.month != int(month):
                return None
        else:
            date = datetime(int(year), int(month), int(day))
        moment = date.replace(hour=int(hour or 0), minute=int(minute or 0), second=int(second or 0))
    except ValueError:
        return None
    if zone and zone.upper() != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return format_utc(moment)


def _from_digits(text: str) -> str | None:
    match = _DIGITS.match(text)
    if not match:
        return None
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        return format_utc(datetime(*parts))
    except ValueError:
        return None


def _from_http(text: str) -> str | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return format_utc(moment)
