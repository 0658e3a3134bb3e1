"""Terms of office of well-known office holders, to date a report that names them in office.

Reads a text; tells which holders it names with their title ("NATO Secretary General Mark Rutte")
and which days are consistent with all of them being in office at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

OPEN = dt.date.max  # a term still running


@dataclass(frozen=True, slots=True)
class Holder:
    """One person, the titles that put them in office, and their terms ``[start, end)``."""

    label: str  # the name as printed in notes
    name: str  # regex for the name as reports write it
    titles: str  # regex for the titles written just before the name
    terms: tuple[tuple[dt.date, dt.date], ...]


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


_US_PRES = r"(?:U\.?S\.? |American |US )?President"
_UK_PM = r"(?:British |UK |U\.K\. )?Prime Minister|(?:British |UK )?PM"
_NATO_SG = r"(?:NATO )?Secretary[- ]General|NATO (?:chief|head|boss)"
_UN_SG = r"(?:UN |U\.N\. )?Secretary[- ]General|UN chief"
_SEC_STATE = r"(?:U\.?S\.? |US )?Secretary of State"

# Terms from the public record (inauguration or appointment day to the successor's).
HOLDERS: tuple[Holder, ...] = (
    Holder("Bill Clinton", r"Bill Clinton", _US_PRES, ((_d("1993-01-20"), _d("2001-01-20")),)),
    Holder("George W. Bush", r"George W\.? Bush", _US_PRES, ((_d("2001-01-20"), _d("2009-01-20")),)),
    Holder("Barack Obama", r"Barack Obama", _US_PRES, ((_d("2009-01-20"), _d("2017-01-20")),)),
    Holder(
        "Donald Trump",
        r"Donald (?:J\. )?Trump",
        _US_PRES,
        ((_d("2017-01-20"), _d("2021-01-20")), (_d("2025-01-20"), OPEN)),
    ),
    Holder("Joe Biden", r"Joe Biden", _US_PRES, ((_d("2021-01-20"), _d("2025-01-20")),)),
    Holder(
        "Hillary Clinton", r"Hillary (?:Rodham )?Clinton", _SEC_STATE, ((_d("2009-01-21"), _d("2013-02-01")),)
    ),
    Holder("John Kerry", r"John Kerry", _SEC_STATE, ((_d("2013-02-01"), _d("2017-01-20")),)),
    Holder("Rex Tillerson", r"Rex Tillerson", _SEC_STATE, ((_d("2017-02-01"), _d("2018-03-31")),)),
    Holder("Mike Pompeo", r"Mike Pompeo", _SEC_STATE, ((_d("2018-04-26"), _d("2021-01-20")),)),
    Holder("Antony Blinken", r"Antony Blinken", _SEC_STATE, ((_d("2021-01-26"), _d("2025-01-20")),)),
    Holder("Marco Rubio", r"Marco Rubio", _SEC_STATE, ((_d("2025-01-21"), OPEN),)),
    Holder("Tony Blair", r"Tony Blair", _UK_PM, ((_d("1997-05-02"), _d("2007-06-27")),)),
    Holder("Gordon Brown", r"Gordon Brown", _UK_PM, ((_d("2007-06-27"), _d("2010-05-11")),)),
    Holder("David Cameron", r"David Cameron", _UK_PM, ((_d("2010-05-11"), _d("2016-07-13")),)),
    Holder("Theresa May", r"Theresa May", _UK_PM, ((_d("2016-07-13"), _d("2019-07-24")),)),
    Holder("Boris Johnson", r"Boris Johnson", _UK_PM, ((_d("2019-07-24"), _d("2022-09-06")),)),
    Holder("Liz Truss", r"Liz Truss", _UK_PM, ((_d("2022-09-06"), _d("2022-10-25")),)),
    Holder("Rishi Sunak", r"Rishi Sunak", _UK_PM, ((_d("2022-10-25"), _d("2024-07-05")),)),
    Holder("Keir Starmer", r"Keir Starmer", _UK_PM, ((_d("2024-07-05"), OPEN),)),
    Holder(
        "Jacques Chirac", r"Jacques Chirac", r"(?:French )?President", ((_d("1995-05-17"), _d("2007-05-16")),)
    ),
    Holder(
        "Nicolas Sarkozy",
        r"Nicolas Sarkozy",
        r"(?:French )?President",
        ((_d("2007-05-16"), _d("2012-05-15")),),
    ),
    Holder(
        "François Hollande",
        r"Fran[cç]ois Hollande",
        r"(?:French )?President",
        ((_d("2012-05-15"), _d("2017-05-14")),),
    ),
    Holder("Emmanuel Macron", r"Emmanuel Macron", r"(?:French )?President", ((_d("2017-05-14"), OPEN),)),
    Holder(
        "Angela Merkel", r"Angela Merkel", r"(?:German )?Chancellor", ((_d("2005-11-22"), _d("2021-12-08")),)
    ),
    Holder("Olaf Scholz", r"Olaf Scholz", r"(?:German )?Chancellor", ((_d("2021-12-08"), _d("2025-05-06")),)),
    Holder("Friedrich Merz", r"Friedrich Merz", r"(?:German )?Chancellor", ((_d("2025-05-06"), OPEN),)),
    Holder(
        "Petro Poroshenko",
        r"Petro Poroshenko",
        r"(?:Ukrainian )?President",
        ((_d("2014-06-07"), _d("2019-05-20")),),
    ),
    Holder(
        "Volodymyr Zelensky",
        r"Volodymyr Zelensk(?:y|yy|iy)",
        r"(?:Ukrainian )?President",
        ((_d("2019-05-20"), OPEN),),
    ),
    Holder(
        "Vladimir Putin",
        r"Vladimir Putin",
        r"(?:Russian )?President",
        ((_d("2000-05-07"), _d("2008-05-07")), (_d("2012-05-07"), OPEN)),
    ),
    Holder(
        "Dmitry Medvedev",
        r"Dmitry Medvedev",
        r"(?:Russian )?President",
        ((_d("2008-05-07"), _d("2012-05-07")),),
    ),
    Holder(
        "Anders Fogh Rasmussen", r"Anders Fogh Rasmussen", _NATO_SG, ((_d("2009-08-01"), _d("2014-10-01")),)
    ),
    Holder("Jens Stoltenberg", r"Jens Stoltenberg", _NATO_SG, ((_d("2014-10-01"), _d("2024-10-01")),)),
    Holder("Mark Rutte", r"Mark Rutte", _NATO_SG, ((_d("2024-10-01"), OPEN),)),
    Holder("Kofi Annan", r"Kofi Annan", _UN_SG, ((_d("1997-01-01"), _d("2007-01-01")),)),
    Holder("Ban Ki-moon", r"Ban Ki-moon", _UN_SG, ((_d("2007-01-01"), _d("2017-01-01")),)),
    Holder("António Guterres", r"Ant[oó]nio Guterres", _UN_SG, ((_d("2017-01-01"), OPEN),)),
    Holder(
        "Jean-Claude Juncker",
        r"Jean-Claude Juncker",
        r"(?:European )?Commission President",
        ((_d("2014-11-01"), _d("2019-12-01")),),
    ),
    Holder(
        "Ursula von der Leyen",
        r"Ursula von der Leyen",
        r"(?:European |EU )?(?:Commission )?President",
        ((_d("2019-12-01"), OPEN),),
    ),
    Holder("Alar Karis", r"Alar Karis", r"(?:Estonian )?President", ((_d("2021-10-11"), OPEN),)),
    Holder("Peter Pellegrini", r"Peter Pellegrini", r"(?:Slovak )?President", ((_d("2024-06-15"), OPEN),)),
    Holder("Giorgia Meloni", r"Giorgia Meloni", r"(?:Italian )?Prime Minister", ((_d("2022-10-22"), OPEN),)),
    Holder("Xi Jinping", r"Xi Jinping", r"(?:Chinese )?President", ((_d("2013-03-14"), OPEN),)),
    Holder("Narendra Modi", r"Narendra Modi", r"(?:Indian )?Prime Minister", ((_d("2014-05-26"), OPEN),)),
)

# "former President Barack Obama" names a holder out of office; it says nothing about the date.
_FORMER = re.compile(r"(?:former|ex-|late|then-?)\s*$", re.IGNORECASE)
_PATTERNS = tuple(re.compile(rf"\b(?:{h.titles})\s+(?:{h.name})\b") for h in HOLDERS)


def holders_in_office(text: str) -> list[Holder]:
    """The holders ``text`` names with their title and not as "former"."""
    named = []
    for holder, pattern in zip(HOLDERS, _PATTERNS, strict=True):
        for match in pattern.finditer(text):
            if not _FORMER.search(text[max(0, match.start() - 12) : match.start()]):
                named.append(holder)
                break
    return named


def consistent(day: dt.date, holders: list[Holder]) -> bool:
    """True when every holder was in office on ``day``."""
    return all(any(start <= day < end for start, end in h.terms) for h in holders)


def consistent_years(month: int, day: int, holders: list[Holder], *, until: dt.date) -> list[int]:
    """The years whose ``month``/``day`` falls in every holder's term, not after ``until`` (none without holders)."""
    if not holders:
        return []
    first = max(min(start for start, _ in h.terms) for h in holders).year
    years = []
    for year in range(first, until.year + 1):
        if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            continue
        candidate = dt.date(year, month, day)
        if candidate <= until and consistent(candidate, holders):
            years.append(year)
    return years


def earliest_year(month: int, day: int, holders: list[Holder], *, until: dt.date) -> int | None:
    """The earliest year whose ``month``/``day`` falls in every holder's term (and not after ``until``)."""
    years = consistent_years(month, day, holders, until=until)
    return years[0] if years else None
