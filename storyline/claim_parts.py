"""The parts of a claim read from its sentence: quantities, conditions, modality and negation.

Pure functions over a text and a sentence span (and spaCy tokens for modality and negation);
``claims.py`` assembles them into ``Claim`` objects.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Quantity, Span

_SCALE = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONEY = re.compile(
    rf"(?P<cur>US\$|\$|€|£)\s?(?P<num>{_NUMBER})(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn)\b)?"
    rf"|(?P<num2>{_NUMBER})\s?(?P<scale2>thousand|million|billion|trillion)?\s(?P<cur2>dollars|euros|pounds)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"(?P<num>{_NUMBER})\s?(?:%|percent\b|per cent\b)(?P<gdp>\s+of\s+(?:(?:its|their|the)\s+)?"
    r"(?:GDP|gross domestic product|economic output))?",
    re.IGNORECASE,
)
_COUNT = re.compile(
    rf"(?P<num>{_NUMBER})(?:\s?(?P<scale>thousand|million)\b)?(?:-strong|\s+(?P<unit>troops|soldiers|personnel|"
    r"peacekeepers|servicemen|service members|jets|aircraft|tanks|missiles|shells))?",
    re.IGNORECASE,
)
_BY_YEAR = re.compile(r"^\s*(?:troops\s+)?by\s+(?P<year>(?:19|20)\d\d)\b")
_CURRENCY = {
    "$": "USD",
    "us$": "USD",
    "dollars": "USD",
    "€": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "pounds": "GBP",
}
_COUNT_UNITS = {
    "soldiers": "troops",
    "personnel": "troops",
    "peacekeepers": "troops",
    "servicemen": "troops",
    "service members": "troops",
}

# "if Washington committed to ..." and "only be viable with substantial US backing"
_CONDITION = re.compile(
    r"\b(?:only\s+if|if|unless|provided\s+that|providing\s+that|on\s+condition\s+that|as\s+long\s+as|"
    r"conditional\s+on|conditioned\s+on)\b|(?<=viable\s)with\b|(?<=possible\s)with\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"\s[—–]\s|\s--\s|;|,\s+but\b|,\s+and\b|,|\(|[.!?](?=\s|$)")
_MODALS = {"could", "would", "will", "must", "may", "might", "should", "can", "shall"}
_NEED = re.compile(r"\b(?:need|needs|needed|has|have|had)\s+to\b", re.IGNORECASE)
_NEGATIONS = {"not", "n't", "no", "never", "without", "neither", "nor", "none"}


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def find_quantities(text: str, span: Span, *, count_unit: str | None = None) -> list[tuple[Span, Quantity]]:
    """Money, shares of GDP and counts (troops) in ``text[span]``, each with its span; no overlaps.

    A bare number counts ``count_unit`` (the kind's unit, e.g. troops) when it is not a year."""
    piece = text[span.start : span.end]
    found: list[tuple[Span, Quantity]] = []

    def add(start: int, end: int, value: float, unit: str) -> None:
        a, b = span.start + start, span.start + end
        if any(s.start < b and a < s.end for s, _ in found):
            return
        by = _BY_YEAR.match(piece[end:])
        if by:
            b = span.start + end + by.end()
        found.append(
            (
                Span(a, b),
                Quantity(value=value, unit=unit, text=text[a:b], by=by.group("year") if by else None),
            )
        )

    for m in _MONEY.finditer(piece):
        num = m.group("num") or m.group("num2")
        scale = (m.group("scale") or m.group("scale2") or "").lower()
        cur = (m.group("cur") or m.group("cur2")).lower()
        add(m.start(), m.end(), _number(num) * _SCALE.get(scale, 1.0), _CURRENCY.get(cur, cur.upper()))
    for m in _PERCENT.finditer(piece):
        add(m.start(), m.end(), _number(m.group("num")), "percent_gdp" if m.group("gdp") else "percent")
    for m in _COUNT.finditer(piece):
        value = _number(m.group("num")) * _SCALE.get((m.group("scale") or "").lower(), 1.0)
        unit = m.group("unit")
        strong = m.group().lower().endswith("-strong")
        if unit:
            add(m.start(), m.end(), value, _COUNT_UNITS.get(unit.lower(), unit.lower()))
        elif (
            (strong or count_unit == "troops")
            and value >= 100
            and not _is_year(m.group("num"), piece, m.start())
        ):
            add(m.start(), m.end(), value, "troops")
        elif (
            count_unit
            and count_unit not in {"troops", "USD", "percent_gdp"}
            and not _is_year(m.group("num"), piece, m.start())
        ):
            add(m.start(), m.end(), value, count_unit)
    found.sort(key=lambda x: x[0].start)
    return found


def _is_year(num: str, piece: str, start: int) -> bool:
    if not re.fullmatch(r"(?:19|20)\d\d", num):
        return False
    return True if start == 0 else not piece[:start].rstrip().endswith(("to", "of"))


def find_conditions(text: str, span: Span) -> list[Span]:
    """Condition clauses ("if Washington committed to providing air cover ...") inside ``text[span]``."""
    piece = text[span.start : span.end]
    spans: list[Span] = []
    for m in _CONDITION.finditer(piece):
        end = _CLAUSE_END.search(piece, m.end())
        stop = end.start() if end else len(piece)
        clause = piece[m.start() : stop].rstrip(" ,;:\"'”’")
        if len(clause.split()) >= 2:
            spans.append(Span(span.start + m.start(), span.start + m.start() + len(clause)))
    return spans


def find_modality(tokens: list[Any]) -> str | None:
    """The modal of a clause ("could", "would need to", "must"), read from its tokens."""
    words = [t.lower_ for t in tokens]
    phrase = " ".join(words)
    for i, word in enumerate(words):
        if word in _MODALS or word == "'ll" or word == "wo":
            modal = {"'ll": "will", "wo": "will"}.get(word, word)
            rest = " ".join(words[i + 1 : i + 4])
            need = _NEED.match(rest)
            return f"{modal} {need.group()}" if need else modal
    need = _NEED.search(phrase)
    if need:
        return need.group().lower()
    return None


def is_negated(tokens: list[Any]) -> bool:
    """Whether a clause's tokens carry a negation ("not", "no intention", "never", "won't")."""
    return any(t.lower_ in _NEGATIONS or t.dep_ == "neg" for t in tokens)
