"""Publication dates: the day a report came out, with where it came from and how sure we are.

Reads metadata, the cleaned header (dateline, date lines) and the text; adds ``Article.published``.
Cascade, most trusted first: metadata -> HTML date -> wire dateline -> header date -> inferred.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import re
from typing import Any

from . import offices
from .clean import clean_article
from .date_formats import DATE_RE, MONTH_RE, FoundDate, find_dates, is_valid
from .model import Article, ArticleError, PublishedDate
from .settings import Settings

STAGE = "dates"
EARLIEST = dt.date(1900, 1, 1)
# A date "in the future" is tolerated up to a day ahead: a report stamped in Asia is "tomorrow" in UTC-5.
FUTURE_SLACK = dt.timedelta(days=1)

# Confidence by source, in the cascade's order of trust.
CONFIDENCE = {
    "metadata": 1.0,
    "html": 0.9,
    "dateline": 0.95,
    "dateline+header": 0.9,  # a dateline without a year, the year from a date line
    "header": 0.85,
    "dateline+inferred": 0.5,  # a dateline without a year, the year from office holders
    "inferred": 0.3,
}

# Office holders decide a year before the batch reference only when they leave at most this many years:
# "US President Barack Obama" alone allows eight, and the earliest of them is a poor guess.
NARROW_YEARS = 2

_ISO_START = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])")
# An upcoming event with its day: "a summit ... scheduled for September 4".
_SCHEDULED = re.compile(
    r"\b(?:scheduled|set|slated|due|planned|expected|to be held|to take place)\s+(?:to\s+\w+\s+)?(?:for|on)\s+"
    rf"(?:(?:next\s+)?[A-Z][a-z]+day,?\s+)?(?={MONTH_RE}\s+\d|\d{{1,2}}\s+{MONTH_RE})"
)
# "tomorrow" in a report that names one scheduled day puts publication the day before. "today" is not
# used: reports say it of anything ("today's talks"), and a day "scheduled for" is still to come.
_TOMORROW = re.compile(r"\btomorrow\b", re.IGNORECASE)


def parse_given_date(value: Any) -> dt.date | None:
    """The calendar date of a given ISO date or datetime, as written (no time-zone shift), or None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = _ISO_START.match(text)
    if match:
        y, m, d = (int(g) for g in match.groups())
        return dt.date(y, m, d) if is_valid(y, m, d) else None
    if re.search(r"\d{1,2}:\d{2}", text) and "," in text:  # RFC 2822 as feeds write it
        parsed = email.utils.parsedate_tz(text)
        if parsed is not None and is_valid(parsed[0], parsed[1], parsed[2]):
            return dt.date(parsed[0], parsed[1], parsed[2])
    found = [d for d in find_dates(text) if d.year is not None]
    if found:
        return dt.date(found[0].year, found[0].month, found[0].day)  # type: ignore[arg-type]
    return _parse_with_dateparser(text)


def _parse_with_dateparser(text: str) -> dt.date | None:
    """The last resort for odd metadata strings; slow, so never called when a rule matches."""
    import dateparser  # heavy import, needed only here

    # Absolute dates only: "yesterday" in metadata has no day to be relative to.
    parsed = dateparser.parse(
        text,
        settings={
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
        },
    )
    return parsed.date() if parsed is not None else None


def _in_range(day: dt.date, today: dt.date) -> bool:
    return EARLIEST <= day <= today + FUTURE_SLACK


def _given(
    article: Article, key: str, source: str, today: dt.date, errors: list[ArticleError]
) -> PublishedDate | None:
    value = article.meta.get(key)
    if value is None or value == "":
        return None
    day = parse_given_date(value)
    if day is None:
        errors.append(ArticleError("date.unparsed", f"{key} {str(value)[:60]!r} does not parse", STAGE))
        return None
    if not _in_range(day, today):
        errors.append(ArticleError("date.out_of_range", f"{key} {day.isoformat()} is out of range", STAGE))
        return None
    return PublishedDate(day.isoformat(), source, CONFIDENCE[source], note=f"{key} {str(value)[:40]}")


def _header_dates(article: Article) -> list[FoundDate]:
    """Dates with a year on the header's date lines and in bylines, in text order."""
    # The header ends at the third body paragraph (seed 004 has a standfirst before its date line), or at
    # the last one of a shorter report; later date lines are corrections and updates (PolNeAR's NYT texts
    # end with one).
    body = article.body
    end = body[min(2, len(body) - 1)].start if body else len(article.text)
    found: list[FoundDate] = []
    for region in article.boilerplate:
        if region.kind in ("date", "byline", "dateline") and region.start < end:
            found.extend(d for d in find_dates(article.text, start=region.start, end=region.end) if d.year)
    return sorted(found, key=lambda d: d.span.start)


def _dateline_date(article: Article) -> FoundDate | None:
    """The date written in the wire dateline region ("MOSCOW, April 1 , 1997 (AFP)"), year or not."""
    for region in article.boilerplate:
        if region.kind == "dateline":
            dates = find_dates(article.text, start=region.start, end=region.end)
            if dates:
                return dates[0]
    return None


