"""Cleaning: the body and the boilerplate of a scraped report, marked as spans over its text.

Reads ``Article.text`` (and a title or outlet given with it); adds body, boilerplate, title, byline,
wire, dateline, outlet and provenance. Steps: lines -> debris -> header -> footer -> body -> wire.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from . import wires
from .date_formats import DATE_RE, MONTH_RE, find_dates
from .model import Article, Region, Span
from .settings import Settings

# --- line-level debris -------------------------------------------------------------------------

_SHARE_TOKEN = (
    r"(?:icon-[\w-]+|share(?: on| this| via)?(?: article| story| page)?|follow us(?: on)?|facebook|twitter"
    r"|x|whatsapp|telegram|linkedin|e-?mail|print|copy link|pinterest|reddit|messenger|tweet|flipboard)"
)
_SHARE = re.compile(rf"^(?:{_SHARE_TOKEN}[\s|,·•/]*)+$", re.IGNORECASE)
_SHARE_SURE = re.compile(r"icon-|share|follow us|\w+[\s|,·•/]+\w+", re.IGNORECASE)
_IMAGE = re.compile(r"^(?:!\[[^\]]*\]\([^)]*\)[\s|]*)+$|^=?\((?:PICTURE|PHOTO|VIDEO)\)=?$")
# Captions and credits of pictures: "Photo: Reuters", "(Photo by Ann Smith/AFP via Getty Images)".
_CAPTION = re.compile(
    r"^\(?(?:photo|image|picture|file photo|video|credit)s?(?:\s*[:/]|\s+(?:by|credit|courtesy)\b)",
    re.IGNORECASE,
)
_AD = re.compile(
    r"^(?:advertisement|sponsored(?: content)?|supported by|continue reading the main story|skip advertisement)$",
    re.IGNORECASE,
)
_PIPE = re.compile(r"^[|\s]+$")
_TEASER = re.compile(
    r"^(?:also read|read also|read more|see also|related(?: articles?| stories| news)?|recommended"
    r"|don[’']?t miss|you may also like|you might also like|most read|trending(?: now)?|more from \w+"
    r"|more on this(?: story)?|watch)\s*(?::.*|[.!:]?)$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"all rights reserved|^(?:copyright|©)|\(c\)\s*\d{4}|website contains only a portion of the news"
    r"|contact us for subscription|may not be (?:published|reproduced|copied)|prior written (?:consent|permission)",
    re.IGNORECASE,
)
# Reuters' credit closing the last paragraph: "... Middle East. (Reporting by A in B; Editing by C.)"
_TRAILING_CREDIT = re.compile(
    r"\s*\((?:Reporting|Writing|Additional reporting|Editing) by [^()]{3,200}\)\.?$"
)
_COPYRIGHT_KEYS = (
    "rights reserved",
    "copyright",
    "©",
    "(c)",
    "website contains",
    "subscription",
    "may not be",
    "prior written",
)
_CREDIT = re.compile(
    r"^\((?:reporting|writing|additional reporting|editing|compiled|research) by [^)]*\)\.?$", re.IGNORECASE
)
# What a date line may hold besides its dates: "by August 22, 2025", "18.12.2025 - Update : 18.12.2025".
_DATE_FILLER = re.compile(
    r"^(?:by|on|published|posted|updated?|last|modified|date|time|at|gmt|utc|[ecp][sd]t|cet|cest|[ap]\.?m\.?"
    r"|\d{1,2}[:.]\d{2}|[-–—:|,.@/()]|\s)*$",
    re.IGNORECASE,
)
_NAME_WORD = r"[A-Z][\w'’.-]+"
_NAME = rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}"  # two to four words: "By US" is not a byline
_BYLINE_BY = re.compile(
    rf"^by\s+(?P<name>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)\s*(?:[,|–—-]\s*[^\n]{{0,80}})?$", re.IGNORECASE
)
_BYLINE_BAR = re.compile(rf"^(?P<name>{_NAME})\s*\|\s*(?P<rest>.+)$")
_NOT_NAMES = re.compile(rf"^(?:{MONTH_RE}|the|a|an|this|that|now|then|\d)\b", re.IGNORECASE)

# --- header --------------------------------------------------------------------------------------

_CAPS = r"[A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]+){0,3}"
_MIXED = rf"(?!{MONTH_RE}\s+\d)[A-Z][\w'’.]*(?:[ -][\w'’.]+){{0,3}}"
_YEAR = r"(?:19|20)\d\d"
_DATE_PART = rf"(?P<mon>{MONTH_RE})\s+(?P<day>\d{{1,2}})(?:\s*,\s*(?P<year>{_YEAR}))?(?:\s*,\s*{_YEAR})?"
# A tag of two to five capitals in a dateline names an agency even when the table does not know it:
# "Harvena, Feb 20 (MPA)" (the example corpus's invented agencies showed the gap).
_AGENCY_PART = rf"\(\s*(?P<agency>{wires.AGENCY_RE}|[A-Z]{{2,5}})\s*\)"
_SEP = r"\s*(?:[-–—]+|:)(?:\s*[-–—]+)*\s*"
# "MOSCOW, April 1 , 1997 (AFP) - ", "WASHINGTON, Dec 15 , 2006, 2006 - ", "WASHINGTON (AP) — ".
_LEAD_WIRE = re.compile(
    rf"(?:(?P<place>{_CAPS}(?:\s*,\s*{_MIXED}){{0,2}})\s*[,.]?\s*)?(?:{_DATE_PART})?\s*,?\s*(?:{_AGENCY_PART})?"
    rf"(?:{_SEP})?"
)
# "BRATISLAVA, Slovakia: ", "BRUSSELS — "
_LEAD_PLACE = re.compile(rf"(?P<place>{_CAPS}(?:,\s*{_MIXED}){{0,2}}){_SEP}(?=\S)")
# A headline run into its dateline: "... need US 'backup' Bratislava, Feb 20 (AFP) Feb 20, 2025 NATO ..."
_INLINE_WIRE = re.compile(
    rf"(?P<place>(?:[A-Z][A-Z'’.-]+\s)*[A-Z][\w'’.-]*(?:,\s+[A-Z][\w'’.-]*)?),\s*{_DATE_PART}\s*,?\s*"
    rf"{_AGENCY_PART}(?:{_SEP})?"
)
# "New York (AFP) – ", "Dec 29 (Reuters) - ": a mixed-case place or a bare date, made sure by the tag.
_LEAD_TAGGED = re.compile(
    rf"(?:(?P<place>{_MIXED}(?:\s*,\s*{_MIXED}){{0,2}})\s*,?\s*)?(?:{_DATE_PART})?\s*,?\s*{_AGENCY_PART}{_SEP}"
)
# A dateline that is only a date: "1998-08-08 - ", "12/05/1998 09:42:00 - " (TimeML creation times).
_LEAD_DATE = re.compile(
    rf"(?:{DATE_RE.pattern})(?:,?\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?{_SEP}", re.IGNORECASE
)
_LONE_PLACE = re.compile(r"^[A-Z][A-Z'’]+(?:(?:\. ?|[ -])[A-Z][A-Z'’]+){0,2}$")
# Capitalised labels and bodies that open a line like a place does ("BREAKING:", "NATO:").
_NOT_PLACES = {
    "UPDATE",
    "UPDATED",
    "BREAKING",
    "BREAKING NEWS",
    "EXCLUSIVE",
    "ANALYSIS",
    "OPINION",
    "VIDEO",
    "LIVE",
    "WATCH",
    "NOTE",
    "EDITOR'S NOTE",
    "EDITOR’S NOTE",
    "CORRECTION",
    "NATO",
    "EU",
    "UN",
    "US",
    "UK",
    "AP",
}
_SECTION = re.compile(r"^[A-Z][\w&'’-]*$")  # one word: "Europe" (seed 004); two would be a short headline
_LOWER_PARTICLES = {"de", "da", "do", "del", "della", "la", "le", "al", "el", "of", "on", "upon", "and"}

# A title is a line, not a paragraph: in the seeds and PolNeAR every headline is under 200 characters.
MAX_TITLE_CHARS = 250
HEADER_LINES = 12  # substantive lines searched for bylines, repeated titles and a lone dateline
FOOTER_LINES = 3  # last substantive lines searched for a byline ("By Vafa Guliyeva", seed 003)


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str
    kind: str | None = None  # boilerplate kind once decided, "body" for the article's own text
    body_start: int | None = None  # where the body begins inside a line that opens with a header
    body_end: int | None = None  # where it ends inside a line closed by a credit


@dataclass(slots=True)
class _Found:
    regions: list[Region] = dataclasses.field(default_factory=list)
    title: str | None = None
    title_span: Span | None = None
    byline: str | None = None
    byline_span: Span | None = None
    dateline: str | None = None
    dateline_span: Span | None = None
    agency: str | None = None


def split_lines(text: str) -> list[_Line]:
    """The non-blank lines of ``text``, trimmed, with their offsets."""
    lines = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped[0])
            lines.append(_Line(start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


def is_date_line(line: str) -> bool:
    """True for a line that only gives a date ("Thu Feb 20 2025", "by August 22, 2025")."""
    if len(line) > 80:
        return False
    dates = find_dates(line)
    if not dates or all(d.year is None for d in dates):
        return False
    rest = line
    for d in reversed(dates):
        rest = rest[: d.span.start] + " " + rest[d.span.end :]
    return bool(_DATE_FILLER.match(rest))


def debris_kind(line: str) -> str | None:
    """The boilerplate kind of a whole line on its own ("share", "image", ...), or None."""
    if _PIPE.match(line):
        return "pipe"
    if _IMAGE.match(line):
        return "image"
    # Substring tests first: the notice regex over every long paragraph was half the cleaning time.
    lowered = line.lower()
    if any(key in lowered for key in _COPYRIGHT_KEYS) and _COPYRIGHT.search(line):
        return "copyright"
    if len(line) > 200:
        return None
    if _SHARE.match(line) and _SHARE_SURE.search(line):
        return "share"
    if _TEASER.match(line):
        return "teaser"
    if _AD.match(line):
        return "ad"
    if len(line) <= 150 and _CAPTION.match(line):
        return "image"
    if _CREDIT.match(line):
        return "credit"
    if is_date_line(line):
        return "date"
    return None


def _byline_name(line: _Line) -> tuple[Span, Span | None] | None:
    """The span of the name in a byline line, and of the date that shares its line."""
    if len(line.text) > 120:
        return None
    match = _BYLINE_BY.match(line.text)
    date_span = None
    if match is not None:
        tail = line.text[match.end("name") :]
        rest = tail.lstrip(" ,|–—-")
        if rest and is_date_line(rest):  # "By Ann Smith | 03.06.2025"
            date_span = Span(line.end - len(rest), line.end)
    else:
        match = _BYLINE_BAR.match(line.text)
        if match is None or not is_date_line(match.group("rest")):
            return None
        date_span = Span(line.start + match.start("rest"), line.end)
    name = match.group("name")
    if _NOT_NAMES.match(name) and wires.canonical_agency(name.removeprefix("The ")) is None:
        return None
    return Span(line.start + match.start("name"), line.start + match.end("name")), date_span


def place_name(raw: str) -> str:
    """A dateline place as written in prose: "BRATISLAVA, Slovakia" -> "Bratislava, Slovakia"."""
    words = []
    for i, word in enumerate(raw.replace("\n", " ").split()):
        if re.fullmatch(r"(?:[A-Z]{1,2}\.)+", word):
            pass  # a state or country abbreviation: "N.H.", "D.C."
        elif word.isupper() and len(word) > 1:
            if i and word.lower() in _LOWER_PARTICLES:
                word = word.lower()
            else:
                word = "-".join(part[:1] + part[1:].lower() for part in word.split("-"))
        words.append(word)
    return " ".join(words).strip(" ,")


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _same_title(a: str, b: str) -> bool:
    if len(a) > 2 * MAX_TITLE_CHARS or len(b) > 2 * MAX_TITLE_CHARS or a[:1].lower() != b[:1].lower():
        return False  # cheap rejections first: this runs on every header line
    na, nb = _normal(a), _normal(b)
    if not na or not nb:
        return a.strip() == b.strip()
    return na == nb or (min(len(na), len(nb)) >= 20 and (na.startswith(nb) or nb.startswith(na)))


def match_wire_dateline(line: str) -> re.Match[str] | None:
    """A wire dateline opening ``line``: a place with a date, an agency tag or both."""
    match = _LEAD_WIRE.match(line)
    if match is not None and (match.group("mon") or match.group("agency")):
        if match.group("place") or match.group("agency"):
            return match
        if match.group("year") and re.search(r"[-–—:]\s*$", match.group()):
            return match  # a bare date opens a dateline only with its year and a dash: "Dec 13 , 2005 - "
    tagged = _LEAD_TAGGED.match(line)
    if tagged is not None:
        return tagged
    dated = _LEAD_DATE.match(line)
    return dated if dated is not None and re.search(r"\b(?:19|20)\d\d\b", dated.group()) else None


def _is_section(line: _Line, following: _Line | None, *, more: bool) -> bool:
    return (
        following is not None
        and more  # a label, a headline and at least one line of report
        and len(line.text) <= 30
        and bool(_SECTION.match(line.text))
        and not any(ch.isdigit() for ch in line.text)
        and len(following.text) > len(line.text)
        and len(following.text) <= MAX_TITLE_CHARS
        and match_wire_dateline(following.text) is None
        # a headline that ends a sentence is more likely the article's first paragraph under a short title
        and not following.text.endswith((".", "!", "?", '"', "”"))
    )


def _mark_dateline(text: str, line: _Line, match: re.Match[str], found: _Found) -> None:
    """Record a dateline match inside ``line`` and move the line's body past it (and a date after it)."""
    base = line.start
    start, end = base + match.start(), base + match.end()
    groups = match.groupdict()
    if groups.get("place"):
        place = match.group("place").rstrip(" ,")
        if place.endswith(".") and not re.search(r"\b(?:[A-Z]{1,2}\.)+$", place):
            place = place[:-1]  # "SEOUL. April 11" ends a word, "MANCHESTER, N.H." an abbreviation
        found.dateline = place_name(place)
        found.dateline_span = Span(base + match.start("place"), base + match.start("place") + len(place))
    if groups.get("agency"):
        found.agency = wires.canonical_agency(groups["agency"]) or groups["agency"]
    end_text = text[start:end].rstrip()
    end = start + len(end_text)
    found.regions.append(
        Region(start, end, "dateline" if groups.get("place") or groups.get("agency") else "date")
    )
    body_start = end
    # A date right after the dateline ("Bratislava, Feb 20 (AFP) Feb 20, 2025 NATO chief ...").
    gap = len(text[end : line.end]) - len(text[end : line.end].lstrip())
    date = DATE_RE.match(text, end + gap, line.end)
    if date is not None and date.end() < line.end and text[date.end()].isspace():
        found.regions.append(Region(date.start(), date.end(), "date"))
        body_start = date.end()
    while body_start < line.end and text[body_start] in " \t-–—:":
        body_start += 1
    line.body_start = body_start
    line.kind = "body" if body_start < line.end else "dateline"


