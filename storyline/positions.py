"""Positions over time and the dossier's layered picture as of a date.

Reads claims with their article metadata (``ClaimRow``); returns ``Position`` objects (an actor's
stances on a topic, dated, with the points where they change) and a JSON-ready picture, layer by layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .dossier import Dossier
from .model import Claim, Position, PositionPoint

# When one actor takes several stances on a topic on one day, the most binding one stands for the
# day: a commitment outweighs an offer, which outweighs a demand made of others.
STANCE_WEIGHT = {
    "commits": 8,
    "refuses": 7,
    "offers": 6,
    "proposes": 5,
    "conditions": 4,
    "opposes": 3,
    "supports": 2,
    "demands": 1,
}
_UNIT_TEXT = {"USD": "$", "EUR": "€", "GBP": "£"}


@dataclass(slots=True)
class ClaimRow:
    """One claim with the article metadata the positions need (the lead builds these from the store)."""

    claim: Claim
    article: str  # article id
    published: str | None = None  # YYYY-MM-DD
    outlet: str | None = None
    outlets: Sequence[str] = ()  # every outlet that carried the article's syndication group
    evidence_text: str = ""  # the sentence behind the claim
    group: str | None = None  # syndication group id: copies of one report count once

    @property
    def date(self) -> str | None:
        return self.claim.date or self.published


@dataclass(slots=True)
class _Point:
    date: str
    stance: str
    rows: list[ClaimRow] = field(default_factory=list)

    @property
    def best(self) -> ClaimRow:
        # the direct statement (not reported by someone else) with the most detail speaks for the day
        return min(
            self.rows,
            key=lambda r: (
                r.claim.reported_by is not None,
                r.claim.quantity is None,
                r.claim.condition is None,
                r.article,
            ),
        )

    def outlets(self) -> list[str]:
        names: set[str] = set()
        for row in self.rows:
            names.update(o for o in row.outlets if o)
            if row.outlet:
                names.add(row.outlet)
        return sorted(names)


def summarise(claim: Claim) -> str:
    """A one-line summary of a claim: stance, object, quantity, condition."""
    parts = [claim.stance, claim.object or claim.kind or ""]
    if claim.quantity is not None:
        parts.append(f"({describe_quantity(claim.quantity.value, claim.quantity.unit, claim.quantity.by)})")
    if claim.modality:
        parts.append(f"[{claim.modality}]")
    if claim.condition:
        parts.append(f"- {claim.condition}")
    return " ".join(p for p in parts if p).strip()


def describe_quantity(value: float, unit: str, by: str | None = None) -> str:
    """ "$1.5 billion", "4.5% of GDP", "300,000 troops by 2035"."""
    if unit in _UNIT_TEXT:
        for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if value >= scale:
                text = f"{_UNIT_TEXT[unit]}{value / scale:g} {word}"
                break
        else:
            text = f"{_UNIT_TEXT[unit]}{value:,.0f}"
    elif unit == "percent_gdp":
        text = f"{value:g}% of GDP"
    elif unit == "percent":
        text = f"{value:g}%"
    else:
        text = f"{value:,.0f} {unit}"
    return f"{text} by {by}" if by else text


def _dated(rows: Iterable[ClaimRow], as_of: str | None) -> list[ClaimRow]:
    out = []
    for row in rows:
        date = row.date
        if date is None or row.claim.topic is None:
            continue
        if as_of is not None and date[:10] > as_of:
            continue
        out.append(row)
    return out


def _points(rows: list[ClaimRow]) -> list[_Point]:
    """One point per day: the weightiest stance of the day, with every row that took it."""
    by_day: dict[str, dict[str, _Point]] = {}
    for row in rows:
        day = (row.date or "")[:10]
        stances = by_day.setdefault(day, {})
        stances.setdefault(row.claim.stance, _Point(day, row.claim.stance)).rows.append(row)
    points = []
    for day in sorted(by_day):
        points.append(max(by_day[day].values(), key=lambda p: (STANCE_WEIGHT.get(p.stance, 0), len(p.rows))))
    return points


def _grouped(rows: list[ClaimRow]) -> dict[tuple[str, str], list[ClaimRow]]:
    groups: dict[tuple[str, str], list[ClaimRow]] = {}
    for row in rows:
        assert row.claim.topic is not None
        groups.setdefault((row.claim.actor, row.claim.topic), []).append(row)
    return groups


def build_positions(claims_with_meta: Iterable[ClaimRow], *, as_of: str | None = None) -> list[Position]:
    """Per actor and topic, the stances over time; ``changed`` marks a point whose stance differs."""
    positions = []
    for (actor, topic), rows in sorted(_grouped(_dated(claims_with_meta, as_of)).items()):
        points: list[PositionPoint] = []
        for point in _points(rows):
            best = point.best
            points.append(
                PositionPoint(
                    date=point.date,
                    stance=point.stance,
                    summary=summarise(best.claim),
                    article=best.article,
                    evidence=best.claim.evidence,
                    changed=bool(points) and points[-1].stance != point.stance,
                )
            )
        positions.append(Position(actor=actor, topic=topic, points=points))
    return positions


def _home_layer(dossier: Dossier, actor: str, claim_layer: str | None) -> str | None:
    """Where an actor's claim shows: the actor's own layer, unless the claim is about a side topic."""
    layer = dossier.layer(claim_layer)
    if layer is not None and layer.beside:
        return layer.id
    known = dossier.actor_by_name(actor)
    if known is not None and known.layer:
        return known.layer
    return claim_layer


def dossier_picture(
    dossier: Dossier, claims_with_meta: Iterable[ClaimRow], as_of: str | None = None
) -> dict[str, Any]:
    """The layered picture as of a date: per layer, each actor's latest position per topic, with
    its date, evidence and outlets, and each actor's history of positions."""
    rows = _dated(claims_with_meta, as_of)
    topic_names = {t.id: t.name for t in dossier.topics}
    sections: dict[str | None, dict[str, dict[str, list[ClaimRow]]]] = {la.id: {} for la in dossier.layers}
    sections[None] = {}
    for row in rows:
        layer = _home_layer(dossier, row.claim.actor, row.claim.layer)
        section = sections.setdefault(layer if layer in sections else None, {})
        assert row.claim.topic is not None
        section.setdefault(row.claim.actor, {}).setdefault(row.claim.topic, []).append(row)
    for actor in (*dossier.actors, *dossier.groups):
        if actor.layer is not None and actor.layer in sections:
            sections[actor.layer].setdefault(actor.name, {})

    def actor_entry(actor: str, topics: dict[str, list[ClaimRow]]) -> dict[str, Any]:
        latest, history = [], []
        for topic, topic_rows in sorted(topics.items()):
            points = _points(topic_rows)
            previous = None
            for point in points:
                history.append(
                    {
                        "topic": topic,
                        "date": point.date,
                        "stance": point.stance,
                        "changed": previous is not None and previous != point.stance,
                        "article": point.best.article,
                    }
                )
                previous = point.stance
            last = points[-1]
            best = last.best
            latest.append(
                {
                    "topic": topic,
                    "topic_name": topic_names.get(topic, topic),
                    "stance": last.stance,
                    "date": last.date,
                    "summary": summarise(best.claim),
                    "kind": best.claim.kind,
                    "quantity": _quantity_dict(best.claim),
                    "condition": best.claim.condition,
                    "negated": best.claim.negated,
                    "modality": best.claim.modality,
                    "reported_by": best.claim.reported_by,
                    "evidence": best.evidence_text,
                    "evidence_span": best.claim.evidence.as_list(),
                    "article": best.article,
                    "outlets": last.outlets(),
                    "details": sorted({summarise(r.claim) for r in last.rows} - {summarise(best.claim)}),
                    "changed": len(points) > 1 and points[-2].stance != last.stance,
                }
            )
        history.sort(key=lambda h: (h["date"], h["topic"]))
        return {"actor": actor, "positions": latest, "history": history}

    layers = []
    for schema_layer in dossier.layers:
        actors = sections.get(schema_layer.id, {})
        layers.append(
            {
                "id": schema_layer.id,
                "name": schema_layer.name,
                "order": schema_layer.order,
                "beside": schema_layer.beside,
                "actors": [actor_entry(a, t) for a, t in sorted(actors.items(), key=_actor_order)],
            }
        )
    return {
        "dossier": dossier.name,
        "title": dossier.title,
        "as_of": as_of,
        "layers": layers,
        "other_actors": [actor_entry(a, t) for a, t in sorted(sections[None].items(), key=_actor_order)],
    }