def _as_published(
    found: FoundDate, year: int, source: str, note: str, today: dt.date
) -> PublishedDate | None:
    if not is_valid(year, found.month, found.day):
        return None
    day = dt.date(year, found.month, found.day)
    if not _in_range(day, today):
        return None
    inferred = source.endswith("inferred")
    return PublishedDate(
        day.isoformat(), source.split("+")[0], CONFIDENCE[source], found.span, inferred, note
    )


def infer_year(
    article: Article, month: int, day: int, *, today: dt.date, reference: dt.date | None
) -> tuple[int, str] | None:
    """A year for a day written without one, and its basis (see docs/dates.md, "Inferred dates")."""
    holders = offices.holders_in_office(article.text)
    years = offices.consistent_years(month, day, holders, until=today + FUTURE_SLACK)
    names = ", ".join(h.label for h in holders)
    if years and len(years) <= NARROW_YEARS:
        return years[0], f"the earliest year with {names} in office"
    if reference is not None:
        # The year that puts the day closest to the batch's reference date.
        near = [
            y for y in (reference.year - 1, reference.year, reference.year + 1) if is_valid(y, month, day)
        ]
        if near:
            best = min(near, key=lambda y: abs((dt.date(y, month, day) - reference).days))
            return best, f"the reference date {reference.isoformat()}"
    if years:
        return years[0], f"the earliest of {len(years)} years with {names} in office"
    return None


def infer_from_text(article: Article, *, today: dt.date, reference: dt.date | None) -> PublishedDate | None:
    """A date from internal evidence: "tomorrow" in a report naming one scheduled day -> the day before.

    The year comes from the office holders the report names (``offices``) or the reference date.
    """
    text = article.text
    scheduled = []
    for match in _SCHEDULED.finditer(text):
        date = DATE_RE.match(text, match.end())
        if date is not None:
            scheduled.extend(find_dates(text, start=date.start(), end=date.end()))
    days = {(d.month, d.day, d.year) for d in scheduled}
    if len(days) != 1:
        return None
    event = scheduled[0]
    if not _TOMORROW.search(text):
        return None
    if event.year is not None:
        year, basis = event.year, "the year given"
    else:
        inferred_year = infer_year(article, event.month, event.day, today=today, reference=reference)
        if inferred_year is None:
            return None
        year, basis = inferred_year
    published = dt.date(year, event.month, event.day) - dt.timedelta(days=1)
    if not _in_range(published, today):
        return None
    note = f'"tomorrow" before the event scheduled for {event.span.text(text)}; year {year}: {basis}'
    return PublishedDate(published.isoformat(), "inferred", CONFIDENCE["inferred"], event.span, True, note)


def date_article(
    article: Article,
    *,
    settings: Settings,
    today: dt.date | None = None,
    reference: dt.date | None = None,
) -> Article:
    """The article with ``published`` set from the most trusted evidence it carries (or left None).

    ``reference`` is a date the batch suggests (e.g. its other articles' median) for years left open.
    """
    today = today or dt.date.today()
    errors = [e for e in article.errors if e.stage != STAGE]
    cleaned = article
    if not (article.body or article.boilerplate) and article.text:
        cleaned = clean_article(dataclasses.replace(article), settings=settings)  # a copy: dating only reads
    published = _given(article, "published", "metadata", today, errors) or _given(
        article, "html_date", "html", today, errors
    )
    if published is None:
        published = _from_header(cleaned, today=today, reference=reference)
    if published is None:
        published = infer_from_text(cleaned, today=today, reference=reference)
    # Set on the article itself as well as returned: the pipeline keeps the object it passed in.
    article.published = published
    article.errors = errors
    return article


def _from_header(article: Article, *, today: dt.date, reference: dt.date | None) -> PublishedDate | None:
    """Dateline, then date lines of the header; a dateline without a year borrows one."""
    header = _header_dates(article)
    wire = _dateline_date(article)
    if wire is not None and wire.year is not None:
        return _as_published(wire, wire.year, "dateline", "wire dateline", today)
    if wire is not None:
        same_day = [d for d in header if (d.month, d.day) == (wire.month, wire.day)]
        if same_day or header:
            year = (same_day or header)[0].year
            assert year is not None
            return _as_published(wire, year, "dateline+header", "wire dateline, year from a date line", today)
        inferred_year = infer_year(article, wire.month, wire.day, today=today, reference=reference)
        if inferred_year is not None:
            year, basis = inferred_year
            return _as_published(
                wire, year, "dateline+inferred", f"wire dateline; year {year}: {basis}", today
            )
    for found in header:
        assert found.year is not None
        published = _as_published(found, found.year, "header", "date line in the header", today)
        if published is not None:
            return published
    return None


def reference_date(articles: list[Article]) -> dt.date | None:
    """The median of the batch's publication dates that were not inferred (None when there are none)."""
    days = sorted(
        dt.date.fromisoformat(a.published.value) for a in articles if a.published and not a.published.inferred
    )
    return days[(len(days) - 1) // 2] if days else None


def date_batch(articles: list[Article], *, settings: Settings, today: dt.date | None = None) -> list[Article]:
    """Date every article; those left undated get a second try with the batch's median date as reference."""
    for article in articles:
        date_article(article, settings=settings, today=today)
    reference = reference_date(articles)
    if reference is not None:
        for article in articles:
            if article.published is None:
                date_article(article, settings=settings, today=today, reference=reference)
    return articles
