"""The regular expressions that find time expressions in English news text, one per kind.

Each kind names the resolver in ``storyline.timex`` that turns its match into a TIMEX3 value.
"""

from __future__ import annotations

import re

# Month names are matched case-sensitively: "may", "march" and "august" are ordinary words.
_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"(?:Jan|Febr?|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
MONTH = rf"(?-i:(?:{_MONTH_FULL})\b|(?:{_MONTH_ABBR}))"
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
WEEKDAY_ABBR = r"(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\."
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_WORD_NUMBER = (
    rf"(?:(?:{_ONES}|a)\s+(?:hundred|thousand)|(?:{_TENS})(?:[\s-](?:{_ONES}))?|{_TEENS}|{_ONES}|a\s+dozen)"
)
_DIGITS = r"\d+(?:\.\d+)?(?:\s+1/2|½)?"
NUMBER = (
    rf"(?:{_DIGITS}|{_WORD_NUMBER}(?:\s+and\s+a\s+half)?|an?(?:\s+and\s+a\s+half)?|(?:a\s+)?couple\s+of|a\s+couple"
    r"|(?:a\s+)?few|several|some|many|dozens\s+of|hundreds\s+of|thousands\s+of)"
)
_UNIT_SINGULAR = r"(?:second|minute|hour|day|night|week|weekend|month|quarter|year|decade|century)"
UNIT = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|months?|quarters?|years?|decades?|centuries|century)"
ORDINAL = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth"
    r"|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first"
    r"|\d{1,2}(?:st|nd|rd|th))"
)
DAY_ORDINAL = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth"
    r"|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|twenty-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth|thirty-first)"
)
DAY = rf"(?:(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)|{DAY_ORDINAL})"
YEAR = r"(?:1[0-9]\d\d|20\d\d)(?![\d,]\d)"
SPOKEN_YEAR = (
    rf"(?:(?:nineteen|eighteen|twenty)[\s-](?:(?:{_TENS})(?:[\s-](?:{_ONES}))?|{_TEENS}|hundred)"
    rf"|two\s+thousand(?:\s+and\s+(?:{_ONES}|{_TEENS}))?)"
)
PART_OF_DAY = r"(?:morning|afternoon|evening|night)"
SEASON = r"(?:spring|summer|fall|autumn|winter)"
TIMEZONE = r"(?-i:\s+(?:[ECMP][SD]T|GMT|UTC|BST|CET|CEST|ET)\b)"
EDGE_MOD = r"(?:(?:early|late|mid|middle)[\s-]+|the\s+(?:end|beginning|start|middle|turn)\s+of\s+)"
HOLIDAY = (
    r"(?:Christmas(?:\s+(?:Day|Eve))?|New\s+Year's(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?"
    r"|Election\s+Day|Independence\s+Day|Labor\s+Day|Memorial\s+Day|Veterans\s+Day|Easter(?:\s+(?:Sunday|week))?"
    r"|Valentine's\s+Day|Halloween|Boxing\s+Day)"
)
_HOLIDAY_CS = rf"(?-i:{HOLIDAY})"

