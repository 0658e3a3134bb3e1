"""Dossier schemas: actors with aliases and groups, layers, topics, kinds of commitment and stances.

Reads a TOML file (a shipped name from ``storyline/dossiers/`` or a path), validates every key and
returns a frozen ``Dossier``; a schema that does not validate raises ``DossierError`` naming the file,
the key and what is wrong. docs/dossiers.md documents every key.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DossierError

SHIPPED_DIR = Path(__file__).resolve().parent / "dossiers"

# The stances the claim finder and the positions know; a dossier gives the words that signal them.
STANCES = ("commits", "offers", "proposes", "conditions", "refuses", "opposes", "supports", "demands")
ACTOR_KINDS = ("country", "person", "organisation", "group", "place", "other")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class Actor:
    """One actor (a country, person, organisation) or a group of actors, with its aliases."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    layer: str | None = None
    represents: str | None = None  # a person speaking for a country or organisation
    members: tuple[str, ...] = ()  # for groups: actor ids


@dataclass(frozen=True, slots=True)
class Layer:
    id: str
    name: str
    order: int
    signals: tuple[str, ...] = ()
    kind: str | None = None  # the kind of commitment a layer signal stands for when no kind is named
    beside: bool = False  # outside the stack of layers (e.g. NATO membership)


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str
    signals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Kind:
    id: str
    name: str
    signals: tuple[str, ...]
    topic: str
    layer: str | None = None
    unit: str | None = None  # the unit a bare number near this kind counts (e.g. troops)


@dataclass(frozen=True, slots=True)
class Stance:
    id: str
    name: str
    signals: tuple[str, ...]
    negated: str | None = None  # the stance a negated signal turns into (commits -> refuses)


@dataclass(frozen=True, slots=True)
class Dossier:
    """A validated dossier schema."""

    name: str
    title: str
    source: str
    description: str = ""
    actors: tuple[Actor, ...] = ()
    groups: tuple[Actor, ...] = ()
    layers: tuple[Layer, ...] = ()
    topics: tuple[Topic, ...] = ()
    kinds: tuple[Kind, ...] = ()
    stances: tuple[Stance, ...] = ()
    _by_id: dict[str, Actor] = field(default_factory=dict, compare=False, repr=False)

    def actor(self, actor_id: str) -> Actor | None:
        """The actor or group with this id."""
        if not self._by_id:
            self._by_id.update({a.id: a for a in (*self.actors, *self.groups)})
        return self._by_id.get(actor_id)

    def actor_by_name(self, name: str) -> Actor | None:
        """The actor or group whose canonical name is ``name``."""
        for actor in (*self.actors, *self.groups):
            if actor.name == name:
                return actor
        return None

    def layer(self, layer_id: str | None) -> Layer | None:
        return next((la for la in self.layers if la.id == layer_id), None)

    def kind(self, kind_id: str | None) -> Kind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    def stance(self, stance_id: str) -> Stance | None:
        return next((s for s in self.stances if s.id == stance_id), None)


