"""Resolvers: one per pattern kind, each turning a match into a TIMEX3 (type, value) or None.

Relative expressions resolve against the reference date and the expressions met earlier in the
text (the anchor): "the quarter" is the quarter last spoken of, "a year earlier" shifts it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import timex_values as tv

Resolved = tuple[str, str] | None


@dataclass(slots=True)
class Context:
    """What resolution needs besides the match: the text, the reference date and the anchors."""

    text: str
    reference: dt.date | None
    last_date: dt.date | None = None  # the last day-level date mentioned
    last_quarter: str | None = None  # the last quarter mentioned ("1989-Q3")
    last_value: str | None = None  # the last calendar value of any granularity
    quarter_is_latest: bool = False  # whether a quarter was the latest calendar value

    def remember(self, value: str) -> None:
        """Record a resolved calendar value as the anchor for later relative expressions."""
        if re.fullmatch(r"\d{4}-Q[1-4]", value):
            # Only a quarter near the reference becomes "the quarter"; "the 1988 quarter" is a comparison.
            ref = self.reference
            index = int(value[:4]) * 4 + int(value[-1])
            if ref is not None and not 0 <= ref.year * 4 + tv.quarter_of(ref) - index <= 2:
                return
            self.last_quarter, self.quarter_is_latest = value, True
        elif re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", value):
            self.quarter_is_latest = False
            if len(value) == 10:
                self.last_date = dt.date.fromisoformat(value)
        else:
            return
        self.last_value = value


_SAID_BEFORE = re.compile(
    r"\b(?:said|says|told|reported|announced|confirmed|disclosed|added|stated|noted|predicted|died|was|were|"
    r"had|met|held|arrived|left|began|ended|closed|opened|launched|filed|signed|released|ruled|voted|killed)\b"
    r"[^,;]{0,12}$",
    re.IGNORECASE,
)
_FUTURE_BEFORE = re.compile(
    r"\b(?:will|won't|shall|going\s+to|plans?\s+to|planning\s+to|planned|scheduled|expects?\s+to|expected|"
    r"due\s+to|is\s+to|are\s+to|would|set\s+to|intends?\s+to|hopes?\s+to|upcoming|as\s+(?:soon|early)\s+as|"
    r"next|until|till|deadline|effective)\b|'ll\b",
    re.IGNORECASE,
)
_FUTURE_AFTER = re.compile(
    r"^,?(?!\s*(?:which|who|that)\b)(?:(?!\b(?:saying|said|says|that)\b)[^.;,]){0,50}?\b(?:will|is\s+scheduled|are\s+scheduled|is\s+expected|are\s+expected|plans?\s+to|"
    r"intends?\s+to|is\s+due|are\s+due)\b",
    re.I,
)
# "Until Thursday, they had not called him a suspect", "the service planned for Saturday was canceled".
_PAST_AFTER = re.compile(
    r"^,?\s+(?:was|were)\b|^[^.;]{0,30}?\b(?:had|hadn't)\s+(?:not\s+|never\s+)?\w+ed\b", re.I
)
_PAST_IN_CLAUSE = re.compile(r"\b(?:was|were|had|did|said|ago|last|\w{3,}ed)\b", re.IGNORECASE)


def tense(text: str, start: int, end: int) -> int:
    """The time the clause around ``[start, end)`` speaks of: 1 future, -1 past, 0 unknown (cheap cues)."""
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start), start - 160)
    before = text[left + 1 : start]
    if _SAID_BEFORE.search(before) and not _FUTURE_BEFORE.search(before[-25:]):
        return -1
    if re.search(r"\bhad\s+been\b", before[-60:]):
        return -1  # "had been due to expire Friday": a plan seen from after it
    after = text[end : end + 80]
    if _PAST_AFTER.search(after):
        return -1
    if _FUTURE_BEFORE.search(before[-110:]) or _FUTURE_AFTER.search(after):
        return 1
    right = text.find(".", end)
    clause = before[-110:] + " " + text[end : (right if 0 <= right < end + 110 else end + 110)]
    return -1 if _PAST_IN_CLAUSE.search(clause) else 0


def is_future(text: str, start: int, end: int) -> bool:
    """Whether the clause around ``[start, end)`` speaks of the future."""
    return tense(text, start, end) > 0


def _ref_or(ctx: Context, fallback: str) -> dt.date | str:
    return ctx.reference if ctx.reference is not None else fallback


def _word(m: re.Match[str], name: str) -> str:
    return " ".join((m.group(name) or "").lower().split())


def _day_number(token: str) -> int | None:
    token = token.lower().strip()
    number = tv.parse_ordinal(token.replace("twenty-", "").replace("thirty-", ""))
    if number is None or number < 0:
        return None
    if token.startswith("twenty-"):
        number += 20
    elif token.startswith("thirty-"):
        number += 30
    return number


def _relative_year(ctx: Context, rel: str) -> int | None:
    if ctx.reference is None:
        return None
    return ctx.reference.year + {"this": 0, "last": -1, "next": 1}[rel.split()[0]]


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_month_day(m: re.Match[str], ctx: Context) -> Resolved:
    month = tv.month_number(m.group("m1") or m.group("m2"))
    day = _day_number(m.group("d1") or m.group("d2"))
    if day is None or not 1 <= day <= 31:
        return None
    year: int | None = int(m.group("y")) if m.group("y") else None
    if year is None and m.group("yrel"):
        year = _relative_year(ctx, _word(m, "yrel").replace(" year", ""))
    if year is None and m.group("wd") and ctx.reference is not None:
        year = _year_of_weekday(ctx.reference, month, day, tv.weekday_number(m.group("wd")))
    if year is None:
        if ctx.reference is None:
            return ("DATE", f"XXXX-{month:02d}-{day:02d}")
        rel = _word(m, "rel")
        lean = -1 if rel in ("last", "this past") else 1 if rel else tense(ctx.text, m.start(), m.end())
        year = tv.nearest_year(ctx.reference, month, day, lean=lean)
    date = _date_or_none(year, month, day)
    return ("DATE", date.isoformat()) if date else None


def _year_of_weekday(reference: dt.date, month: int, day: int, weekday: int) -> int | None:
    """The year near the reference in which month/day falls on the weekday named with it."""
    fits = [
        y
        for y in (reference.year, reference.year - 1, reference.year + 1)
        if (d := _date_or_none(y, month, day)) is not None and d.isoweekday() == weekday
    ]
    return fits[0] if fits else None


def resolve_numeric_date(m: re.Match[str], ctx: Context) -> Resolved:
    if m.group("iy"):
        year, month, day = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    else:
        a, b, c = int(m.group("a")), int(m.group("b")), m.group("c")
        year = int(c) if len(c) == 4 else (2000 + int(c) if int(c) < 50 else 1900 + int(c))
        # Dotted dates are day-first (European); slashed ones month-first (US) unless that cannot be.
        day, month = (a, b) if m.group("sep") == "." or a > 12 else (b, a)
    date = _date_or_none(year, month, day)
    return ("DATE", date.isoformat()) if date and 1000 <= year <= 2100 else None


def _month_year(ctx: Context, month: int, rel: str, m: re.Match[str]) -> int | None:
    ref = ctx.reference
    if ref is None:
        return None
    if rel.endswith("last") or rel == "this past":
        # "crashed last February", said on March 1: the month just ended would be "last month".
        return ref.year if month < ref.month - 1 or (month == ref.month - 1 and ref.day > 7) else ref.year - 1
    if rel.endswith("next") or rel == "this coming":
        return ref.year if month > ref.month else ref.year + 1
    if rel == "this":
        return ref.year
    return tv.nearest_year(ref, month, None, lean=tense(ctx.text, m.start(), m.end()))


def resolve_month(m: re.Match[str], ctx: Context) -> Resolved:
    month = tv.month_number(m.group("m"))
    if m.group("y"):
        year = tv.parse_year(m.group("y"))
        return ("DATE", tv.format_month(year, month)) if year else None
    if m.group("yrel"):
        year = _relative_year(ctx, _word(m, "yrel"))
    else:
        year = _month_year(ctx, month, _word(m, "rel"), m)
    if year is None:
        return ("DATE", f"XXXX-{month:02d}")
    return ("DATE", tv.format_month(year, month))


def resolve_second_day(m: re.Match[str], ctx: Context) -> Resolved:
    month, day = tv.month_number(m.group("m")), int(re.sub(r"\D", "", m.group("d")))
    if m.group("y"):
        date = _date_or_none(int(m.group("y")), month, day)
    elif ctx.reference is None:
        return ("DATE", f"XXXX-{month:02d}-{day:02d}") if 1 <= day <= 31 else None
    else:
        date = resolve_month_day_parts(ctx, month, day, m)
    return ("DATE", date.isoformat()) if date else None


def resolve_week_of(m: re.Match[str], ctx: Context) -> Resolved:
    resolved = resolve_month_day_parts(ctx, tv.month_number(m.group("m")), _day_number(m.group("d")), m)
    return ("DATE", tv.format_week(resolved)) if resolved else None


def resolve_month_day_parts(ctx: Context, month: int, day: int | None, m: re.Match[str]) -> dt.date | None:
    if day is None or ctx.reference is None:
        return None
    year = tv.nearest_year(ctx.reference, month, day, lean=tense(ctx.text, m.start(), m.end()))
    return _date_or_none(year, month, day)


def resolve_year(m: re.Match[str], ctx: Context) -> Resolved:
    year = tv.parse_year(m.group("y"))
    if year is None or not 1000 <= year <= 2100:
        return None
    return ("DATE", f"{year:04d}")


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}  # fmt: skip


def resolve_decade(m: re.Match[str], ctx: Context) -> Resolved:
    if m.group("d"):
        decade = m.group("d")
    else:
        digit = int(m.group("short")) if m.group("short") else _DECADE_WORDS[_word(m, "word")]
        decade = f"19{digit}"
    # TimeBank writes "the 1990s" as 199 and a bare "1990s" as 199X.
    return ("DATE", decade if m.group("the") else decade + "X")


def resolve_century(m: re.Match[str], ctx: Context) -> Resolved:
    number = tv.parse_ordinal(m.group("n"))
    return ("DATE", f"{number - 1:02d}") if number and 0 < number <= 21 else None


def _quarter_year(m: re.Match[str], ctx: Context) -> int | None:
    for name in ("y", "y2", "y0"):
        if m.group(name):
            return int(m.group(name))
    rel = _word(m, "yrel") or _word(m, "yrel2")
    if "year-" in rel:
        base = (
            ctx.last_quarter[:4] if ctx.last_quarter else (str(ctx.reference.year) if ctx.reference else None)
        )
        return int(base) - 1 if base else None
    if rel:
        return _relative_year(ctx, rel.replace(" year's", "").replace(" year", ""))
    return None


def resolve_quarter(m: re.Match[str], ctx: Context) -> Resolved:
    if m.group("qn") or m.group("qn2"):
        year = m.group("qy") or m.group("qy2")
        number = m.group("qn") or m.group("qn2")
        base = year or (str(ctx.reference.year) if ctx.reference else "XXXX")
        return ("DATE", f"{base}-Q{number}")
    if m.group("hn"):
        return ("DATE", f"{m.group('hy')}-{m.group('hn').upper()}")
    if m.group("two"):  # "the first two quarters of 1990" is that year's first half
        return ("DATE", f"{m.group('twoy')}-H{1 if _word(m, 'two') == 'first' else 2}")
    unit = _word(m, "unit")
    ordinal = _word(m, "ord")
    number = tv.parse_ordinal(ordinal) or 0
    if number < 0:
        number = 4 if unit == "quarter" else 2
    if not 1 <= number <= (4 if unit == "quarter" else 2):
        return None
    year = _quarter_year(m, ctx)
    if year is None and ctx.reference is not None:
        year = ctx.reference.year
        current = tv.quarter_of(ctx.reference) if unit == "quarter" else (ctx.reference.month - 1) // 6 + 1
        # A quarter not yet begun is last year's unless the clause looks ahead.
        if number > current and not is_future(ctx.text, m.start(), m.end()):
            year -= 1
    letter = "Q" if unit == "quarter" else "H"
    value = f"{year if year is not None else 'XXXX'}-{letter}{number}"
    if m.group("fiscal") and letter == "Q" and year is not None:
        # A fiscal quarter can sit far from the calendar one; it is still "the quarter" that follows.
        ctx.last_quarter, ctx.quarter_is_latest = value, True
    return ("DATE", value)


def resolve_quarter_ref(m: re.Match[str], ctx: Context) -> Resolved:
    mod = _word(m, "mod")
    unit = _word(m, "unit")
    head = m.group(0).split()[0].lower()
    if unit == "period" and ctx.last_quarter is None:
        return None
    if ctx.reference is None and ctx.last_quarter is None:
        return None
    reference = ctx.reference or dt.date(int(ctx.last_quarter[:4]), 1, 1)  # type: ignore[index]
    if head in ("last", "next") and not mod:
        return ("DATE", tv.shift(reference, "quarter", -1 if head == "last" else 1))
    if mod in ("current",) or (head == "this" and not mod):
        return ("DATE", tv.shift(reference, "quarter", 0))
    if mod == "latest" and ctx.reference is not None:
        return ("DATE", tv.shift(reference, "quarter", -1))  # the last quarter reported on
    base = ctx.last_quarter or tv.shift(reference, "quarter", -1)
    if mod in ("previous", "past", "last"):
        return ("DATE", tv.shift(dt.date(int(base[:4]), (int(base[-1]) - 1) * 3 + 1, 1), "quarter", -1))
    if "year-" in mod or m.group("tail"):
        return ("DATE", tv.shift_year(base, -1))
    if m.group("y"):
        return ("DATE", f"{m.group('y')}{base[4:]}")
    return ("DATE", base)


_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def resolve_season(m: re.Match[str], ctx: Context) -> Resolved:
    code = tv.SEASONS[_word(m, "s")]
    if m.group("y"):
        year = tv.parse_year(m.group("y"))
        return ("DATE", f"{year}-{code}") if year else None
    ref = ctx.reference
    if ref is None:
        return ("DATE", f"XXXX-{code}")
    rel = _word(m, "rel")
    start = _SEASON_START[code]
    if rel in ("last", "this past"):
        ended = start + 3 <= ref.month if code != "WI" else False
        year = ref.year if ended else ref.year - 1
    elif rel in ("next", "this coming"):
        year = ref.year if start > ref.month else ref.year + 1
    else:
        year = ref.year
    return ("DATE", f"{year}-{code}")


_DAY_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_NO_REFERENCE = {0: "PRESENT_REF", -1: "PAST_REF", 1: "FUTURE_REF"}


def resolve_day_word(m: re.Match[str], ctx: Context) -> Resolved:
    offset = _DAY_OFFSETS[_word(m, "w")]
    rel = _word(m, "rel")
    offset += -1 if rel == "before" else 1 if rel == "after" else 0
    if ctx.reference is None:
        return ("DATE", _NO_REFERENCE[max(-1, min(1, offset))])
    return ("DATE", (ctx.reference + dt.timedelta(days=offset)).isoformat())


def weekday_value(ctx: Context, weekday: int, rel: str, start: int, end: int) -> str:
    """The date a weekday name refers to, from its modifier and the tense of its clause."""
    ref = ctx.reference
    if ref is None:
        return f"XXXX-WXX-{weekday}"
    one = dt.timedelta(days=1)
    if rel in ("the previous", "the following") and ctx.last_date is not None:
        # "down 4.5% from the previous Friday": the week before the day last named, not before the reference.
        step = -1 if rel == "the previous" else 1
        return tv.weekday_date(ctx.last_date + step * one, weekday, direction=step).isoformat()
    if rel in ("last", "this past", "the previous"):
        return tv.weekday_date(ref - one, weekday, direction=-1).isoformat()
    if rel in ("next", "coming", "this coming", "the following"):
        return tv.weekday_date(ref + one, weekday, direction=1).isoformat()
    if rel == "past":
        return tv.weekday_date(ref, weekday, direction=-1).isoformat()
    if rel == "this" or is_future(ctx.text, start, end):
        return tv.weekday_date(ref, weekday, direction=1).isoformat()
    return tv.weekday_date(ref, weekday, direction=-1).isoformat()


def resolve_weekday(m: re.Match[str], ctx: Context) -> Resolved:
    weekday = tv.weekday_number(m.group("wd"))
    pod = _word(m, "pod")
    if m.group("plural") or m.group("podpl"):
        suffix = f"T{tv.PARTS_OF_DAY[pod]}" if pod else ""
        return ("SET", f"XXXX-WXX-{weekday}{suffix}")
    rel = _word(m, "rel").replace(" on", "")
    if not rel and m.group(0).lower().endswith("'s"):
        rel = "past"  # "Wednesday's ruling" reports what happened
    value = weekday_value(ctx, weekday, rel, m.start(), m.end())
    # TimeBank values "Friday evening" with its part of day but mostly "Friday night/morning" as the day.
    if pod == "evening":
        return ("TIME", f"{value}TEV")
    return ("DATE", value)


RESOLVERS_PART1: dict[str, Callable[[re.Match[str], Context], Resolved]] = {
    "month_day": resolve_month_day,
    "numeric_date": resolve_numeric_date,
    "month": resolve_month,
    "second_day": resolve_second_day,
    "week_of": resolve_week_of,
    "year": resolve_year,
    "decade": resolve_decade,
    "century": resolve_century,
    "quarter": resolve_quarter,
    "quarter_ref": resolve_quarter_ref,
    "season": resolve_season,
    "day_word": resolve_day_word,
    "weekday": resolve_weekday,
}