# kind -> pattern; every pattern is compiled case-insensitively with verbose whitespace off.
PATTERNS: dict[str, str] = {
    # 10:35 a.m., 3 p.m. EST, noon Saturday, midnight Friday, 5 p.m. EST, Nov. 6
    "clock": (
        r"\b(?:(?P<h>[012]?\d)(?::(?P<m>[0-5]\d))?\s*(?P<ap>[ap]\.\s?m\.?|[ap]m\b)"
        r"|(?P<h24>[012]?\d):(?P<m24>[0-5]\d)(?!\d|\s*(?:%|percent))"
        r"|(?P<hw>[012]?\d)(?:\s+o'clock|(?=\s+in\s+the\s+(?:morning|afternoon|evening)\b))|(?P<named>noon|midnight|midday))"
        rf"(?P<tz>{TIMEZONE})?"
        r"(?:\s+(?P<pod>in\s+the\s+(?:morning|afternoon|evening)|at\s+night|tonight))?"
        rf"(?:,?\s+(?P<date>(?:(?:this|last|next)\s+)?{WEEKDAY}(?:,\s+{MONTH}\s+{DAY})?|{MONTH}\s+{DAY}(?:,\s+{YEAR})?"
        r"|today|yesterday|tomorrow))?"
    ),
    # this morning, yesterday afternoon, last night, tonight, later this afternoon
    "part_of_day": (
        r"\b(?:(?P<pre>(?:(?:early|late|later|earlier)\s+)?(?:this|yesterday|tomorrow|last|the\s+next|the\s+following)"
        rf"|(?:early|late|mid)[\s-]?)\s*(?P<pod>{PART_OF_DAY})(?:\s+(?P<post>yesterday|today|tomorrow))?"
        r"|(?P<alone>tonight|overnight))\b"
    ),
    # Friday, 12 March 1999 / Thursday, April 6 / Aug. 7, 1998 / 7 August 1998 / March eighth
    "month_day": (
        rf"(?:\b(?P<rel>last|next|this\s+(?:past|coming))\s+)?(?:\b(?P<wd>{WEEKDAY}),?\s+)?(?:(?:the\s+)?(?P<d1>{DAY})\s+(?:of\s+)?(?P<m1>{MONTH})"
        rf"|(?P<m2>{MONTH})\s+(?:the\s+)?(?P<d2>{DAY}))(?:,?\s+(?P<y>{YEAR})\b|(?P<yrel>\s+(?:this|last|next)\s+year))?"
    ),
    # 2025-02-20, 18.12.2025, 12/18/2025, 20250220 (only with separators)
    "numeric_date": (
        r"(?<![\d./-])(?:(?P<iy>\d{4})-(?P<im>[01]?\d)-(?P<id>[0-3]?\d)"
        r"|(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[0-3]?\d)(?P=sep)(?P<c>\d{4}|\d\d))(?![\d/-]|\.\d)"
    ),
    # August 1988, early December, last April, June last year, mid-November, the middle of October
    "month": (
        rf"\b(?:(?P<rel>last|next|this|this\s+past|this\s+coming|(?:(?:late|early)\s+)?last|"
        rf"(?:late|early)\s+next)\s+|(?P<edge>{EDGE_MOD}))?"
        rf"(?P<m>{MONTH})(?:,?\s+(?:of\s+)?(?P<y>{YEAR}|{SPOKEN_YEAR})\b|\s+(?P<yrel>this|last|next)\s+year)?"
    ),
    # the second day of "April 24 and 25", "Nov. 9 to 11, 1998": only the last day is this kind's span
    "second_day": (
        rf"(?-i:(?P<m>{MONTH}))\s+(?:{DAY})\s*(?:and|or|to|through|-|–)\s*(?P<d>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?)"
        rf"(?:,?\s+(?P<y>{YEAR}))?\b(?!\s*(?:%|percent|[a-z]+s\b)|[.,:/-]\d)"
    ),
    # the week of March 6
    "week_of": rf"\bthe\s+week\s+of\s+(?P<m>{MONTH})\s+(?P<d>{DAY})",
    # 1998, fiscal 1989, mid-1996, the end of 1990, the year two thousand, nineteen ninety-seven
    "year": (
        rf"(?:\b(?P<fiscal>fiscal(?:\s+year)?\s+|FY\s?)|(?P<edge>{EDGE_MOD})|\bthe\s+year\s+|\bpost-|\bpre-)?"
        rf"(?<![$#£€\d.,])\b(?P<y>{YEAR}|{SPOKEN_YEAR})\b(?!\s*(?:%|percent)|-\d|\.\d|s\b)"
    ),
    # the 1990s, the early 1980s, the '80s, the nineties, the last half of the '80s
    "decade": (
        r"(?:\b(?P<the>the)\s+(?:(?:first|second|last)\s+half\s+of\s+the\s+)?)?"
        r"(?:(?P<edge>early|late|mid)[\s-]+)?"
        r"(?:(?P<d>1\d\d|20\d)0['’]?s\b|['’](?P<short>\d)0s\b"
        r"|(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b)"
    ),
    # the 20th century, the eleventh century
    "century": rf"\b(?:(?P<the>the)\s+)?(?:(?:early|late|mid)[\s-]+)?(?P<n>{ORDINAL})[\s-]century\b",
    # the third quarter of 1990, this year's third quarter, fiscal second-quarter, Q3 2025, the first half
    "quarter": (
        r"\b(?:(?:the|its|a\s+flat|a\s+strong|a\s+weak)\s+)?"
        r"(?:(?P<yrel>this\s+year's|last\s+year's|next\s+year's|the\s+year-(?:earlier|ago)|year-(?:earlier|ago)|"
        rf"(?P<y0>{YEAR}))\s+)?(?:(?P<fiscal>fiscal)[\s-]+)?"
        r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|final|last)[\s-](?P<unit>quarter|half)(?!s|-(?:century|to|way|mile|point|final))"
        rf"(?:\s+(?:of\s+|in\s+)?(?:(?P<y>{YEAR})\b|(?P<yrel2>this|last|next)\s+year|(?:fiscal\s+)?(?P<y2>{YEAR})))?"
        rf"|\b(?-i:Q(?P<qn>[1-4]))(?:\s+(?:of\s+)?(?P<qy>{YEAR}))?\b|\b(?P<qy2>{YEAR})\s+(?-i:Q(?P<qn2>[1-4]))\b"
        rf"|\b(?-i:(?P<hn>H[12]))\s+(?P<hy>{YEAR})\b"
        rf"|\b(?:the\s+)?(?P<two>first|last)\s+two\s+quarters\s+of\s+(?P<twoy>{YEAR})\b"
    ),
    # the quarter, the latest quarter, the year-ago period, the comparable year-ago quarter
    "quarter_ref": (
        r"\b(?:the|this|that|its|last|next)\s+(?:(?P<mod>latest|current|previous|past|last|same|comparable|"
        r"corresponding|recent|year-earlier|year-ago|(?:comparable|corresponding|same)\s+year-(?:earlier|ago)|"
        rf"(?P<y>{YEAR}))\s+)?(?P<unit>quarter|period)\b(?!s|-)(?:\s+(?P<tail>a\s+year\s+(?:ago|earlier)|last\s+year))?"
    ),
    # last fall, this summer, the winter of 1994
    "season": (
        r"\b(?:(?P<rel>last|next|this|this\s+past|this\s+coming|early|late)\s+|(?P<the>the)\s+(?:(?:early|late)\s+)?)?"
        rf"(?P<s>{SEASON})\b(?:\s+(?:of\s+)?(?P<y>{YEAR}|{SPOKEN_YEAR})\b)?"
    ),
    # today, yesterday, tomorrow, the day after tomorrow, earlier Sunday
    "day_word": (
        r"\b(?:(?P<mod>early|late|earlier|later)\s+)?(?:the\s+day\s+(?P<rel>before|after)\s+)?"
        r"(?P<w>today|yesterday|tomorrow)(?:'s)?\b"
    ),
    # Friday, last Friday, this coming Sunday, Friday morning, Tuesday nights (a set)
    "weekday": (
        r"\b(?:(?P<rel>last|next|this|this\s+coming|this\s+past|coming|the\s+previous|the\s+following|"
        r"(?:early|late|earlier|later)(?:\s+on)?)\s+)?"
        rf"(?P<wd>{WEEKDAY})(?P<plural>s)?(?:'s)?(?:\s+(?P<pod>{PART_OF_DAY})(?P<podpl>s)?)?\b"
    ),
    # this week, last month, next year, the past year, the following month, earlier this year, year-end
    "relative_unit": (
        r"\b(?:(?P<edge>early|late|earlier|later|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|"
        r"the\s+middle\s+of|the\s+rest\s+of|the\s+remainder\s+of|mid)[\s-]+(?:in\s+)?)?"
        r"(?P<rel>this|last|next|the\s+past|the\s+last|the\s+next|the\s+coming|the\s+previous|the\s+following|"
        r"this\s+past|the\s+current|the\s+latest|the\s+full|the\s+entire|the\s+whole|that|the\s+same|the|its)\s+"
        r"(?:(?P<fiscal>fiscal|calendar|financial|school|academic)\s+)?(?P<unit>week|weekend|month|year|decade|century)\b"
        r"(?!-|\s+(?:ago|earlier|later|of\b|or\s+two))"
        r"|\b(?P<ye>year(?:'s)?[\s-]end|year-to-date)\b"
        r"|\b(?P<dayedge>earlier|later)\s+(?:in\s+)?(?P<dayrel>that|the\s+same|that\s+same|the)\s+day\b"
        r"|\b(?P<dayrel2>that\s+same|that|the\s+same)\s+day\b"
    ),
    # ten days ago, a year earlier, two weeks from now, six months later
    "offset": (
        rf"\b(?:(?:about|almost|nearly|some|more\s+than|less\s+than|roughly|around|only|just|over)\s+)?"
        rf"(?P<n>{NUMBER})\s+(?P<unit>{UNIT})\s+(?:or\s+so\s+)?(?P<dir>ago|earlier|before|from\s+now|hence|back)\b"
        r"(?!\s+(?:than|that))"
    ),
    # year-earlier, year-ago (before a noun that is not a quarter or period)
    "year_ago_adj": r"\b(?P<w>year-(?:earlier|ago))\b",
    # daily, weekly, annually, every day, each week, twice a year, each Thursday, $5 a year
    "set": (
        r"\b(?:(?P<adv>daily|weekly|monthly|yearly|annually|hourly|quarterly|nightly|biweekly|fortnightly)\b"
        r"|(?P<freq>(?:once|twice|thrice|\w+\s+times)\s+)?(?P<q>every|each|per|a|an)\s+(?:other\s+)?"
        rf"(?P<unit>{_UNIT_SINGULAR}|{WEEKDAY}|{SEASON}|(?-i:{_MONTH_FULL}))\b(?!\s+(?:ago|earlier|later|or\b))"
        rf"|(?P<wds>{WEEKDAY})s\b)"
    ),
    # three days, the past three months, at least 30 days, the first nine months, 16-hour, the three-year-long war
    "duration": (
        r"\b(?:(?P<pre>(?:the\s+)?(?:(?:past|last|next|first|previous|coming|latest|final|following|same|"
        r"remaining|entire|full|whole|initial|year-earlier|year-ago)\s+)|another\s+|an\s+additional\s+|over\s+(?!the\b)|"
        r"(?:for\s+)?(?:more|less|fewer)\s+than\s+|at\s+least\s+(?:the\s+(?:past|last|next)\s+)?|"
        r"at\s+most\s+|nearly\s+|almost\s+|about\s+|around\s+|roughly\s+|up\s+to\s+|within\s+(?:the\s+(?:past|last|next)\s+)?|"
        r"only\s+|just\s+|no\s+more\s+than\s+|the\s+)+)?"
        rf"(?P<n>{NUMBER})(?:\s+(?:to|or|-)\s+(?P<n2>{NUMBER}))?"
        r"(?:\s+(?:more|additional|full|straight|consecutive|long|trading|business|working|calendar|extra))?"
        rf"(?:\s+|-)(?P<unit>{UNIT})\b(?P<adj>-(?:long|old))?"
        r"(?P<tail>\s+(?:or\s+so|period|term|span)\b)?"
    ),
    # years, recent months, the coming weeks, several years, centuries
    "vague_duration": (
        r"\b(?:(?P<pre>(?:the\s+)?(?:recent|coming|past\s+few|last\s+few|next\s+few|next\s+several|past\s+several|"
        r"first\s+few|early)|many|several|some|a\s+few)\s+)?"
        r"(?P<unit>years|months|weeks|days|hours|minutes|decades|centuries)(?P<adj>-long)?\b"
        r"(?!\s+(?:ago|earlier|later|old|of\s+(?:age|experience)))"
    ),
    # now, currently, recently, the future, soon, the past
    "ref_word": (
        r"\b(?P<present>right\s+now|just\s+now|now|currently|current|at\s+present|presently|these\s+days|nowadays|"
        r"at\s+the\s+moment|for\s+the\s+time\s+being)\b(?!-)"
        r"|\b(?P<past>(?:more\s+|most\s+|until\s+|only\s+|very\s+)?recently|lately|"
        r"the\s+past(?!\s+(?:\w+\s+)?(?:year|month|week|day|decade|quarter|centur|hour|minute|spring|summer|fall|"
        r"autumn|winter|\d)))\b"
        r"|\b(?P<future>the\s+(?:near\s+|distant\s+)?future|future(?=\s+(?:years|months|quarters|weeks))|"
        r"as\s+soon\s+as\s+possible|"
        r"a\s+later\s+date|the\s+(?:near|short|long|medium)\s+term|in\s+due\s+course)\b(?!-)"
    ),
    "holiday": rf"\b(?:(?P<rel>last|next|this)\s+)?(?P<name>{_HOLIDAY_CS})\b(?:\s+(?P<y>{YEAR})\b)?",
}