def _read_header(text: str, lines: list[_Line], given_title: str | None, found: _Found) -> None:
    """Section label, title (or the given one), repeated title, dateline, in the first lines."""
    substantive = [ln for ln in lines if ln.kind is None]
    if not substantive:
        return
    head = substantive[:HEADER_LINES]
    first = 0
    if _is_section(head[0], head[1] if len(head) > 1 else None, more=len(substantive) > 2):
        head[0].kind = "section"
        found.regions.append(Region(head[0].start, head[0].end, "section"))
        first = 1
    if first >= len(head):
        return
    candidate = head[first]
    title_span: Span | None = None
    lead = match_wire_dateline(candidate.text)
    inline = _INLINE_WIRE.search(candidate.text, 0, 400) if lead is None else None
    if lead is not None:
        _mark_dateline(text, candidate, lead, found)
    elif inline is not None:
        if inline.start() > 0:
            title_text = candidate.text[: inline.start()].rstrip()
            title_span = Span(candidate.start, candidate.start + len(title_text))
        _mark_dateline(text, candidate, inline, found)
    elif len(candidate.text) <= MAX_TITLE_CHARS and (given_title or candidate is not substantive[-1]):
        # A lone short line is the report itself, not a headline over nothing (unless given as the title).
        title_span = Span(candidate.start, candidate.end)
    if title_span is not None and given_title and not _same_title(title_span.text(text), given_title):
        title_span = None
    if title_span is None and given_title:
        title_span = next(
            (Span(ln.start, ln.end) for ln in head if ln.kind is None and _same_title(ln.text, given_title)),
            None,
        )
    if title_span is not None:
        found.title_span = title_span
        found.title = given_title or title_span.text(text)
        found.regions.append(Region(title_span.start, title_span.end, "title"))
        for ln in head:
            if ln.start == title_span.start and ln.kind is None:
                ln.kind = "title"
            elif ln.kind is None and ln.start > title_span.start and _same_title(ln.text, found.title):
                ln.kind = "title"  # a headline printed twice (seed 004)
                found.regions.append(Region(ln.start, ln.end, "title"))
    after_title = [
        ln for ln in head if ln.kind is None and (title_span is None or ln.start > title_span.start)
    ]
    if found.dateline is None:
        for ln in after_title:
            if _LONE_PLACE.match(ln.text) and ln.text not in _NOT_PLACES and len(ln.text.split()) <= 3:
                ln.kind = "dateline"
                found.dateline = place_name(ln.text)
                found.dateline_span = Span(ln.start, ln.end)
                found.regions.append(Region(ln.start, ln.end, "dateline"))
                break
    if found.dateline is None and after_title:
        first_body = after_title[0]
        match = match_wire_dateline(first_body.text) or _LEAD_PLACE.match(first_body.text)
        place = match.groupdict().get("place") if match is not None else None
        if place and place.upper() in _NOT_PLACES:
            match = None
        if match is not None and len(first_body.text) > match.end():
            _mark_dateline(text, first_body, match, found)


