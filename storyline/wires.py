"""News agencies (wires): their names as datelines and notices write them, and the reporting chain.

Reads the text of a report; tells which agency a dateline tag, a copyright or subscription notice or
a credit line names, and which outlet reports "citing" whom.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import Article

# Canonical agency name -> the spellings met in datelines "(AFP)", notices and credits.
AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "Xinhua": ("Xinhua", "Xinhua News Agency"),
    "Anadolu": ("AA", "Anadolu", "Anadolu Agency", "Anadolu Ajansi"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "EFE": ("EFE", "Agencia EFE"),
    "ANSA": ("ANSA",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "PTI": ("PTI", "Press Trust of India"),
    "IANS": ("IANS", "Indo-Asian News Service"),
    "UPI": ("UPI", "United Press International"),
    "Yonhap": ("Yonhap", "Yonhap News Agency"),
    "TASS": ("TASS", "ITAR-TASS"),
    "Interfax": ("Interfax",),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Ukrinform": ("Ukrinform",),
    "APA": ("APA", "Austria Presse Agentur"),
    "Bernama": ("Bernama",),
    "Antara": ("Antara",),
    "IRNA": ("IRNA",),
    "MENA": ("MENA",),
    "WAM": ("WAM",),
    "SPA": ("SPA",),
    "PAP": ("PAP",),
    "CTK": ("CTK",),
    "BTA": ("BTA",),
    "Belga": ("Belga",),
    "NTB": ("NTB",),
    "TT": ("TT",),
    "Lusa": ("Lusa",),
    "CNA": ("CNA", "Central News Agency"),
    "AAP": ("AAP", "Australian Associated Press"),
    "CP": ("CP", "The Canadian Press"),
    "Bloomberg": ("Bloomberg",),
}
_BY_SPELLING = {s.lower(): name for name, spellings in AGENCIES.items() for s in spellings}
AGENCY_RE = "|".join(
    sorted((re.escape(s) for spellings in AGENCIES.values() for s in spellings), key=len, reverse=True)
)

# Notices a wire's copy carries at its foot: "Copyright Agence France-Presse", "(c) 2016 The Associated
# Press", Anadolu's "Anadolu Agency website contains only a portion of the news stories ...".
_NOTICE = re.compile(
    rf"(?i:copyright|©|\(c\))\s*(?:\d{{4}}\s*)?(?P<a>{AGENCY_RE})\b|(?P<b>{AGENCY_RE})\s+(?:website|news broadcasting system)",
)
# Reuters' credit line: "(Reporting by Valerie Volcovici; Editing by Will Dunham)".
_REUTERS_CREDIT = re.compile(r"\(\s*(?:Reporting|Writing|Additional reporting) by [^)]*\bEditing by\b")
# "Caliber.Az reports, citing foreign media"
_CITING = re.compile(
    r"(?P<outlet>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3}) (?:reports|reported|has reported|writes|wrote),"
    r" (?P<cited>citing [^.;,\n]{2,80})"
)
# An outlet named in its own notice ("Anadolu Agency website contains ..."), for reports given without one.
_OWN_SITE = re.compile(rf"^(?P<outlet>{AGENCY_RE}) website\b", re.M)


def canonical_agency(spelling: str) -> str | None:
    """The canonical agency for a spelling ("Agence France-Presse" -> "AFP"), or None."""
    return _BY_SPELLING.get(spelling.strip().lower())


def agency_in_notice(notice: str) -> str | None:
    """The agency a copyright or subscription notice names, or None."""
    match = _NOTICE.search(notice)
    if match is None:
        return None
    return canonical_agency(match.group("a") or match.group("b"))


def agency_in_credit(text: str) -> str | None:
    """Reuters when the text carries its "(Reporting by ...; Editing by ...)" credit line."""
    return "Reuters" if "Editing by" in text and _REUTERS_CREDIT.search(text) else None


def find_provenance(text: str) -> tuple[str, str] | None:
    """``(outlet, "citing ...")`` for a report that names its own outlet and the source it cites."""
    match = _CITING.search(text) if "citing " in text else None
    if match is None:
        return None
    return match.group("outlet"), match.group("cited").strip()


def outlet_of_notice(notice: str) -> str | None:
    """The outlet whose own website notice this is ("Anadolu Agency website ..." -> "Anadolu Agency")."""
    match = _OWN_SITE.search(notice)
    return match.group("outlet") if match else None


def inherit_wire(copies: Iterable[Article]) -> None:
    """Give every article of one syndication group without a wire the wire its group agrees on.

    A copy that drops the agency tag (seed 000 is AFP's dispatch with neither "(AFP)" nor the notice)
    is still the agency's story once dedup has grouped it with a copy that keeps the tag.
    """
    group = list(copies)
    wires = {a.wire for a in group if a.wire}
    if len(wires) != 1:
        return
    (wire,) = wires
    for article in group:
        if article.wire is None:
            article.wire = wire