def shipped_dossiers() -> list[str]:
    """The names of the dossiers shipped with storyline."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.toml"))


def load_dossier(name_or_path: str) -> Dossier:
    """A shipped dossier by name, or a TOML file by path, validated."""
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = SHIPPED_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        known = ", ".join(shipped_dossiers())
        raise DossierError(
            f"{name_or_path}: no such dossier file or shipped dossier (shipped: {known})",
            code="dossier.missing",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DossierError(f"{path}: not UTF-8 text ({exc.reason})", code="dossier.bad_toml") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DossierError(f"{path}: not valid TOML ({exc})", code="dossier.bad_toml") from exc
    return parse_dossier(data, source=str(path))


def parse_dossier(data: dict[str, Any], *, source: str = "<dict>") -> Dossier:
    """A ``Dossier`` from parsed TOML data, or ``DossierError`` on the first problem found."""
    check = _Checker(source)
    check.only_keys(data, "", {"dossier", "actors", "groups", "layers", "topics", "kinds", "stances"})
    head = check.table(data, "dossier", required=True)
    check.only_keys(head, "dossier", {"name", "title", "description"})
    name = check.ident(head, "dossier", "name")
    title = check.name(head, "dossier", "title")
    description = check.text(head, "dossier", "description", required=False) or ""

    layers = tuple(_parse_layer(check, i, t) for i, t in enumerate(check.tables(data, "layers")))
    topics = tuple(_parse_topic(check, i, t) for i, t in enumerate(check.tables(data, "topics")))
    kinds = tuple(_parse_kind(check, i, t) for i, t in enumerate(check.tables(data, "kinds")))
    stances = tuple(_parse_stance(check, i, t) for i, t in enumerate(check.tables(data, "stances")))
    actors = tuple(
        _parse_actor(check, i, t, table="actors")
        for i, t in enumerate(check.tables(data, "actors", required=True))
    )
    groups = tuple(
        _parse_actor(check, i, t, table="groups") for i, t in enumerate(check.tables(data, "groups"))
    )
    for table, items in (
        ("layers", layers),
        ("topics", topics),
        ("kinds", kinds),
        ("stances", stances),
    ):
        check.unique(table, [x.id for x in items])
    check.unique("actors/groups", [a.id for a in (*actors, *groups)])
    if not kinds:
        check.fail("kinds", "at least one [[kinds]] table is required", code="dossier.missing_key")
    if not stances:
        check.fail("stances", "at least one [[stances]] table is required", code="dossier.missing_key")

    layer_ids = {la.id for la in layers}
    topic_ids = {t.id for t in topics}
    kind_ids = {k.id for k in kinds}
    stance_ids = {s.id for s in stances}
    actor_ids = {a.id for a in actors}
    group_ids = {g.id for g in groups}
    for i, layer in enumerate(layers):
        check.reference(f"layers[{i}].kind", layer.kind, kind_ids)
    for i, kind in enumerate(kinds):
        check.reference(f"kinds[{i}].topic", kind.topic, topic_ids)
        check.reference(f"kinds[{i}].layer", kind.layer, layer_ids)
    for i, stance in enumerate(stances):
        check.reference(f"stances[{i}].negated", stance.negated, stance_ids)
    for table, members in (("actors", actors), ("groups", groups)):
        for i, actor in enumerate(members):
            check.reference(f"{table}[{i}].layer", actor.layer, layer_ids)
            check.reference(f"{table}[{i}].represents", actor.represents, actor_ids | group_ids)
            for group in actor.groups:
                check.reference(f"{table}[{i}].groups", group, group_ids)
            for member in actor.members:
                check.reference(f"{table}[{i}].members", member, actor_ids | group_ids)
    return Dossier(
        name=name,
        title=title,
        source=source,
        description=description,
        actors=actors,
        groups=groups,
        layers=tuple(sorted(layers, key=lambda la: la.order)),
        topics=topics,
        kinds=kinds,
        stances=stances,
    )


def _parse_actor(check: _Checker, i: int, t: dict[str, Any], *, table: str) -> Actor:
    where = f"{table}[{i}]"
    keys = {"id", "name", "kind", "aliases", "groups", "layer", "represents"}
    check.only_keys(t, where, keys | ({"members"} if table == "groups" else set()))
    kind = check.text(t, where, "kind", required=table == "actors") or "group"
    if kind not in ACTOR_KINDS:
        check.fail(f"{where}.kind", f"{kind!r} is not one of {', '.join(ACTOR_KINDS)}")
    return Actor(
        id=check.ident(t, where, "id"),
        name=check.name(t, where, "name"),
        kind=kind,
        aliases=check.words(t, where, "aliases"),
        groups=check.words(t, where, "groups"),
        layer=check.text(t, where, "layer", required=False),
        represents=check.text(t, where, "represents", required=False),
        members=check.words(t, where, "members"),
    )


def _parse_layer(check: _Checker, i: int, t: dict[str, Any]) -> Layer:
    where = f"layers[{i}]"
    check.only_keys(t, where, {"id", "name", "order", "signals", "kind", "beside"})
    order = t.get("order")
    if not isinstance(order, int) or isinstance(order, bool):
        check.fail(f"{where}.order", "must be an integer", code="dossier.bad_value")
        order = 0
    beside = t.get("beside", False)
    if not isinstance(beside, bool):
        check.fail(f"{where}.beside", "must be true or false", code="dossier.bad_value")
    return Layer(
        id=check.ident(t, where, "id"),
        name=check.name(t, where, "name"),
        order=order,
        signals=check.words(t, where, "signals"),
        kind=check.text(t, where, "kind", required=False),
        beside=beside,
    )


def _parse_topic(check: _Checker, i: int, t: dict[str, Any]) -> Topic:
    where = f"topics[{i}]"
    check.only_keys(t, where, {"id", "name", "signals"})
    return Topic(
        id=check.ident(t, where, "id"),
        name=check.name(t, where, "name"),
        signals=check.words(t, where, "signals"),
    )


def _parse_kind(check: _Checker, i: int, t: dict[str, Any]) -> Kind:
    where = f"kinds[{i}]"
    check.only_keys(t, where, {"id", "name", "signals", "topic", "layer", "unit"})
    return Kind(
        id=check.ident(t, where, "id"),
        name=check.name(t, where, "name"),
        signals=check.words(t, where, "signals", required=True),
        topic=check.name(t, where, "topic"),
        layer=check.text(t, where, "layer", required=False),
        unit=check.text(t, where, "unit", required=False),
    )


def _parse_stance(check: _Checker, i: int, t: dict[str, Any]) -> Stance:
    where = f"stances[{i}]"
    check.only_keys(t, where, {"id", "name", "signals", "negated"})
    stance_id = check.ident(t, where, "id")
    if stance_id not in STANCES:
        check.fail(f"{where}.id", f"{stance_id!r} is not one of {', '.join(STANCES)}")
    return Stance(
        id=stance_id,
        name=check.name(t, where, "name"),
        signals=check.words(t, where, "signals", required=True),
        negated=check.text(t, where, "negated", required=False),
    )


class _Checker:
    """Validation steps that raise ``DossierError`` naming the file and the key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, what: str, *, code: str = "dossier.bad_value") -> None:
        raise DossierError(f"{self.source}: {key}: {what}", code=code)

    def only_keys(self, table: dict[str, Any], where: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                name = f"{where}.{key}" if where else key
                self.fail(
                    name, f"unknown key (allowed: {', '.join(sorted(allowed))})", code="dossier.unknown_key"
                )

    def table(self, data: dict[str, Any], key: str, *, required: bool) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(key, f"the [{key}] table is missing", code="dossier.missing_key")
            return {}
        if not isinstance(value, dict):
            self.fail(key, f"must be a table ([{key}])", code="dossier.bad_type")
        return value

    def tables(self, data: dict[str, Any], key: str, *, required: bool = False) -> list[dict[str, Any]]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(key, f"at least one [[{key}]] table is required", code="dossier.missing_key")
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, f"must be an array of tables ([[{key}]])", code="dossier.bad_type")
        return value

    def text(self, t: dict[str, Any], where: str, key: str, *, required: bool = True) -> str | None:
        value = t.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}", "required key is missing", code="dossier.missing_key")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", "must be a non-empty string", code="dossier.bad_type")
        return value.strip()

    def name(self, t: dict[str, Any], where: str, key: str) -> str:
        """A required non-empty string."""
        value = self.text(t, where, key)
        assert value is not None  # text() raises when a required key is missing
        return value

    def ident(self, t: dict[str, Any], where: str, key: str) -> str:
        value = self.text(t, where, key)
        assert value is not None
        if not _ID.match(value):
            self.fail(f"{where}.{key}", f"{value!r} is not an id (lower-case letters, digits, - and _)")
        return value

    def words(self, t: dict[str, Any], where: str, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = t.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}", "required key is missing", code="dossier.missing_key")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"{where}.{key}", "must be a list of non-empty strings", code="dossier.bad_type")
        if required and not value:
            self.fail(f"{where}.{key}", "must name at least one word or phrase", code="dossier.bad_value")
        return tuple(v.strip() for v in value)

    def unique(self, table: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                self.fail(table, f"id {item!r} is used twice", code="dossier.duplicate_id")
            seen.add(item)

    def reference(self, key: str, value: str | None, known: set[str]) -> None:
        if value is not None and value not in known:
            self.fail(key, f"{value!r} names nothing defined in this dossier", code="dossier.unknown_ref")


_TOKEN = re.compile(r"\w+|[^\w\s]")


@functools.lru_cache(maxsize=4096)
def _phrase_regex(phrase: str, *, ignore_case: bool) -> re.Pattern[str]:
    body = re.escape(phrase.rstrip("*")).replace("'", "['’]").replace(r"\ ", r"\s+")
    body = body.replace(r"\-", r"[-‐‑–]")
    if phrase.endswith("*"):
        body += r"\w*"
    right = r"(?!\w)" if phrase.rstrip("*")[-1].isalnum() else ""
    return re.compile(body + right, re.IGNORECASE if ignore_case else 0)


class PhraseMatcher:
    """Finds whole-word phrases fast: candidates are looked up by their first word, then matched.

    ``*`` ends a word stem ("commit*"); apostrophes, hyphens and spaces match their variants; a
    phrase is matched ignoring case unless it is given with ``ignore_case=False`` (acronyms: "US")."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[int, re.Pattern[str], str]]] = {}
        self._stems: list[tuple[str, re.Pattern[str], str]] = []
        self._starts: re.Pattern[str] | None = None  # every first word, so the scan runs in C

    def add(self, phrase: str, label: str, *, ignore_case: bool = True) -> None:
        phrase = phrase.strip()
        first = _TOKEN.match(phrase)
        if not phrase or first is None:
            return
        regex = _phrase_regex(phrase, ignore_case=ignore_case)
        if phrase.endswith("*") and first.end() >= len(phrase) - 1:
            self._stems.append((first.group().lower(), regex, label))
            self._starts = None
            return
        entries = self._by_first.setdefault(first.group().lower(), [])
        entries.append((-len(phrase), regex, label))
        entries.sort(key=lambda e: e[0])
        self._starts = None

    def _start_pattern(self) -> re.Pattern[str]:
        if self._starts is None:
            words = sorted({*self._by_first, *(stem for stem, _, _ in self._stems)}, key=len, reverse=True)
            alternatives = "|".join(re.escape(w) for w in words) or "(?!)"
            self._starts = re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE)
        return self._starts

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
        """(start, end, label) of every match in ``text[start:end]``, longest first at a position,
        without overlaps, in text order."""
        end = len(text) if end is None else end
        found: list[tuple[int, int, str]] = []
        last_end = start
        starts = self._start_pattern()
        for candidate in starts.finditer(text, start, end):
            pos = candidate.start()
            if pos < last_end:
                continue
            tok = _TOKEN.match(text, pos, end)
            if tok is None:
                continue
            word = tok.group().lower()
            best: tuple[int, int, str] | None = None
            for _, regex, label in self._by_first.get(word, ()):
                m = regex.match(text, pos, end)
                if m and (best is None or m.end() > best[1]):
                    best = (pos, m.end(), label)
            for stem, regex, label in self._stems:
                if word.startswith(stem):
                    m = regex.match(text, pos, end)
                    if m and (best is None or m.end() > best[1]):
                        best = (pos, m.end(), label)
            if best is not None:
                found.append(best)
                last_end = best[1]
        return found


def phrase_matcher(labelled: list[tuple[str, str]], *, ignore_case: bool = True) -> PhraseMatcher:
    """A matcher over (phrase, label) pairs."""
    matcher = PhraseMatcher()
    for phrase, label in labelled:
        matcher.add(phrase, label, ignore_case=ignore_case)
    return matcher


def normalise_phrase(text: str) -> str:
    """The lookup key of an alias or a mention: lower case, straight apostrophes, single spaces."""
    return " ".join(text.replace("’", "'").replace("‐", "-").lower().split())
