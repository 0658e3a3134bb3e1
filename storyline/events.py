"""Online event clustering: reports in time order grouped into events (one happening, many outlets).

Reads titles, the opening of bodies, entity names and publication dates; adds an event id per report.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Article, Entity, Event
from .settings import DEFAULT, Settings

STATE_VERSION = 1

# Function words and the stock vocabulary of headlines ("update", "video", "says") that name no happening.
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my no nor not now of off on once only or other our ours out over own same she should so some
    such than that the their theirs them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours s t
    says said say saying tells told new news update updated updates video videos photo photos watch
    live breaking exclusive report reports reported via get gets got make makes made may might one two
    first last next today week year years day days here's what's it's could way ways just still""".split()
)
# Wire prefixes ("UPDATE 2-", "WRAPUP 1-") and bracketed media tags ("(VIDEO)", "[PHOTOS]") in titles.
_TITLE_PREFIX = re.compile(r"^\s*(?:[A-Z]{3,}\s*\d*\s*-\s*|[A-Z ]{3,}:\s+(?=[A-Z]))")
_MEDIA_TAG = re.compile(r"[(\[](?:video|photos?|pics?|watch|update[sd]?|report|live)[)\]]", re.I)
# Aggregator feeds cut long titles with "  ..." or "…"; the word before the cut may be partial.
_TRUNCATED = re.compile(r"\s*\S*\s*(?:\.\.\.|…)\s*$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_SEPARATORS = "-|–—:"
_BODY_CHARS = 600  # the lead of a report names its happening; later paragraphs drift into background


@dataclass(frozen=True, slots=True)
class EventInput:
    """One report as the clusterer sees it (a syndication group enters once, as its canonical report)."""

    id: str
    title: str
    published: str  # ISO date or datetime
    text: str = ""  # the body (only its opening is read)
    entities: tuple[str, ...] = ()  # canonical names of the entities it mentions
    outlet: str | None = None
    copies: int = 1  # reports in its syndication group, itself included


@dataclass(slots=True)
class _Cluster:
    id: str
    seq: int  # order of creation in the stream
    first: float  # POSIX seconds of its earliest report
    last: float  # and of its latest
    size: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # occurrences of each term in its members
    words: int = 0  # occurrences of all terms
    heads: dict[str, int] = field(default_factory=dict)  # members whose title holds each word
    reach: int = 0  # reports counting every syndicated copy
    profile: dict[str, float] = field(default_factory=dict)  # cached by _profile at profile_size
    profile_size: int = 0
    core: frozenset[str] = frozenset()  # cached by _core at core_size
    core_size: int = 0


def parse_time(value: str) -> float:
    """POSIX seconds for an ISO date or datetime (naive values are read as UTC)."""
    text = value.strip().replace("Z", "+00:00")
    when = dt.datetime.fromisoformat(text) if "T" in text or " " in text else None
    if when is None:
        when = dt.datetime.combine(dt.date.fromisoformat(text[:10]), dt.time())
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def clean_title(title: str, *, outlet: str | None = None) -> str:
    """The title without the outlet's name, wire prefixes, media tags and a truncated last word."""
    text = title.strip()
    if outlet and len(outlet) > 2:
        # "Sbarro files for bankruptcy - Los Angeles Times": the outlet names no happening.
        text = _strip_outlet(text, outlet.strip())
    text = _TITLE_PREFIX.sub("", text)
    text = _MEDIA_TAG.sub(" ", text)
    if _TRUNCATED.search(text):
        text = _TRUNCATED.sub("", text)
    return " ".join(text.split())


def _strip_outlet(title: str, outlet: str) -> str:
    lowered, name = title.lower(), outlet.lower()
    site = _SITE_TAIL.search(title)
    if site and _names_outlet(site.group(1), outlet):
        # "... - WDRB 41 Louisville News" from WDRB, "... | KVVU" from "KVVU Las Vegas".
        return title[: site.start()].rstrip()
    if lowered.endswith(name):
        head = title[: len(title) - len(name)].rstrip()
        if head and head[-1] in _SEPARATORS:
            return head[:-1].rstrip()
    if lowered.startswith(name):
        tail = title[len(name) :].lstrip()
        if tail and tail[0] in _SEPARATORS:
            return tail[1:].lstrip()
    return title


# A last " - Segment" or " | Segment" of a few words, which may be the site's name.
_SITE_TAIL = re.compile(r"\s[-|–—]\s+([^-|–—]{2,60})$")


def _names_outlet(segment: str, outlet: str) -> bool:
    """Whether a title's last segment names the outlet: both start with one name (call signs, domains)."""
    first = [w for w in (_key(w) for w in segment.split()[:1]) if w]
    own = [w for w in (_key(w) for w in outlet.split()) if w and w != "the"][:1]
    if not first or not own or len(segment.split()) > 6:
        return False
    a, b = first[0], own[0]
    return len(min(a, b, key=len)) >= 4 and (a.startswith(b) or b.startswith(a))


def _key(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch.isalnum())


def stem(word: str) -> str:
    """A light English suffix strip so that plurals and possessives meet their base word."""
    for suffix in ("'s", "’s"):
        if word.endswith(suffix):
            word = word[: -len(suffix)]
    word = word.replace("’", "'").replace("'", "")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, lightly stemmed content words of a text."""
    words = (stem(w.lower()) for w in _WORD.findall(text))
    return [w for w in words if w and w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]


def title_terms(item: EventInput) -> set[str]:
    """The distinct content words of a report's title."""
    return set(tokenize(clean_title(item.title, outlet=item.outlet)))


def item_terms(item: EventInput) -> Counter[str]:
    """Term counts of a report: its title, the opening of its body, its entities."""
    terms: Counter[str] = Counter(tokenize(clean_title(item.title, outlet=item.outlet)))
    if item.text:
        terms.update(tokenize(item.text[:_BODY_CHARS]))
    for name in item.entities:
        terms["@" + name.lower()] += 1
    return terms


# Two events whose titles each hold a word (a name, mostly) in three quarters of their reports that the
# other's titles almost never hold are about different things, however much else they share ("American
# Eagle Outfitters" and "Urban Outfitters" report results on one day). UCI dev: any core share from
# 0.6 to 0.9 with absence under 0.02-0.05 gives the same events; 0.5 vetoes true merges of fragments.
_CONFLICT_CORE = 0.75
_CONFLICT_ABSENT = 0.05


def _exclusive_word(a: _Cluster, b: _Cluster) -> bool:
    """Whether most of a's titles hold a word that b's titles almost never hold."""
    core, absent = _CONFLICT_CORE * a.size, _CONFLICT_ABSENT * b.size
    return any(n >= core and b.heads.get(term, 0) < absent for term, n in a.heads.items())


def _conflict(a: _Cluster, b: _Cluster) -> bool:
    return _exclusive_word(a, b) and _exclusive_word(b, a)


def _carried(cluster: _Cluster) -> tuple[int, int, int]:
    return (cluster.reach, cluster.size, -cluster.seq)


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


# An event compares its profile with its neighbours when it reaches these sizes (cost stays log-linear).
_MERGE_SIZES = frozenset({2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512})
_MERGE_TERMS = 8
_MERGE_CANDIDATES = 5
_MERGE_GAP_COST = 1.0  # cosine lost per day between two events' reports
_HEADLINE_WORDS = 8  # content words of a headline (UCI dev: 6.7 on average)
_PROFILE_TERMS = 40
_CANDIDATE_TERMS = 12
# Expired events are swept once per hour of stream time (an event may close up to an hour late).
_SWEEP_SECONDS = 3600.0
# The stream's word frequencies start from a prior of this many words of unseen text: in a stream of
# a few reports every shared word would otherwise look common and nothing would ever join.
PRIOR_WORDS = 10_000
# An event of at least _CORE_MIN_SIZE reports has a core: the title words of at least half its reports
# (its actor, its topic). A report that names none of them joins only with a score of _CORE_WAIVER
# times the threshold: without the rule, one bridging headline ("Stocks fall after Fed official hints
# at tapering") opens an event about one person to a whole day's market reports. UCI dev headlines:
# pairwise precision 0.939 -> 0.955 at the same recall (threshold recalibrated, see settings).
_CORE_SHARE = 0.5
_CORE_MIN_SIZE = 3
_CORE_WAIVER = 2.0


class EventClusterer:
    """Groups reports into events as they arrive in time order, against the events still open.

    A report joins the open event under which its words are most likely against the stream's own
    word frequencies (smoothed language models, as in topic detection and tracking), less a decay per
    day since that event's latest report, if that score reaches ``settings.event_threshold``
    (``event_body_threshold`` for a report with a body) and the report names the event's core; else it
    starts a new event. Events whose word profiles converge are merged (see ``renamed``); an event
    closes ``settings.event_window_days`` after its latest report.
    """

    def __init__(self, settings: Settings = DEFAULT, *, state: Mapping[str, Any] | None = None) -> None:
        self.settings = settings
        self._window = settings.event_window_days * 86400.0
        self._threshold = settings.event_threshold
        self._body_threshold = settings.event_body_threshold
        self._smoothing = settings.event_smoothing
        self._decay = settings.event_decay
        self._docs = 0
        self._df: Counter[str] = Counter()
        self._df_total = 0
        self._open: dict[str, _Cluster] = {}
        self._index: dict[str, dict[str, None]] = {}  # term -> open events holding it, in order
        self._clock = -math.inf
        self._swept = -math.inf  # stream time of the last sweep for expired events
        self._merge_at = settings.event_merge_threshold
        self._renamed: dict[str, str] = {}  # absorbed event id -> the event that absorbed it
        if state is not None:
            self.load_state(state)

    # --- the stream -------------------------------------------------------------------------

    def add(self, items: Sequence[EventInput]) -> list[str]:
        """The event id of each item; items are taken in time order (ties keep their input order)."""
        order = sorted(range(len(items)), key=lambda i: parse_time(items[i].published))
        ids: list[str] = [""] * len(items)
        for i in order:
            ids[i] = self._add_one(items[i])
        return [self.resolve(e) for e in ids]

    def resolve(self, event_id: str) -> str:
        """The id an event goes by now (an event absorbed by a merge goes by the absorbing one's)."""
        while event_id in self._renamed:
            event_id = self._renamed[event_id]
        return event_id

    def renamed(self) -> dict[str, str]:
        """Every event id absorbed by a merge so far, with the id it goes by now."""
        return {old: self.resolve(old) for old in self._renamed}

    def _add_one(self, item: EventInput) -> str:
        when = parse_time(item.published)
        # A late report (older than the stream's clock) is still compared with what is open now.
        self._clock = max(self._clock, when)
        if self._clock - self._swept >= _SWEEP_SECONDS:
            self._close_expired()
            self._forget_rare_terms()
            self._swept = self._clock
        terms = item_terms(item)
        heads = title_terms(item)
        self._docs += 1
        self._df.update(terms.keys())
        self._df_total += len(terms)
        # A headline's few words make a noisy mean; a body's many make it steady, and the bar higher.
        threshold = self._body_threshold if item.text.strip() else self._threshold
        best, best_score = None, threshold
        # Only events sharing one of the report's rarest words are scored: bodies share common
        # words with every open event, and scoring them all makes the stream quadratic.
        rare = sorted(terms, key=lambda t: self._df[t])[:_CANDIDATE_TERMS]
        for cluster in self._candidates(dict.fromkeys(rare, 1)):
            apart = max(0.0, when - cluster.last, cluster.first - when) / 86400.0
            score = self._score(terms, cluster) - self._decay * apart
            if score >= best_score and self._fits_core(cluster, heads, score >= _CORE_WAIVER * threshold):
                best, best_score = cluster, score
        if best is None:
            best = _Cluster(id=f"ev:{item.id}", seq=self._docs, first=when, last=when)
            self._open[best.id] = best
        self._join(best, terms, when)
        best.reach += max(1, item.copies)
        for term in heads:
            best.heads[term] = best.heads.get(term, 0) + 1
        if best.size in _MERGE_SIZES:
            self._merge_similar(best)
        return best.id

    def _merge_similar(self, cluster: _Cluster) -> None:
        """Fold into this event the open events whose word profiles match its own."""
        profile = self._profile(cluster)
        top = sorted(profile, key=lambda t: -profile[t])[:_MERGE_TERMS]
        shared: dict[str, float] = {}
        for term in top:
            for other_id in self._index.get(term, ()):
                shared[other_id] = shared.get(other_id, 0.0) + profile[term]
        ranked = sorted(shared, key=lambda cid: (-shared[cid], self._open[cid].seq))
        for other_id in ranked[: _MERGE_CANDIDATES + 1]:
            other = self._open.get(other_id)
            if other is None or other is cluster or other.size < 2:
                continue
            gap = max(0.0, other.first - cluster.last, cluster.first - other.last) / 86400.0
            # Events far apart in time pay for it: a daily market report is a new event each day.
            # Short reports (headlines) leave fragments that only a merge can join; full reports carry
            # enough words to be placed on arrival, so their events merge only when much closer.
            per_report = (cluster.words + other.words) / (cluster.size + other.size)
            bar = min(0.9, self._merge_at * math.sqrt(max(1.0, per_report / _HEADLINE_WORDS)))
            if _conflict(cluster, other):
                continue
            if _cosine(profile, self._profile(other)) - gap * _MERGE_GAP_COST >= bar:
                # The event carried by more reports keeps its id (fewer rows change in the store).
                keep, drop = (cluster, other) if _carried(cluster) >= _carried(other) else (other, cluster)
                self._absorb(keep, drop)
                if drop is cluster:
                    return
                profile = self._profile(cluster)

    def _profile(self, cluster: _Cluster) -> dict[str, float]:
        """The event's most telling title words: share of its reports times rarity, the top few only.

        Titles name the happening; bodies share the background of a whole beat (every campaign report
        says "campaign"), so body words would merge distinct events of one beat.
        """
        if cluster.profile_size != cluster.size:
            n = self._docs + 1
            words = cluster.heads or cluster.counts
            weights = {t: c / cluster.size * math.log(n / max(self._df[t], 1)) for t, c in words.items()}
            top = heapq.nlargest(_PROFILE_TERMS, weights.items(), key=lambda kv: kv[1])
            cluster.profile, cluster.profile_size = dict(top), cluster.size
        return cluster.profile

    def _fits_core(self, cluster: _Cluster, heads: set[str], clear: bool) -> bool:
        """Whether a report may join: its title names the event's core, or its score is ``clear``."""
        if clear or cluster.size < _CORE_MIN_SIZE:
            return True
        if cluster.core_size != cluster.size:
            bar = _CORE_SHARE * cluster.size
            cluster.core = frozenset(t for t, n in cluster.heads.items() if n >= bar)
            cluster.core_size = cluster.size
        return not cluster.core or not cluster.core.isdisjoint(heads)

    def _absorb(self, keep: _Cluster, drop: _Cluster) -> None:
        del self._open[drop.id]
        for term, count in drop.counts.items():
            members = self._index[term]
            members.pop(drop.id, None)
            members[keep.id] = None
            keep.counts[term] = keep.counts.get(term, 0) + count
        for term, count in drop.heads.items():
            keep.heads[term] = keep.heads.get(term, 0) + count
        keep.words += drop.words
        keep.size += drop.size
        keep.reach += drop.reach
        keep.profile_size = keep.core_size = 0
        keep.first = min(keep.first, drop.first)
        keep.last = max(keep.last, drop.last)
        self._renamed[drop.id] = keep.id

    def _candidates(self, terms: Mapping[str, int]) -> list[_Cluster]:
        """Open events holding any of the terms, oldest first (so ties break the same in any run)."""
        found: dict[str, None] = {}
        for term in terms:
            found.update(self._index.get(term, {}))
        return sorted((self._open[cid] for cid in found), key=lambda c: c.seq)

    def _score(self, terms: Mapping[str, int], cluster: _Cluster) -> float:
        """Mean log-likelihood ratio per word of the report under the event against the whole stream.

        The event's word distribution is smoothed with the stream's (Jelinek-Mercer, as in topic
        detection and tracking): a word the event lacks costs the same whatever the event's size.
        """
        counts, total = cluster.counts, self._df_total + len(self._df) + PRIOR_WORDS
        if cluster.words <= 0 or total <= 0:
            return 0.0
        ratio = self._smoothing / (1.0 - self._smoothing) * total / cluster.words
        gain = 0.0
        for term, count in terms.items():
            n = counts.get(term)
            # Counts are never negative in a consistent state; the guard keeps a damaged saved state
            # (a Spark month once hit it) from stopping a build with a math domain error.
            if n and n > 0:
                gain += count * math.log(1.0 + max(ratio * n / (max(self._df[term], 0) + 1), 0.0))
        return gain / sum(terms.values())

    def _join(self, cluster: _Cluster, terms: Mapping[str, int], when: float) -> None:
        for term, count in terms.items():
            if term not in cluster.counts:
                self._index.setdefault(term, {})[cluster.id] = None
            cluster.counts[term] = cluster.counts.get(term, 0) + count
        cluster.profile_size = cluster.core_size = 0
        cluster.words += sum(terms.values())
        cluster.size += 1
        cluster.first = min(cluster.first, when)
        cluster.last = max(cluster.last, when)

    def _close_expired(self) -> None:
        horizon = self._clock - self._window
        for cid in [c.id for c in self._open.values() if c.last < horizon]:
            cluster = self._open.pop(cid)
            for term in cluster.counts:
                members = self._index.get(term)
                if members is not None:
                    members.pop(cid, None)
                    if not members:
                        del self._index[term]

    def _forget_rare_terms(self) -> None:
        """Keep the word counts under ``settings.event_max_terms``: drop the rarest words no open event holds.

        Runs at sweeps (fixed points of stream time), so any batching forgets the same words.
        """
        cap = self.settings.event_max_terms
        if len(self._df) <= cap:
            return
        # Down to 90% of the cap, so that the sort runs once per many sweeps, not at every one.
        spare = sorted((n, t) for t, n in self._df.items() if t not in self._index)
        for _, term in spare[: len(self._df) - int(cap * 0.9)]:
            del self._df[term]

    # --- persistence ------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """A JSON-ready snapshot from which a later run continues the same stream."""
        return {
            "version": STATE_VERSION,
            "docs": self._docs,
            "clock": None if self._clock == -math.inf else self._clock,
            "swept": None if self._swept == -math.inf else self._swept,
            "df": dict(self._df),
            "df_total": self._df_total,
            "renamed": dict(self._renamed),
            "open": [
                {
                    "id": c.id,
                    "seq": c.seq,
                    "first": c.first,
                    "last": c.last,
                    "size": c.size,
                    "words": c.words,
                    "counts": c.counts,
                    "heads": c.heads,
                    "reach": c.reach,
                }
                for c in self._open.values()
            ],
        }

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Continue from a snapshot taken by ``state()``."""
        self._docs = int(state["docs"])
        self._clock = -math.inf if state.get("clock") is None else float(state["clock"])
        self._swept = -math.inf if state.get("swept") is None else float(state["swept"])
        self._df = Counter({str(k): int(v) for k, v in state["df"].items()})
        self._df_total = int(state["df_total"])
        self._renamed = {str(k): str(v) for k, v in state.get("renamed", {}).items()}
        self._open, self._index = {}, {}
        for raw in state["open"]:
            cluster = _Cluster(
                id=raw["id"],
                seq=raw["seq"],
                first=raw["first"],
                last=raw["last"],
                size=raw["size"],
                words=raw["words"],
            )
            cluster.counts = {str(k): int(v) for k, v in raw["counts"].items()}
            cluster.heads = {str(k): int(v) for k, v in raw["heads"].items()}
            cluster.reach = int(raw["reach"])
            self._open[cluster.id] = cluster
            for term in cluster.counts:
                self._index.setdefault(term, {})[cluster.id] = None


# --- from articles and back -----------------------------------------------------------------

# Entity labels that name actors (people, organisations, countries); dates and numbers do not.
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_EVENT_ACTORS = 6


def names_actor(entity: Entity) -> bool:
    """Whether an entity stands for an actor in an event's list: a person, organisation or country, a
    group of people ("Ukrainians", "Democrats") or a nationality a dossier resolves to one of its actors
    ("Kyiv's European backers" -> European allies); not a nationality word as an adjective ("the
    Ukrainian army", "Russian aggression")."""
    if entity.label not in ACTOR_LABELS:
        return False
    if entity.label != "NORP":
        return True
    words = entity.text.split()
    resolved = entity.canonical is not None and entity.canonical != " ".join(words)
    return resolved or (bool(words) and words[-1].lower().endswith("s"))


def _has_actor_label(entity: Entity) -> bool:
    return entity.label in ACTOR_LABELS


def actor_mentions(article: Article, keep: Callable[[Entity], bool] = _has_actor_label) -> Counter[str]:
    """How often the article mentions each actor (by canonical name when resolved); ``keep`` picks the
    entities that count (any with an actor's label, or ``names_actor`` for an event's list)."""
    counts: Counter[str] = Counter()
    for entity in article.entities:
        if keep(entity):
            name = entity.canonical or " ".join(entity.text.split())
            if name:
                counts[name] += 1
    return counts


def stream_time(article: Article) -> str | None:
    """When a report enters the event stream: the full timestamp when the input gave one (meta
    "published"), else its publication date, else None."""
    raw = article.meta.get("published")
    if isinstance(raw, str) and len(raw) >= 10:
        return raw
    return article.published.value if article.published else None


def event_input(article: Article) -> EventInput:
    """What the clusterer reads of an article: title, body opening, actors, outlet, publication time."""
    published = stream_time(article) or "1970-01-01"
    body = article.body_text() if article.body else article.text
    return EventInput(
        id=article.id,
        title=article.title or "",
        published=published,
        text=body[: _BODY_CHARS * 2],
        entities=tuple(actor_mentions(article)),
        outlet=article.outlet,
    )


# Components the title NER runs without: it reads the named entities only, and the small model's NER
# carries its own token vectors (without "tok2vec": the same entities on the UCI dev titles, 25% faster).
_TITLE_NLP_EXCLUDE = ("lemmatizer", "tagger", "parser", "attribute_ruler", "tok2vec")


def headline_actors(items: Sequence[EventInput], *, batch_size: int = 256) -> list[tuple[str, ...]]:
    """Actor names the NER finds in each report's cleaned title (for reports the build did not analyse)."""
    if not items:
        return []
    from .nlp import get_nlp  # spaCy loads only when headlines need it

    nlp = get_nlp(exclude=_TITLE_NLP_EXCLUDE)
    titles = (clean_title(item.title, outlet=item.outlet) for item in items)
    found = []
    for doc in nlp.pipe(titles, batch_size=batch_size):
        names = (" ".join(e.text.split()) for e in doc.ents if e.label_ in ACTOR_LABELS)
        found.append(tuple(dict.fromkeys(n for n in names if n)))
    return found


def describe_events(articles: Sequence[Article], event_of: Mapping[str, str]) -> list[Event]:
    """Events (articles, first date, a representative title, main actors) from an article -> event map."""
    members: dict[str, list[Article]] = {}
    for article in articles:
        event_id = event_of.get(article.id)
        if event_id is not None:
            members.setdefault(event_id, []).append(article)
    events = []
    for event_id, group in members.items():
        dates = sorted(a.published.value for a in group if a.published)
        actors: Counter[str] = Counter()
        for article in group:
            actors.update(actor_mentions(article, names_actor))
        ranked = sorted(actors, key=lambda n: (-actors[n], n))[:_EVENT_ACTORS]
        events.append(
            Event(
                id=event_id,
                articles=[a.id for a in group],
                date=dates[0] if dates else None,
                title=representative_title(group),
                actors=ranked,
            )
        )
    return sorted(events, key=lambda e: (e.date or "9999", e.id))


def representative_title(group: Sequence[Article]) -> str:
    """The title sharing most words with the group's other titles (the earliest on a tie)."""
    titles = [(a.title or "").strip() for a in group]
    words = [set(tokenize(clean_title(t, outlet=a.outlet))) for t, a in zip(titles, group, strict=True)]
    spread: Counter[str] = Counter(w for ws in words for w in ws)
    best, best_score = "", -1.0
    for title, ws in zip(titles, words, strict=True):
        score = sum(spread[w] for w in ws) / (1 + len(ws)) if title else -1.0
        if score > best_score:
            best, best_score = title, score
    return best