def _actor_order(item: tuple[str, dict[str, list[ClaimRow]]]) -> tuple[int, str]:
    # actors with positions first, then the schema's members without any yet
    return (0 if item[1] else 1, item[0])


def _quantity_dict(claim: Claim) -> dict[str, Any] | None:
    q = claim.quantity
    if q is None:
        return None
    return {"value": q.value, "unit": q.unit, "text": q.text, "by": q.by}


def render_picture_text(picture: dict[str, Any]) -> str:
    """The picture as plain text, layer by layer and actor by actor."""
    lines = [f"{picture['title']}" + (f" (as of {picture['as_of']})" if picture.get("as_of") else "")]
    sections = [*picture["layers"]]
    if picture.get("other_actors"):
        sections.append({"name": "Other actors", "actors": picture["other_actors"], "beside": True})
    for section in sections:
        lines.append("")
        lines.append(section["name"])
        if not section["actors"]:
            lines.append("  (no actor yet)")
        for entry in section["actors"]:
            if not entry["positions"]:
                lines.append(f"  {entry['actor']}: no position recorded")
                continue
            lines.append(f"  {entry['actor']}")
            for pos in entry["positions"]:
                reported = f", reported by {pos['reported_by']}" if pos.get("reported_by") else ""
                change = " (changed)" if pos.get("changed") else ""
                lines.append(f"    {pos['topic_name']}: {pos['summary']} - {pos['date']}{change}{reported}")
                for detail in pos.get("details", []):
                    lines.append(f"      also: {detail}")
                evidence = " ".join(pos["evidence"].split())
                if len(evidence) > 200:
                    evidence = evidence[:197] + "..."
                lines.append(f'      "{evidence}"')
                outlets = ", ".join(pos["outlets"]) or "outlet unknown"
                lines.append(f"      article {pos['article']}; carried by {outlets}")
            if len(entry["history"]) > len(entry["positions"]):
                steps = "; ".join(
                    f"{h['date']} {h['stance']}{'*' if h['changed'] else ''} ({h['topic']})"
                    for h in entry["history"]
                )
                lines.append(f"    history: {steps}")
    return "\n".join(lines) + "\n"
