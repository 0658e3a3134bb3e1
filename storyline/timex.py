"""Time expressions: finds dates, times, durations and sets in text and gives their TIMEX3 values.

Reads a text (and optionally its body spans) with the publication date; yields ``Timex`` spans.
The cascade: match every pattern kind, drop implausible matches, keep the longest non-overlapping
ones, resolve them in reading order (anchors carry over), then hang bare clock times on a date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from .model import Span, Timex
from .timex_patterns import COMPILED, KIND_TRIGGERS, RANK, WINDOW_AFTER, WINDOW_BEFORE, find_triggers
from .timex_relative import PENDING_DATE, RESOLVERS_PART2
from .timex_resolve import RESOLVERS_PART1, Context

__all__ = ["find_timexes"]

RESOLVERS = {**RESOLVERS_PART1, **RESOLVERS_PART2}

_PLURAL_NOUN_AFTER = re.compile(r"^\s+(?!(?:was|has|is|as|this|levels?|its|his|hers)\b)[a-z]+s\b")
_COUNT_NOUN_AFTER = re.compile(
    r"\s+(?:people|men|women|children|feet|foot|police|staff|personnel|cattle|head|more|or|to|and|out|of|"
    r"per|times|percent|miles?|tons?|kilometers?|meters?|yards?|pounds?)\b"
)
_AMOUNT_BEFORE = re.compile(
    r"\b(?:about|some|nearly|almost|over|than|only|roughly|around|approximately|just|least|most|additional|"
    r"another|total|employs?|employed|hire[sd]?|cut|cutting|killed|wounded)\s+$",
    re.IGNORECASE,
)
_YEAR_CONTEXT_BEFORE = re.compile(
    r"(?:\b(?:in|since|by|until|till|through|from|during|before|after|of|to|and|or|between|early|late|mid|"
    r"around|circa|for|the|year|fiscal|than|at|on|until|season|spring|summer|autumn|fall|winter|end)|[,(–-])\s*$",
    re.IGNORECASE,
)
_MONTH_CONTEXT_BEFORE = re.compile(
    r"\b(?:in|since|by|until|till|through|from|during|before|after|of|to|and|or|between|early|late|mid|last|"
    r"next|this|end|beginning|until|on|for|the)\s+$",
    re.IGNORECASE,
)
# "$1.76 a year", "four flights a week", "twice a day": a rate, so "a year" is a set, not a duration.
_MONEY_BEFORE = re.compile(
    r"(?:\d|million|billion|thousand|trillion|percent|%|cents?|dollars?|euros?|pounds?|times|once|twice)"
    r"(?:\s+[a-z]+){0,2}\s*$",
    re.IGNORECASE,
)


# "Sunday Times", "Saturday Night Live": a weekday naming a paper or a show is no date.
_TITLE_AFTER_WEEKDAY = re.compile(
    r"\s+(?-i:Times|Telegraph|Express|Mirror|Herald|Post|Star|Sport|Mail|School|Night\s+Live)\b"
)


def _plausible(kind: str, m: re.Match[str], text: str) -> bool:
    """Context checks a regular expression cannot make cheaply (guards against common false hits)."""
    before = text[max(0, m.start() - 30) : m.start()]
    after = text[m.end() : m.end() + 30]
    if kind == "year":
        if m.group("fiscal") or m.group("edge") or m.group(0)[:1].isalpha():
            return True
        if re.search(r"(?:No\.|#|\$)\s*$", before):
            return False
        if re.search(r"(?:\b(?:its|his|her|their|the|a|an|this|that|our|due|both)|'s)\s+$", before, re.I):
            return True
        if _PLURAL_NOUN_AFTER.match(after):
            return False
        if _YEAR_CONTEXT_BEFORE.search(before) or not re.match(r"\s+[a-z]", after):
            return True
        # "his unsuccessful 1996 campaign" is a year; "about 1500 people" and "1200 men" are counts.
        return not (_COUNT_NOUN_AFTER.match(after) or _AMOUNT_BEFORE.search(before))
    if kind == "month" and not (m.group("y") or m.group("rel") or m.group("edge") or m.group("yrel")):
        name = m.group("m")
        if len(name.rstrip(".")) <= 4 and not name.endswith(".") and name not in ("May", "June", "July"):
            return False  # "Jan" or "Mar" alone is a name or a word, not a month
        if name in ("May", "March") or name.endswith("."):
            return bool(_MONTH_CONTEXT_BEFORE.search(before))
        return True
    if kind == "set" and m.group("q") and m.group("q").lower() in ("a", "an") and not m.group("freq"):
        return bool(_MONEY_BEFORE.search(before))
    if kind == "ref_word":
        word = m.group(0).lower()
        if word == "now" and re.match(r",", after) and re.search(r"(?:^|[.!?\"'`]\s*|\n\s*)$", before):
            return False  # a sentence-opening "Now," is a discourse marker, not the present
        if word == "current":
            return not re.match(
                r"\s+(?:account|accounts|affairs|events|members?|owners?|holders?|law)\b", after
            )
        if word == "soon":
            return not (re.search(r"\bas\s+$", before) and re.match(r"\s+as\b", after))
        return True
    if kind == "season" and not (m.group("rel") or m.group("y")):
        word = m.group("s").lower()
        if m.group("the"):
            return not re.match(r"\s+of\b", after) or word not in ("fall", "spring")
        return bool(
            re.search(r"\b(?:in|during|by|until|through|over|since|this|every|each)\s+$", before, re.I)
        )
    if kind in ("duration", "vague_duration") and m.group("unit").istitle():
        # "CBS's 60 Minutes", "Six Days": a capitalised unit names a title (headlines are all caps).
        return False
    if kind == "duration" and (m.group("adj") == "-old" or re.match(r"\s+old\b", after)):
        return False  # ages are not time expressions in TimeML
    if kind == "set" and m.group("adv"):
        return _plausible_rate_adverb(m.group("adv").lower(), before, after)
    if (
        kind == "duration"
        and m.group("unit").lower().startswith("quarter")
        and ("-" in m.group(0) or re.match(r"\s+of\b", after) or m.group("n").lower() in ("a", "an"))
    ):
        return False  # "three-quarters of its food", "a quarter of the market": fractions
    if kind == "duration" and m.group("unit").lower() == "second" and m.group("n").lower() in ("a", "an"):
        return False  # "a second group"
    if kind == "clock" and re.search(r"\bhigh\s+$", before, re.IGNORECASE):
        return False  # "high noon"
    if kind == "duration" and m.group("unit").lower() == "second":
        return not re.match(
            r"[\s-]+(?:quarter|half|time|term|round|largest|biggest|place|day|week|[a-z]+est)\b", after
        )
    if kind == "vague_duration" and not m.group("pre") and m.group("unit").lower() not in ("years", "weeks"):
        # A bare "days" or "months" is a duration mostly as a complement ("for months", "within days").
        return bool(
            re.search(r"\b(?:for|over|within|after|than|took|take|takes|lasted|last)\s+$", before, re.I)
        )
    if kind == "day_word" and m.group(0).startswith("Today") and _NAME_BEFORE_TODAY.search(before):
        return False
    if kind == "day_word" and m.group(0).lower() == "today's" and not m.group("mod"):
        # "many of today's personal computers", "in today's world": the present age, not the day (TBAQ: 0 of 4).
        return not (re.search(r"\bof\s+$", before) or _GENERIC_AFTER_TODAYS.match(after))
    if kind == "relative_unit" and m.group("rel") and re.match(r"\s+(?:before|after)\b", after):
        # "the year before" and "that week after" are relational; "next year after the vote" is not.
        return m.group("rel").lower() in ("this", "last", "next")
    if kind == "weekday" and not m.group("rel") and not m.group("plural"):
        return not _TITLE_AFTER_WEEKDAY.match(after)
    return True


# "USA Today", "VOA Today": a capitalised "Today" after a capitalised word is a name.
_GENERIC_AFTER_TODAYS = re.compile(
    r"\s+(?:world|youth|society|generation|children|kids|young|teenagers|culture|economy|standards|technology)\b"
)
_NAME_BEFORE_TODAY = re.compile(r"\b[A-Z][A-Za-z]*\s+$")


_PERIOD_END_BEFORE = re.compile(r"\b(?:ended|ending|ends)\s+$", re.IGNORECASE)


def _plausible_rate_adverb(word: str, before: str, after: str) -> bool:
    """Whether "daily", "annually", ... is a time expression as TimeBank tags it (calibrated on TBAQ)."""
    if word == "quarterly":
        # "its quarterly dividend", "the quarterly results", "adjusted quarterly": TBAQ tags 1 of 5.
        return False
    if word in ("annually", "yearly"):
        # "rise 8.5% annually", "10,000 units annually": a growth or output rate; TBAQ tags none of 5.
        return not re.search(r"(?:\d|%|percent|million|billion|units|profits|revenue)\S*\s+$", before, re.I)
    if word == "daily" and re.search(r"\baverage\s+$", before, re.I):
        return False  # "average daily volume" is a statistic, not a recurrence (TBAQ: 0 of 2)
    # "daily flights", "daily dividends": an adjective on a plural noun (TBAQ: 0 of 2, "daily life" 2 of 2).
    return not re.match(r"\s+[a-z]+s\b(?!\s+of\b)", after) or bool(re.match(r"\s+(?:news|basis)\b", after))


def _windows(triggers: list[tuple[int, int, str]], kind: str, span: Span) -> list[tuple[int, int]]:
    """Merged stretches of a span around the trigger tokens of one pattern kind."""
    words, numbers = KIND_TRIGGERS[kind]
    windows: list[tuple[int, int]] = []
    for trigger_start, trigger_end, token in triggers:
        if not (token in words or numbers and token == "#"):
            continue
        start = max(span.start, trigger_start - WINDOW_BEFORE)
        end = min(span.end, trigger_end + WINDOW_AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


def _candidates(text: str, spans: Sequence[Span]) -> list[tuple[int, int, str, re.Match[str]]]:
    found = []
    seen: set[tuple[int, int, str]] = set()
    for span in spans:
        triggers = find_triggers(text, span.start, span.end)
        for kind, pattern in COMPILED.items():
            for window_start, window_end in _windows(triggers, kind, span):
                for m in pattern.finditer(text, window_start, window_end):
                    start, end = m.start(), m.end()
                    while end > start and text[end - 1] in " \t\n,":
                        end -= 1
                    if (
                        kind == "duration"
                        and m.group("pre")
                        and m.group("pre").lower().strip() in ("the", "a", "an")
                        and text[m.end("n") : m.start("unit")] == "-"
                    ):
                        start = m.start("n")  # TimeBank leaves the article out of "the three-year-long war"
                    if kind == "second_day":
                        start = m.start("d")
                    if end > start and (start, end, kind) not in seen and _plausible(kind, m, text):
                        seen.add((start, end, kind))
                        found.append((start, end, kind, m))
    return found


def _select(found: list[tuple[int, int, str, re.Match[str]]]) -> list[tuple[int, int, str, re.Match[str]]]:
    """The longest matches first, never two overlapping; ties go to the more specific kind."""
    taken: list[tuple[int, int, str, re.Match[str]]] = []
    used = bytearray()
    for item in sorted(found, key=lambda f: (f[0] - f[1], RANK[f[2]], f[0])):
        start, end = item[0], item[1]
        if len(used) < end:
            used.extend(b"\0" * (end - len(used)))
        if any(used[start:end]):
            continue
        used[start:end] = b"\1" * (end - start)
        taken.append(item)
    return sorted(taken, key=lambda f: f[0])


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return left + 1, min(right_candidates) if right_candidates else len(text)


def _attach_clock_dates(text: str, timexes: list[Timex], reference: dt.date | None) -> None:
    """Give a clock time that names no day the day nearest it in its sentence, else the last day named
    before it, else the reference."""
    days = [t for t in timexes if t.type in ("DATE", "TIME") and re.match(r"\d{4}-\d\d-\d\d", t.value)]
    for timex in timexes:
        if not timex.value.startswith(PENDING_DATE):
            continue
        left, right = _sentence_bounds(text, timex.start, timex.end)
        near = [d for d in days if d is not timex and left <= d.start and d.end <= right]
        near.sort(key=lambda d: min(abs(d.start - timex.end), abs(timex.start - d.end)))
        earlier = [d for d in days if d.end <= timex.start]
        if near:
            day = near[0].value[:10]
        elif earlier:
            day = earlier[-1].value[:10]  # the story's last named day is the likeliest setting
        else:
            day = reference.isoformat() if reference else "XXXX-XX-XX"
        timex.value = day + timex.value[len(PENDING_DATE) :]


def _parse_reference(reference: str | None) -> dt.date | None:
    if not reference:
        return None
    try:
        return dt.date.fromisoformat(str(reference)[:10])
    except ValueError:
        return None


def _is_anchor(kind: str, m: re.Match[str], context: Context) -> bool:
    """Whether a resolved date becomes the anchor of the relative expressions after it."""
    if kind == "quarter" and m.group(0)[:2].lower() == "a ":
        return False  # "after a flat second quarter": an aside, not the quarter reported on
    # "the quarter ended Sept. 30": the day closes the quarter, which stays the anchor of "a year ago".
    start = m.start()
    return not (
        context.quarter_is_latest and _PERIOD_END_BEFORE.search(context.text, max(0, start - 12), start)
    )


def find_timexes(text: str, *, reference: str | None, spans: Sequence[Span] | None = None) -> list[Timex]:
    """Every time expression in ``text`` (or in ``spans`` of it), valued against ``reference`` (YYYY-MM-DD)."""
    search = (
        [Span(0, len(text))]
        if spans is None
        else [Span(s.start, min(s.end, len(text))) for s in spans if s.start < len(text)]
    )
    context = Context(text=text, reference=_parse_reference(reference))
    timexes = []
    for start, end, kind, m in _select(_candidates(text, search)):
        try:
            resolved = RESOLVERS[kind](m, context)
        except (ValueError, OverflowError):
            resolved = None  # calendar arithmetic out of range ("9999999 years ago"): no value to give
        if resolved is None:
            continue
        kind_type, value = resolved
        if kind_type == "DATE" and kind not in ("offset", "year_ago_adj") and _is_anchor(kind, m, context):
            context.remember(value)
        timexes.append(Timex(start=start, end=end, text=text[start:end], type=kind_type, value=value))
    _attach_clock_dates(text, timexes, context.reference)
    return timexes
