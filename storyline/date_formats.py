"""Explicit calendar dates written in news text: the formats our sources show, found by rule.

Reads a string; yields ``FoundDate`` (span, year or None, month, day). No dateparser here: these
rules run on every article, dateparser only on odd metadata strings (see ``dates.py``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from .model import Span

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = "mon|monday|tue|tues|tuesday|wed|weds|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday"

# Longest names first so that "September" is not read as "Sep" + "tember".
MONTH_RE = "(?i:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WEEKDAY = rf"(?:(?:{WEEKDAYS})\.?,?\s+)?"

# "Thu Feb 20 2025", "Feb 20, 2025", "April 1 , 1997" (TempEval silver spacing), "Feb 20"
_MDY = rf"{_WEEKDAY}(?P<mdy_m>{MONTH_RE})\s+(?P<mdy_d>{_DAY})\b(?:\s*,?\s*(?P<mdy_y>{_YEAR})\b)?"
# "20 February 2025", "Thursday, 20 Feb. 2025", "20 February"
_DMY = rf"{_WEEKDAY}(?P<dmy_d>{_DAY})\s+(?:of\s+)?(?P<dmy_m>{MONTH_RE})(?:\s*,?\s*(?P<dmy_y>{_YEAR})\b)?"
# "2025-02-20", "2025/02/20"
_ISO = rf"(?P<iso_y>{_YEAR})(?P<iso_sep>[-/.])(?P<iso_m>1[0-2]|0?[1-9])(?P=iso_sep)(?P<iso_d>3[01]|[12]\d|0?[1-9])\b"
# "18.12.2025", "18-12-2025", "12/18/2025"
_NUM = rf"(?P<num_a>\d{{1,2}})(?P<num_sep>[./-])(?P<num_b>\d{{1,2}})(?P=num_sep)(?P<num_y>{_YEAR})\b"

DATE_RE = re.compile(rf"(?<![\w.])(?:{_ISO}|{_NUM}|{_MDY}|{_DMY})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A calendar date written in the text; ``year`` is None when the text gives none."""

    span: Span
    year: int | None
    month: int
    day: int
    fmt: str  # iso | numeric | mdy | dmy

    def iso(self, year: int | None = None) -> str:
        return f"{year or self.year:04d}-{self.month:02d}-{self.day:02d}"


def month_number(name: str) -> int:
    """1..12 for a month name or abbreviation ("Sept.", "APRIL")."""
    return MONTHS[name.rstrip(".").lower()]


def is_valid(year: int | None, month: int, day: int) -> bool:
    """True when the day exists (29 February only in leap years; 2000 stands in when no year)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= calendar.monthrange(year or 2000, month)[1]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())  # type: ignore[union-attr]


def _read(match: re.Match[str], offset: int) -> FoundDate | None:
    g = match.groupdict()
    span = Span(offset + match.start(), offset + match.end())
    year: int | None
    if g["iso_y"]:
        year, month, day, fmt = int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]), "iso"
    elif g["num_y"]:
        a, b, year, fmt = int(g["num_a"]), int(g["num_b"]), int(g["num_y"]), "numeric"
        # Dots and dashes are day-first in every source we have (Anadolu "18.12.2025"); slashes are
        # read month-first (US) unless the first number cannot be a month.
        if g["num_sep"] in ".-" or a > 12:
            day, month = a, b
        else:
            month, day = a, b
    elif g["mdy_m"]:
        year = int(g["mdy_y"]) if g["mdy_y"] else None
        month, day, fmt = month_number(g["mdy_m"]), _day(g["mdy_d"]), "mdy"
    else:
        year = int(g["dmy_y"]) if g["dmy_y"] else None
        month, day, fmt = month_number(g["dmy_m"]), _day(g["dmy_d"]), "dmy"
    if not is_valid(year, month, day):
        return None
    return FoundDate(span, year, month, day, fmt)


def find_dates(text: str, *, start: int = 0, end: int | None = None) -> list[FoundDate]:
    """Every explicit date in ``text[start:end]``, with spans into ``text``."""
    window = text[start:end]
    found = []
    for match in DATE_RE.finditer(window):
        date = _read(match, start)
        if date is not None:
            found.append(date)
    return found