def _read_bylines(text: str, lines: list[_Line], found: _Found) -> None:
    """The first byline in the header or footer lines; an agency named as author is the wire."""
    substantive = [ln for ln in lines if ln.kind is None or ln.kind == "date"]
    window = substantive[:HEADER_LINES] + substantive[-FOOTER_LINES:]
    for ln in window:
        if ln.kind is not None and ln.kind != "date":
            continue
        spans = _byline_name(ln)
        if spans is None:
            continue
        name_span, date_span = spans
        ln.kind = "byline"
        found.regions.append(Region(ln.start, name_span.end if date_span else ln.end, "byline"))
        if date_span is not None:
            found.regions.append(Region(date_span.start, date_span.end, "date"))
        agency = wires.canonical_agency(name_span.text(text).removeprefix("The "))
        rest = text[name_span.end : ln.end].strip(" ,|–—-")
        if agency is None and date_span is None and rest:
            found.agency = found.agency or wires.canonical_agency(
                rest.removeprefix("The ")
            )  # "By Ann Smith, Reuters"
        if agency is not None:
            found.agency = found.agency or agency  # "By The Associated Press" credits the wire, not a person
        else:
            found.byline_span = name_span
        return


def _body_span(text: str, start: int, end: int) -> Span | None:
    segment = text[start:end]
    trimmed = segment.rstrip(" \t|")
    lead = len(trimmed) - len(trimmed.lstrip(" \t|"))
    if not trimmed.strip(" \t|"):
        return None
    return Span(start + lead, start + len(trimmed))


