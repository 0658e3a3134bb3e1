"""TIMEX3 values: number words, calendar arithmetic and the ISO/TimeML forms of dates and durations.

Pure functions used by ``storyline.timex`` to turn matched expressions into TimeML values.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
    "tonight": "NI", "midday": "MI", "noon": "MI",
}  # fmt: skip

UNITS = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
    "weekend": "WE", "month": "M", "quarter": "Q", "year": "Y", "decade": "E", "century": "C",
}  # fmt: skip
TIME_UNITS = {"second", "minute", "hour"}

ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1, "single": 1, "couple": 2, "dozen": 12,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "last": -1, "final": -1,
}  # fmt: skip
VAGUE = {"few", "several", "some", "many", "numerous", "various", "recent", "coming", "past"}

_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(st|nd|rd|th)$")


def parse_number(words: str) -> float | None:
    """The number a numeral or English number phrase stands for ("2 1/2", "twenty-four", "a")."""
    text = words.lower().replace(",", "").replace("-", " ").strip()
    text = re.sub(r"\s+", " ", text)
    if not text:
        return None
    half = 0.0
    for tail in (" and a half", " and one half", " 1/2", "½"):
        if text.endswith(tail):
            half, text = 0.5, text[: -len(tail)].strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text) + half
    total, current = 0, 0
    tokens = text.split()
    if len(tokens) > 1 and tokens[0] in ("a", "an"):
        tokens = tokens[1:]  # "a couple of", "a dozen", "a hundred"
    for word in tokens:
        word = _ORDINAL_SUFFIX.sub("", word)
        if word in ("of", "and"):
            continue
        if word.isdigit():
            current += int(word)
        elif word in ONES:
            current += ONES[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    return float(total + current) + half


def parse_ordinal(word: str) -> int | None:
    """1 for "first"/"1st", -1 for "last"; None when the word is no ordinal."""
    word = word.lower().strip()
    if word in ORDINALS:
        return ORDINALS[word]
    digits = _ORDINAL_SUFFIX.sub("", word)
    return int(digits) if digits.isdigit() else None


def month_number(name: str) -> int:
    return MONTHS[name.lower()[:3]]


def weekday_number(name: str) -> int:
    return WEEKDAYS[name.lower()[:3]]


def parse_year(text: str) -> int | None:
    """A year from "1998", "'98", "nineteen ninety-eight" or "two thousand"."""
    text = text.strip().lower()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if re.fullmatch(r"['’]\d\d", text):
        short = int(text[1:])
        return 1900 + short if short > 30 else 2000 + short
    words = text.replace("-", " ").split()
    if len(words) >= 2 and words[0] in ONES and words[0] not in ("a", "an") and words[0] != "two":
        century = parse_number(words[0])
        rest = parse_number(" ".join(words[1:]))
        if century and rest is not None and century >= 10:
            return int(century * 100 + rest)
    number = parse_number(text)
    return int(number) if number and 1000 <= number <= 2100 else None


def format_date(day: dt.date) -> str:
    return day.isoformat()


def format_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def format_month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def shift(day: dt.date, unit: str, count: int) -> str:
    """The value ``count`` units away from ``day``, at the granularity of the unit."""
    if unit == "day":
        return format_date(day + dt.timedelta(days=count))
    if unit in ("week", "weekend"):
        week = format_week(day + dt.timedelta(weeks=count))
        return week + "-WE" if unit == "weekend" else week
    if unit == "month":
        moved = add_months(day, count)
        return format_month(moved.year, moved.month)
    if unit == "quarter":
        index = day.year * 4 + quarter_of(day) - 1 + count
        return f"{index // 4}-Q{index % 4 + 1}"
    if unit == "year":
        return f"{day.year + count:04d}"
    if unit == "decade":
        return f"{(day.year // 10 + count):03d}"
    if unit == "century":
        return f"{(day.year // 100 + count):02d}"
    raise ValueError(f"no calendar unit {unit!r}")


def shift_year(value: str, years: int) -> str:
    """The same calendar value ``years`` away ("1989-Q3" -> "1988-Q3"); other values unchanged."""
    match = re.match(r"(\d{4})(.*)", value)
    if not match:
        return value
    year = int(match.group(1)) + years
    rest = match.group(2)
    if re.fullmatch(r"-\d\d-\d\d", rest):
        month, day = int(rest[1:3]), int(rest[4:6])
        if month == 2 and day == 29:
            day = 28
        return dt.date(year, month, day).isoformat()
    return f"{year:04d}{rest}"


def weekday_date(reference: dt.date, weekday: int, *, direction: int) -> dt.date:
    """The date of a weekday near ``reference``: -1 the latest on or before, +1 the next on or after."""
    delta = weekday - reference.isoweekday()
    if direction < 0:
        return reference + dt.timedelta(days=delta if delta <= 0 else delta - 7)
    return reference + dt.timedelta(days=delta if delta >= 0 else delta + 7)


def nearest_year(reference: dt.date, month: int, day: int | None, *, lean: int = 0) -> int:
    """The year that puts month (and day) nearest the reference: lean -1 past, 1 future, 0 unknown."""
    best, best_cost = reference.year, 0.0
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidate = dt.date(year, month, day or 15)
        except ValueError:
            candidate = dt.date(year, month, 28)
        gap = (candidate - reference).days
        # News speaks of the past more than of the future (TimeBank: about 5 to 2); a tense cue weighs
        # more, but a date a few weeks ahead stays ahead even in a past-tense clause ("extended to Nov. 16").
        if gap > 0:
            cost = gap * (3.0 if lean < 0 else 1.0 if lean > 0 else 1.5)
        else:
            cost = -gap * (3.0 if lean > 0 else 1.0)
        if year == reference.year - 1 or cost < best_cost:
            best, best_cost = year, cost
    return best


def duration(amount: float | None, unit: str) -> str:
    """A TimeML duration: P3Y, PT16H, P2Y6M, PXD (unknown amount)."""
    unit = unit.lower().rstrip("s") if unit.lower() != "centuries" else "century"
    time = "T" if unit in TIME_UNITS else ""
    if unit == "decade" and amount is not None:
        amount, unit = amount * 10, "year"
    if unit == "century" and amount is not None:
        amount, unit = amount * 100, "year"
    if unit == "weekend":
        unit = "day" if amount is None else unit
        if amount is not None:
            amount, unit = amount * 2, "day"
    symbol = UNITS[unit]
    if amount is None:
        return f"P{time}X{symbol}"
    whole = int(amount)
    fraction = amount - whole
    value = f"P{time}{whole}{symbol}"
    if fraction:
        smaller = {"year": (12, "M", ""), "month": (30, "D", ""), "week": (7, "D", ""),
                   "day": (24, "H", "T"), "hour": (60, "M", ""), "minute": (60, "S", "")}  # fmt: skip
        if unit in smaller:
            factor, sub, sep = smaller[unit]
            part = round(fraction * factor)
            value = f"P{time}{whole}{symbol}{sep}{part}{sub}" if whole else f"P{time}{sep}{part}{sub}"
    return value


def time_of_day(hour: int, minute: int | None, meridiem: str | None) -> tuple[int, int] | None:
    """24-hour clock from "3", "10:35" and "a.m."/"p.m." (None when out of range)."""
    meridiem = (meridiem or "").lower().replace(".", "").replace(" ", "")
    if meridiem.startswith("p") and hour < 12:
        hour += 12
    elif meridiem.startswith("a") and hour == 12:
        hour = 0
    if not (0 <= hour <= 24 and 0 <= (minute or 0) < 60):
        return None
    return hour, minute or 0


_VALUE = re.compile(
    r"(PRESENT_REF|PAST_REF|FUTURE_REF)"
    r"|P(T?)(\d+(\.\d+)?|X)[A-Z]+(\d+[A-Z])*(T\d+[A-Z])?"
    r"|[\dX]{2,4}(-([\dX]{2}|Q[\dX]|H[12X]|W[\dX]{2}(-\d|-WE)?|SP|SU|FA|WI)(-[\dX]{2})?)?"
    r"(T(\d\d(:\d\d)?|MO|AF|EV|NI|MI))?"
)


def is_well_formed(value: str) -> bool:
    """Whether a string has the shape of a TIMEX3 value this module produces."""
    return bool(_VALUE.fullmatch(value))