COMPILED: dict[str, re.Pattern[str]] = {kind: re.compile(p, re.IGNORECASE) for kind, p in PATTERNS.items()}

# When two kinds find the same span, the lower rank wins (more specific kinds first).
RANK = {kind: index for index, kind in enumerate(PATTERNS)}


# Each kind needs one of its trigger words (or, for some, a time-like number) inside its match; the full
# patterns run only in windows around those, since most of a news text holds no time expression.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WEEKDAYS = _words(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri "
    "sat sun mondays tuesdays wednesdays thursdays fridays saturdays sundays"
)
_MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb febr mar apr jun jul aug sep sept oct nov dec"
)
_UNITS = _words(
    "second seconds minute minutes hour hours day days night nights week weeks weekend weekends "
    "month months quarter quarters year years decade decades century centuries"
)
_PARTS = _words("morning afternoon evening night tonight overnight")
_SEASONS = _words("spring summer fall autumn winter")
_SPOKEN = _words("nineteen eighteen twenty thousand")
KIND_TRIGGERS: dict[str, tuple[frozenset[str], bool]] = {
    "clock": (_words("noon midnight midday"), True),
    "part_of_day": (_PARTS, False),
    "month_day": (_MONTHS, False),
    "numeric_date": (frozenset(), True),
    "month": (_MONTHS, False),
    "second_day": (_MONTHS, False),
    "week_of": (_words("week"), False),
    "year": (_SPOKEN, True),
    "decade": (_words("twenties thirties forties fifties sixties seventies eighties nineties"), True),
    "century": (_words("century"), False),
    "quarter": (_words("quarter half q h"), False),
    "quarter_ref": (_words("quarter period"), False),
    "season": (_SEASONS, False),
    "day_word": (_words("today tomorrow yesterday"), False),
    "weekday": (_WEEKDAYS, False),
    "relative_unit": (_UNITS, False),
    "offset": (_UNITS, False),
    "year_ago_adj": (_words("year"), False),
    "set": (
        _UNITS
        | _WEEKDAYS
        | _SEASONS
        | _MONTHS
        | _words("daily weekly monthly yearly annually hourly quarterly nightly biweekly fortnightly"),
        False,
    ),
    "duration": (_UNITS, False),
    "vague_duration": (_UNITS, False),
    "ref_word": (
        _words(
            "now current currently recent recently lately presently present future term moment "
            "past days nowadays time"
        ),
        False,
    ),
    "holiday": (
        _words(
            "christmas new thanksgiving election independence labor memorial veterans easter "
            "valentine halloween boxing"
        ),
        False,
    ),
}
_TRIGGER_TOKEN = re.compile(r"[A-Za-z]+|\d+")
# A number triggers when it can be a year, a decade, a clock, a numeric date or a quarter.
_NUMBER_TRIGGER = re.compile(
    r"(?:1\d\d\d|20\d\d)|\d+(?:[:./-]\d|\s*(?:[ap]\.?m\b|o'clock|in\s+the))|\d0['’]?s\b"
)
WINDOW_BEFORE = 60  # longest prefix a pattern puts before its trigger ("at least the past twenty-four")
WINDOW_AFTER = 60  # longest tail after it ("5 p.m. EST, Thursday, April 6, 2000")


def find_triggers(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Trigger tokens in [start, end): (start, end, lower-cased word or "#" for a time-like number)."""
    found = []
    for m in _TRIGGER_TOKEN.finditer(text, start, end):
        token = m.group(0)
        if token[0].isdigit():
            if _NUMBER_TRIGGER.match(text, m.start(), min(end, m.start() + 12)) or (
                m.start() > 0 and text[m.start() - 1] in "'’"
            ):
                found.append((m.start(), m.end(), "#"))
        else:
            found.append((m.start(), m.end(), token.lower()))
    return found
