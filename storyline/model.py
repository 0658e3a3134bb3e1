"""The data model: plain dataclasses that every stage reads and fills.

Every span is a character offset ``[start, end)`` into ``Article.text`` as read; no stage rewrites
the text. ``to_dict``/``from_dict`` serialise any model object to JSON-ready dicts generically.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into an article's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def text(self, source: str) -> str:
        return source[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def as_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(slots=True)
class Region:
    """A labelled span: a boilerplate region ("share", "image", "teaser", "copyright", ...)."""

    start: int
    end: int
    kind: str


@dataclass(slots=True)
class ArticleError:
    """A typed reason recorded on an article when a stage could not do its job."""

    code: str
    message: str
    stage: str = ""


@dataclass(slots=True)
class RawDocument:
    """What a reader yields: text or HTML with its origin, before cleaning."""

    source: str  # the path as given by the user
    origin: str  # the precise origin: path, path#line, path#record, url
    text: str | None = None
    html: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # id, title, url, outlet, published, ...
    encoding: str | None = None
    errors: list[ArticleError] = field(default_factory=list)


@dataclass(slots=True)
class PublishedDate:
    """A publication date with where it came from and how sure we are."""

    value: str  # YYYY-MM-DD
    source: str  # metadata | html | dateline | header | text | inferred
    confidence: float
    evidence: Span | None = None
    inferred: bool = False
    note: str = ""


@dataclass(slots=True)
class Entity:
    start: int
    end: int
    text: str
    label: str
    canonical: str | None = None


@dataclass(slots=True)
class Quote:
    kind: str  # direct | mixed | indirect
    content: Span
    cue: Span | None = None
    speaker_mention: Span | None = None
    speaker: str | None = None


@dataclass(slots=True)
class Timex:
    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str


@dataclass(slots=True)
class Quantity:
    value: float
    unit: str  # troops | USD | EUR | percent_gdp | ...
    text: str
    by: str | None = None  # "by 2035"


@dataclass(slots=True)
class Claim:
    """A commitment or position of an actor, under a dossier schema, with its evidence."""

    actor: str
    stance: str  # commits | offers | proposes | conditions | refuses | opposes | supports | demands
    evidence: Span
    kind: str | None = None  # troops | air_cover | funding | weapons | intelligence | membership_consent
    object: str | None = None
    layer: str | None = None
    topic: str | None = None
    quantity: Quantity | None = None
    condition: str | None = None
    negated: bool = False
    modality: str | None = None  # could | would | will | must | may
    date: str | None = None
    reported_by: str | None = None
    actor_mention: Span | None = None


@dataclass(slots=True)
class Article:
    """One report as read, cleaned and analysed."""

    id: str
    source: str
    text: str
    origin: str = ""
    body: list[Span] = field(default_factory=list)
    boilerplate: list[Region] = field(default_factory=list)
    title: str | None = None
    title_span: Span | None = None
    outlet: str | None = None
    url: str | None = None
    byline: str | None = None
    byline_span: Span | None = None
    wire: str | None = None
    dateline: str | None = None
    dateline_span: Span | None = None
    provenance: str | None = None
    published: PublishedDate | None = None
    language: str | None = None
    encoding: str | None = None
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timex: list[Timex] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def body_text(self) -> str:
        """The body regions joined by blank lines (for hashing and shingling, never for offsets)."""
        return "\n\n".join(self.text[s.start : s.end] for s in self.body)


@dataclass(slots=True)
class Event:
    id: str
    articles: list[str]
    date: str | None
    title: str
    actors: list[str] = field(default_factory=list)
    story: str | None = None


@dataclass(slots=True)
class Story:
    id: str
    title: str
    events: list[str]
    actors: list[str] = field(default_factory=list)
    first: str | None = None
    last: str | None = None


@dataclass(slots=True)
class PositionPoint:
    date: str
    stance: str
    summary: str
    article: str
    evidence: Span
    changed: bool = False


@dataclass(slots=True)
class Position:
    actor: str
    topic: str
    points: list[PositionPoint] = field(default_factory=list)


# --- generic (de)serialisation -------------------------------------------------------------


def to_dict(obj: Any) -> Any:
    """A JSON-ready structure for any model object (spans become ``[start, end]`` lists)."""
    if isinstance(obj, Span):
        return [obj.start, obj.end]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _build(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(args[0], value) if len(args) == 1 else value
    if tp is Span:
        if isinstance(value, dict):
            return Span(int(value["start"]), int(value["end"]))
        return Span(int(value[0]), int(value[1]))
    if origin is list:
        (inner,) = typing.get_args(tp)
        return [_build(inner, v) for v in value]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp) and isinstance(value, dict):
        return from_dict(tp, value)
    return value


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """The inverse of ``to_dict`` for model dataclasses; unknown keys are ignored."""
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _build(hints[f.name], data[f.name])
    return cls(**kwargs)