def clean_article(article: Article, *, settings: Settings) -> Article:
    """The article with its body, boilerplate regions, title, byline, wire, dateline and outlet marked."""
    text = article.text
    lines = split_lines(text)
    found = _Found()
    for ln in lines:
        ln.kind = debris_kind(ln.text)
        if ln.kind is not None and ln.kind != "date":
            found.regions.append(Region(ln.start, ln.end, ln.kind))
    _read_bylines(text, lines, found)
    for ln in lines:  # date lines not taken as a byline's date
        if ln.kind == "date":
            found.regions.append(Region(ln.start, ln.end, "date"))
    _read_header(text, lines, article.title or None, found)

    body = []
    for ln in lines:
        if (ln.kind is None or ln.kind == "body") and "by " in ln.text:
            credit = _TRAILING_CREDIT.search(ln.text)
            if credit is not None and credit.start() > 0:
                start = ln.start + credit.start() + (len(credit.group()) - len(credit.group().lstrip()))
                found.regions.append(Region(start, ln.end, "credit"))
                ln.body_end = start
        if ln.kind is None or ln.kind == "body":
            end = ln.body_end if ln.body_end is not None else ln.end
            span = _body_span(text, ln.body_start if ln.body_start is not None else ln.start, end)
            if span is not None:
                body.append(span)
    regions = sorted(found.regions, key=lambda r: (r.start, r.end))

    notices = [text[r.start : r.end] for r in regions if r.kind == "copyright"]
    wire = found.agency
    for notice in notices:
        wire = wire or wires.agency_in_notice(notice)
    wire = wire or wires.agency_in_credit(text) or article.wire
    outlet = article.outlet
    provenance = None
    cited = wires.find_provenance(text)
    if cited is not None:
        provenance = f"{cited[0]}, {cited[1]}"
    for notice in notices:
        outlet = outlet or wires.outlet_of_notice(notice)
    if outlet is None and cited is not None:
        outlet = cited[0]

    # Set on the article itself as well as returned: the pipeline keeps the object it passed in.
    article.body = body
    article.boilerplate = regions
    article.title = found.title if found.title is not None else article.title
    article.title_span = found.title_span
    author = article.meta.get("author")  # the HTML reader's author, when the text shows no byline
    article.byline = (
        found.byline_span.text(text) if found.byline_span else (author if isinstance(author, str) else None)
    )
    article.byline_span = found.byline_span
    article.wire = wire
    article.dateline = found.dateline
    article.dateline_span = found.dateline_span
    article.outlet = outlet
    article.provenance = provenance
    return article
