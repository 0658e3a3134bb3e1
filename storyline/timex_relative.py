"""Resolvers for clock times, relative units, offsets, durations, sets and reference words.

The calendar resolvers (dates, months, quarters, weekdays) live in ``storyline.timex_resolve``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from . import timex_values as tv
from .timex_resolve import (
    _NO_REFERENCE,
    Context,
    Resolved,
    _word,
    is_future,
    resolve_month_day_parts,
    weekday_value,
)

# The date a clock time hangs on when it names none itself; filled in after all dates are known.
PENDING_DATE = "@"


def _clock_date(m: re.Match[str], ctx: Context) -> str:
    words = _word(m, "date")
    if not words:
        return PENDING_DATE
    if words in ("today", "yesterday", "tomorrow"):
        if ctx.reference is None:
            return "XXXX-XX-XX"
        offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[words]
        return (ctx.reference + dt.timedelta(days=offset)).isoformat()
    found = re.search(r"(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})", words)
    if found:
        year = re.search(r"\d{4}", words[found.end() :])
        month, day = tv.month_number(found.group(1)), int(found.group(2))
        if year:
            try:
                return dt.date(int(year.group(0)), month, day).isoformat()
            except ValueError:
                return PENDING_DATE
        date = resolve_month_day_parts(ctx, month, day, m)
        return date.isoformat() if date else PENDING_DATE
    parts = words.split()
    rel = parts[0] if len(parts) > 1 else ""
    return weekday_value(ctx, tv.weekday_number(parts[-1]), rel, m.start(), m.end())


def resolve_clock(m: re.Match[str], ctx: Context) -> Resolved:
    named = _word(m, "named")
    if named:
        hour, minute = (24, 0) if named == "midnight" else (12, 0)
    else:
        if m.group("h") is not None:
            hour, minute, meridiem = int(m.group("h")), int(m.group("m") or 0), m.group("ap")
        elif m.group("h24") is not None:
            hour, minute, meridiem = int(m.group("h24")), int(m.group("m24")), None
            if hour > 23:
                return None
        else:
            hour, minute, meridiem = int(m.group("hw")), 0, None
        pod = _word(m, "pod")
        if (
            meridiem is None
            and pod
            and ("evening" in pod or "afternoon" in pod or "night" in pod)
            and hour < 12
        ):
            meridiem = "pm"
        clock = tv.time_of_day(hour, minute, meridiem)
        if clock is None:
            return None
        hour, minute = clock
    return ("TIME", f"{_clock_date(m, ctx)}T{hour:02d}:{minute:02d}")


def resolve_part_of_day(m: re.Match[str], ctx: Context) -> Resolved:
    if m.group("alone"):
        offset, code = 0, "NI"
    else:
        pre, post = _word(m, "pre"), _word(m, "post")
        code = tv.PARTS_OF_DAY[_word(m, "pod")]
        words = f"{pre} {post}"
        if "yesterday" in words or (pre.endswith("last") and code == "NI"):
            offset = -1
        elif "tomorrow" in words or "next" in words or "following" in words:
            offset = 1
        elif pre.endswith("last"):
            return None
        else:
            offset = 0
    if ctx.reference is None:
        return ("TIME", f"XXXX-XX-XXT{code}")
    return ("TIME", f"{(ctx.reference + dt.timedelta(days=offset)).isoformat()}T{code}")


_REL_STEP = {
    "this": 0, "the current": 0, "the same": 0, "that": 0, "the": 0, "its": 0,
    "last": -1, "the past": -1, "the last": -1, "the previous": -1, "this past": -1,
    "next": 1, "the next": 1, "the coming": 1, "the following": 1,
    "the latest": -1, "the full": 0, "the entire": 0, "the whole": 0,
}  # fmt: skip
_ANCHORED = {"that", "the same", "the following", "the previous"}


def _unit_value(day: dt.date, unit: str, step: int) -> str:
    if unit == "weekend":
        # "the weekend" in a report from Monday to Thursday is the one just past.
        start = day if day.isoweekday() >= 5 or step else day - dt.timedelta(weeks=1)
        return tv.shift(start, "weekend", step)
    return tv.shift(day, unit, step)


def resolve_relative_unit(m: re.Match[str], ctx: Context) -> Resolved:
    if m.group("ye"):
        if ctx.reference is None:
            return None
        if "-" in m.group("ye"):
            # "year-end" is the last day of the year: the one past after "since", else the coming one.
            since = re.search(r"\bsince\s+$", ctx.text[max(0, m.start() - 8) : m.start()], re.IGNORECASE)
            return ("DATE", f"{ctx.reference.year - (1 if since else 0)}-12-31")
        return ("DATE", str(ctx.reference.year))
    if m.group("dayrel") or m.group("dayrel2"):
        # "earlier that day", "that same day": the day last named, or the reference in "later in the day".
        day = ctx.last_date if "that" in m.group(0).lower() or "same" in m.group(0).lower() else ctx.reference
        day = day or ctx.reference
        return ("DATE", day.isoformat()) if day else None
    rel, unit = _word(m, "rel"), _word(m, "unit")
    step = _REL_STEP[rel]
    if m.group("unit")[0].isupper():
        return None  # a title such as "This Week"
    before = ctx.text[max(0, m.start() - 12) : m.start()]
    if (
        rel == "the"
        and unit == "year"
        and re.search(r"\b(?:for|in|during|over|throughout)\s+$", before, re.I)
    ):
        return ("DURATION", "P1Y")  # "net income for the year": the span of a (fiscal) year
    if (
        rel in ("the", "its", "that")
        and unit in ("decade", "century")
        or rel == "its"
        and not m.group("fiscal")
    ):
        return None
    if rel == "the past" and unit in ("decade", "century"):
        return ("DURATION", "P10Y" if unit == "decade" else "P100Y")  # the hundred years up to now
    anchor = ctx.reference
    if rel in _ANCHORED and ctx.last_value is not None:
        anchor = _anchor_day(ctx, unit) or anchor
    if anchor is None:
        return ("DATE", _NO_REFERENCE[step])
    if rel == "the" and unit == "week":
        return ("DATE", f"{anchor.year}-WXX")
    if (
        rel == "the"
        and unit == "weekend"
        and re.search(
            r"\b(?:ahead\s+of|before|until|till)\s+$", ctx.text[max(0, m.start() - 12) : m.start()], re.I
        )
    ):
        return ("DATE", tv.shift(anchor + dt.timedelta(days=(6 - anchor.isoweekday()) % 7), "weekend", 0))
    return ("DATE", _unit_value(anchor, unit, step))


def _anchor_day(ctx: Context, unit: str) -> dt.date | None:
    value = ctx.last_value or ""
    if unit in ("day", "week", "weekend") and ctx.last_date is not None:
        return ctx.last_date
    found = re.match(r"(\d{4})(?:-(\d\d))?", value)
    if not found:
        return None
    if unit == "month" and not found.group(2):
        return None
    return dt.date(int(found.group(1)), int(found.group(2) or 1), 1)


_UNIT_NAME = re.compile(r"centur|decade|year|quarter|month|weekend|week|day|night|hour|minute|second")


def _unit(word: str) -> str:
    found = _UNIT_NAME.search(word.lower())
    name = found.group(0) if found else "day"
    return {"centur": "century", "night": "day"}.get(name, name)


def resolve_offset(m: re.Match[str], ctx: Context) -> Resolved:
    amount = tv.parse_number(m.group("n"))
    unit = _unit(m.group("unit"))
    direction = _word(m, "dir")
    sign = -1 if direction in ("ago", "earlier", "before", "back") else 1
    if unit in ("hour", "minute", "second"):
        return ("DURATION", tv.duration(amount, unit))
    if amount is None:
        if direction in ("before", "after", "earlier", "later"):
            return (
                "DURATION",
                tv.duration(None, unit),
            )  # "several months before he entered": no calendar anchor
        return ("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF")
    count = int(amount)
    if unit == "decade":
        unit, count = "year", count * 10
    elif unit == "century":
        unit, count = "year", count * 100
    # "A year earlier" in an earnings report compares with the quarter just named.
    if unit == "year" and ctx.quarter_is_latest and ctx.last_quarter and direction != "later":
        return ("DATE", tv.shift_year(ctx.last_quarter, sign * count))
    anchor = ctx.reference
    if direction in ("earlier", "before", "later", "after") and ctx.last_date is not None:
        anchor = ctx.last_date
    if anchor is None:
        return ("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF")
    if unit == "weekend":
        unit = "week"
    return ("DATE", tv.shift(anchor, unit, sign * count))


def resolve_year_ago_adj(m: re.Match[str], ctx: Context) -> Resolved:
    if ctx.last_quarter and ctx.quarter_is_latest:
        return ("DATE", tv.shift_year(ctx.last_quarter, -1))
    if ctx.reference is None:
        return ("DATE", "PAST_REF")
    return ("DATE", str(ctx.reference.year - 1))


def resolve_duration(m: re.Match[str], ctx: Context) -> Resolved:
    unit = _unit(m.group("unit"))
    if m.group("unit").lower().startswith("night"):
        unit = "day"
    amount = tv.parse_number(m.group("n"))
    if m.group(0).lower() == "one day" and re.search(
        r"\b(?:will|would|could|may|might|can|shall)\s+$", ctx.text[max(0, m.start() - 8) : m.start()]
    ):
        return ("DATE", "FUTURE_REF")  # "Islam will one day be the second religion": some day, not 24 hours
    if unit == "quarter":
        return ("DURATION", f"P{int(amount)}Q" if amount else "PXQ")
    if unit == "weekend" and amount is None:
        return ("DURATION", "PXWE")
    return ("DURATION", tv.duration(amount, unit))


def resolve_vague_duration(m: re.Match[str], ctx: Context) -> Resolved:
    pre = _word(m, "pre")
    unit = _unit(m.group("unit"))
    if pre == "recent" and unit == "year":
        return ("DATE", "PAST_REF")
    return ("DURATION", tv.duration(None, unit))


_ADVERB_SETS = {
    "daily": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y", "annually": "P1Y",
    "hourly": "PT1H", "quarterly": "P3M", "nightly": "P1D", "biweekly": "P2W", "fortnightly": "P2W",
}  # fmt: skip


def resolve_set(m: re.Match[str], ctx: Context) -> Resolved:
    if m.group("adv"):
        return ("SET", _ADVERB_SETS[_word(m, "adv")])
    if m.group("wds"):
        return ("SET", f"XXXX-WXX-{tv.weekday_number(m.group('wds'))}")
    word = _word(m, "unit")
    if word[:3] in tv.WEEKDAYS and word.endswith("day") and len(word) > 4:
        return ("SET", f"XXXX-WXX-{tv.weekday_number(word)}")
    if word in tv.SEASONS:
        return ("SET", f"XXXX-{tv.SEASONS[word]}")
    if word[:3] in tv.MONTHS and len(word) > 3:
        return ("SET", f"XXXX-{tv.month_number(word):02d}")
    step = 2 if " other " in m.group(0).lower() else 1
    unit = _unit(word)
    if unit == "quarter":
        return ("SET", f"P{step}Q")
    return ("SET", tv.duration(step, unit))


def resolve_ref_word(m: re.Match[str], ctx: Context) -> Resolved:
    if m.group("present"):
        return ("DATE", "PRESENT_REF")
    if m.group("past"):
        return ("DATE", "PAST_REF")
    return ("DATE", "FUTURE_REF")


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def holiday_date(name: str, year: int) -> dt.date:
    """The date of a named holiday in a year (US conventions for the movable ones)."""
    name = " ".join(name.lower().replace("’", "'").split())
    fixed = {"christmas eve": (12, 24), "new year's eve": (12, 31), "new year's": (1, 1),
             "independence day": (7, 4), "veterans day": (11, 11), "valentine's day": (2, 14),
             "halloween": (10, 31), "boxing day": (12, 26), "christmas": (12, 25)}  # fmt: skip
    for key, (month, day) in fixed.items():
        if name.startswith(key):
            return dt.date(year, month, day)
    if name.startswith("thanksgiving"):
        return _nth_weekday(year, 11, 4, 4)
    if name.startswith("election"):
        return _nth_weekday(year, 11, 1, 1) + dt.timedelta(days=1)
    if name.startswith("labor"):
        return _nth_weekday(year, 9, 1, 1)
    if name.startswith("memorial"):
        return _nth_weekday(year, 5, 1, -1)
    return _easter(year)


def resolve_holiday(m: re.Match[str], ctx: Context) -> Resolved:
    name = m.group("name")
    week = name.lower().endswith("week")
    if m.group("y"):
        year = int(m.group("y"))
    elif ctx.reference is None:
        return None
    else:
        ref = ctx.reference
        this_year = holiday_date(name, ref.year)
        rel = _word(m, "rel")
        if rel == "last":
            year = ref.year if this_year < ref else ref.year - 1
        elif rel == "next":
            year = ref.year if this_year > ref else ref.year + 1
        elif rel == "this":
            year = ref.year
        else:
            future = is_future(ctx.text, m.start(), m.end())
            gap = (this_year - ref).days
            year = ref.year + (1 if future and gap < -31 else -1 if not future and gap > 183 else 0)
    date = holiday_date(name, year)
    return ("DATE", tv.format_week(date) if week else date.isoformat())


RESOLVERS_PART2: dict[str, Callable[[re.Match[str], Context], Resolved]] = {
    "clock": resolve_clock,
    "part_of_day": resolve_part_of_day,
    "relative_unit": resolve_relative_unit,
    "offset": resolve_offset,
    "year_ago_adj": resolve_year_ago_adj,
    "duration": resolve_duration,
    "vague_duration": resolve_vague_duration,
    "set": resolve_set,
    "ref_word": resolve_ref_word,
    "holiday": resolve_holiday,
}
