"""A syndication test set built at run time from the PolNeAR texts in ../shared (never committed).

Each chosen article gets realistic copies (new title, last paragraphs trimmed, outlet debris and
"ALSO READ" lines, paragraphs re-broken, quote marks swapped, local paragraphs added, typos) and hard
negatives (the other articles of the same day, and reports that quote one paragraph of it).
"""

from __future__ import annotations

import csv
import itertools
import random
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from storyline.minhash import shingle_hashes
from storyline.model import Article, PublishedDate

# Outlets, debris and local paragraphs below are written by us for this generator.
OUTLETS = [
    "Harbor Ledger",
    "Valley Courier",
    "Northfield Tribune",
    "Lakeside Gazette",
    "Ridge Daily",
    "Capitol Wire Review",
    "Prairie Sentinel",
    "Coastal Herald",
    "Metro Dispatch",
    "Summit Post",
    "Riverbend Journal",
    "Granite Times",
]
DEBRIS = [
    "Advertisement",
    "Share this article",
    "icon-facebook icon-twitter icon-whatsapp",
    "Click here to subscribe",
    "Sign up for our morning newsletter",
    "Continue reading below",
    "Photo: file image",
    "Story continues",
    "Follow us on social media",
    "Comments are closed.",
    "Related coverage",
    "Listen to this article (3 min)",
]
CITIES = [
    "Dayton",
    "Spokane",
    "Fresno",
    "Tulsa",
    "Boise",
    "Toledo",
    "Akron",
    "Reno",
    "Macon",
    "Erie",
    "Ames",
    "Provo",
]
PEOPLE = [
    "county party chair",
    "local organiser",
    "state senator",
    "city council member",
    "union leader",
    "campaign volunteer",
    "school board member",
    "small business owner",
    "retired teacher",
    "pastor",
]
TOPICS = [
    "turnout",
    "the economy",
    "health care",
    "local jobs",
    "the primary calendar",
    "road repairs",
    "school funding",
    "property taxes",
    "the water plant",
    "farm subsidies",
]
LOCAL_TEMPLATES = [
    "In {city}, a {person} told the {outlet} that voters here care more about {topic} than about the national fight, and that the mood at events this week was {mood}.",
    "The {outlet} reached a {person} in {city} who said the news would {verb} debates over {topic} ahead of the next council session, which is set for {day}.",
    "Residents of {city} interviewed by the {outlet} on {day} were {mood} about the campaign; several said {topic} would decide their vote in the fall.",
    "A {person} in {city} said the local party office had taken {count} calls since the report, most of them about {topic} rather than the candidates.",
    "Local reaction in {city} was {mood}, according to a {person} who said the county would {verb} its plans for {topic} until the picture was clearer.",
]
MOODS = ["mixed", "tense", "upbeat", "weary", "divided", "cautious", "hopeful", "angry"]
VERBS = ["reshape", "delay", "complicate", "revive", "cloud", "speed up"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

_SENTENCE_END = re.compile(r"(?<=[.!?”\"’'])\s+(?=[A-Z“\"])")
_CURLY_TO_STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass(slots=True)
class SourceArticle:
    """One PolNeAR article: metadata from metadata.tsv, paragraphs from its text file."""

    id: str
    title: str
    outlet: str
    published: str
    wire: str | None
    paragraphs: list[str]


@dataclass(slots=True)
class SyndicationSet:
    """Articles with the origin each one was made from; two articles are copies iff origins match."""

    articles: list[Article]
    origin: dict[str, str]
    left_out: list[str] = field(default_factory=list)

    def true_pairs(self) -> set[tuple[str, str]]:
        by_origin: dict[str, list[str]] = defaultdict(list)
        for article_id, origin in self.origin.items():
            by_origin[origin].append(article_id)
        return {tuple(sorted(p)) for ids in by_origin.values() for p in itertools.combinations(ids, 2)}  # type: ignore[misc]


def load_polnear(root: Path, *, split: str) -> list[SourceArticle]:
    """The PolNeAR articles of one split (``train`` or ``dev``) with their metadata."""
    sources = []
    with (root / "metadata.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["compartment"] != split:
                continue
            text = (root / split / "text" / f"{row['filename']}.txt").read_text(encoding="utf-8")
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
            wire = row["wire"] if row["wire"] not in ("None", "NA", "") else None
            sources.append(
                SourceArticle(
                    row["filename"],
                    row["title"],
                    row["publisher"],
                    row["publication_date"],
                    wire,
                    paragraphs[1:],
                )
            )
    return sources


def find_versions(sources: Sequence[SourceArticle], *, size: int = 5, containment: float = 0.5) -> set[str]:
    """Ids of PolNeAR articles that are re-published versions of another one (exact containment, all pairs).

    PolNeAR holds a few (an updated "The Latest" blog, a story re-run the next day): they are copies,
    so they cannot serve as negatives and are left out.
    """
    sets = [shingle_hashes("\n".join(s.paragraphs), size=size) for s in sources]
    owners = np.concatenate([np.full(len(h), i) for i, h in enumerate(sets)])
    values = np.concatenate(sets)
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    shared: dict[tuple[int, int], int] = defaultdict(int)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    for start, end in zip(starts, np.r_[starts[1:], len(values)], strict=True):
        if end - start > 1:
            for pair in itertools.combinations(sorted(set(owners[start:end].tolist())), 2):
                shared[pair] += 1
    left_out: set[str] = set()
    for (i, j), count in shared.items():
        if count / max(1, min(len(sets[i]), len(sets[j]))) >= containment:
            left_out.update((sources[i].id, sources[j].id))
    return left_out


def _local_paragraph(rng: random.Random, outlet: str) -> str:
    return rng.choice(LOCAL_TEMPLATES).format(
        city=rng.choice(CITIES),
        person=rng.choice(PEOPLE),
        outlet=outlet,
        topic=rng.choice(TOPICS),
        mood=rng.choice(MOODS),
        verb=rng.choice(VERBS),
        day=rng.choice(DAYS),
        count=rng.randint(12, 400),
    )


def _retitle(rng: random.Random, source: SourceArticle, outlet: str) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"{source.title} | {outlet}"
    if style == 1:
        return f"WATCH: {source.title.rstrip('.')}"
    if style == 2 and source.paragraphs:
        return " ".join(source.paragraphs[0].split()[:11]).rstrip(",;:") + "..."
    return source.title.upper()


def _add_typos(rng: random.Random, paragraphs: list[str], count: int) -> list[str]:
    """``count`` typos (two letters swapped) in random words of random paragraphs."""
    paragraphs = list(paragraphs)
    for _ in range(count):
        number = rng.randrange(len(paragraphs))
        words = paragraphs[number].split(" ")
        index = rng.randrange(len(words))
        word = words[index]
        if len(word) >= 4 and word.isalpha():
            cut = rng.randrange(len(word) - 1)
            words[index] = word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
        paragraphs[number] = " ".join(words)
    return paragraphs


def _rebreak(rng: random.Random, paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        if out and rng.random() < 0.2:
            out[-1] = f"{out[-1]} {paragraph}"
            continue
        sentences = _SENTENCE_END.split(paragraph)
        if len(sentences) > 1 and rng.random() < 0.2:
            cut = rng.randrange(1, len(sentences))
            out.extend([" ".join(sentences[:cut]), " ".join(sentences[cut:])])
        else:
            out.append(paragraph)
    return out


def make_copy(
    source: SourceArticle, *, rng: random.Random, outlet: str, other_titles: Sequence[str]
) -> tuple[str, str]:
    """The (title, text) of one outlet's reprint of ``source``."""
    paragraphs = list(source.paragraphs)
    trim = rng.randint(0, min(3, len(paragraphs) // 4))
    paragraphs = paragraphs[: len(paragraphs) - trim] if trim else paragraphs
    paragraphs = _add_typos(rng, _rebreak(rng, paragraphs), rng.randint(0, 3)) if paragraphs else paragraphs
    if rng.random() < 0.6:
        for _ in range(rng.randint(1, 3)):
            paragraphs.insert(rng.randint(1, max(1, len(paragraphs))), _local_paragraph(rng, outlet))
    for _ in range(rng.randint(1, 4)):
        paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(DEBRIS))
    if other_titles and rng.random() < 0.7:
        paragraphs.insert(rng.randint(1, max(1, len(paragraphs))), f"ALSO READ: {rng.choice(other_titles)}")
    title = _retitle(rng, source, outlet)
    separator = "\n\n" if rng.random() < 0.6 else "\n"
    text = separator.join([title, *paragraphs, f"© 2016 {outlet}. All rights reserved."])
    if rng.random() < 0.5:
        text = text.translate(_CURLY_TO_STRAIGHT)
    return title, text


def _article(
    article_id: str, title: str, text: str, outlet: str, published: str, wire: str | None
) -> Article:
    return Article(
        id=article_id,
        source=f"syndication:{article_id}",
        text=text,
        title=title,
        outlet=outlet,
        wire=wire,
        published=PublishedDate(value=published, source="metadata", confidence=1.0),
    )


def iter_syndication(
    sources: Sequence[SourceArticle], *, seed: int, copies: tuple[int, int] = (1, 4)
) -> Iterator[tuple[Article, str]]:
    """For each source: the original, its copies and a report quoting it, each with its origin id."""
    rng = random.Random(seed)
    titles = [s.title for s in sources]
    by_day: dict[str, list[SourceArticle]] = defaultdict(list)
    for source in sources:
        by_day[source.published].append(source)
    for number, source in enumerate(sources):
        text = "\n\n".join([source.title, *source.paragraphs])
        yield _article(source.id, source.title, text, source.outlet, source.published, source.wire), source.id
        for copy_number in range(rng.randint(*copies)):
            outlet = rng.choice(OUTLETS)
            title, copy_text = make_copy(source, rng=rng, outlet=outlet, other_titles=titles)
            copy_id = f"{source.id}~copy{copy_number}"
            yield _article(copy_id, title, copy_text, outlet, source.published, None), source.id
        # A hard negative: another report of the day (or a random one) that quotes one paragraph of this one.
        others = [s for s in by_day[source.published] if s.id != source.id] or [
            sources[(number + 1) % len(sources)]
        ]
        other = rng.choice(others)
        # Quoting a whole short report would make a copy of it, so only a minor paragraph is quoted.
        words = sum(len(p.split()) for p in source.paragraphs)
        minor = [p for p in source.paragraphs if len(p.split()) <= words / 4]
        if len(source.paragraphs) >= 4 and minor and other.paragraphs:
            quoted = list(other.paragraphs)
            quoted.insert(rng.randint(0, len(quoted)), rng.choice(minor))
            quote_id = f"{other.id}~quotes~{source.id}"
            quote_text = "\n\n".join([other.title, *quoted])
            # Made from ``other``, so it is an (extended) copy of it, and must not join ``source``'s group.
            yield _article(quote_id, other.title, quote_text, other.outlet, other.published, None), other.id


def build_syndication_set(
    root: Path, *, split: str, seed: int = 7, limit: int | None = None
) -> SyndicationSet:
    """The copy test set for one PolNeAR split, leaving out the split's own re-published versions."""
    sources = load_polnear(root, split=split)
    left_out = find_versions(sources)
    kept = [s for s in sources if s.id not in left_out][:limit]
    articles, origin = [], {}
    for article, source_id in iter_syndication(kept, seed=seed):
        articles.append(article)
        origin[article.id] = source_id
    return SyndicationSet(articles=articles, origin=origin, left_out=sorted(left_out))


def build_copy_stream(root: Path, *, split: str, copy_share: float = 0.3, seed: int = 11) -> SyndicationSet:
    """A day-ordered stream in which ``copy_share`` of the articles are copies (one per original at most)."""
    rng = random.Random(seed)
    loaded = load_polnear(root, split=split)
    left_out = find_versions(loaded)
    sources = [s for s in loaded if s.id not in left_out]
    copies_wanted = round(copy_share * len(sources) / (1 - copy_share))
    titles = [s.title for s in sources]
    articles, origin = [], {}
    for number, source in enumerate(sources):
        text = "\n\n".join([source.title, *source.paragraphs])
        articles.append(_article(source.id, source.title, text, source.outlet, source.published, source.wire))
        origin[source.id] = source.id
        if number < copies_wanted:
            outlet = rng.choice(OUTLETS)
            title, copy_text = make_copy(source, rng=rng, outlet=outlet, other_titles=titles)
            copy_id = f"{source.id}~copy"
            articles.append(_article(copy_id, title, copy_text, outlet, source.published, None))
            origin[copy_id] = source.id
    # Reports arrive day by day, in no particular order within a day (a copy may come first).
    keyed = [(a.published.value if a.published else "", rng.random(), a) for a in articles]
    return SyndicationSet(articles=[a for _, _, a in sorted(keyed, key=lambda k: k[:2])], origin=origin)


def score_pairs(copy_set: SyndicationSet, canonical_of: dict[str, str]) -> dict[str, float | int]:
    """Pair precision and recall of predicted groups (article id -> canonical id) against the origins."""
    groups: dict[str, list[str]] = defaultdict(list)
    for article_id, canonical_id in canonical_of.items():
        groups[canonical_id].append(article_id)
    predicted = {tuple(sorted(p)) for ids in groups.values() for p in itertools.combinations(ids, 2)}
    true = copy_set.true_pairs()
    hits = len(predicted & true)
    return {
        "articles": len(copy_set.articles),
        "true_pairs": len(true),
        "predicted_pairs": len(predicted),
        "precision": round(hits / max(1, len(predicted)), 4),
        "recall": round(hits / max(1, len(true)), 4),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Print the pair figures of the copy set and the analysed share of a 30%-copies stream (docs/dedup.md)."""
    import argparse
    import json
    import time
    from collections import Counter

    from storyline.dedup import CopyIndex, group_copies

    parser = argparse.ArgumentParser(
        description="Copy detection figures on the PolNeAR-derived syndication set."
    )
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument(
        "--corpora", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpora"
    )
    args = parser.parse_args(argv)
    root = args.corpora / "polnear"
    copy_set = build_syndication_set(root, split=args.split)
    start = time.perf_counter()
    matches = group_copies(copy_set.articles)
    seconds = time.perf_counter() - start
    figures: dict[str, object] = dict(
        score_pairs(copy_set, {m.article_id: m.canonical_id or m.article_id for m in matches})
    )
    figures["seconds"] = round(seconds, 1)
    figures["diff_kinds"] = dict(sorted(Counter(d for m in matches for d in m.diff).items()))
    stream = build_copy_stream(root, split=args.split)
    index, full = CopyIndex(), 0
    for first in range(0, len(stream.articles), 16):
        full += sum(1 for m in index.add(stream.articles[first : first + 16]) if m.canonical_id is None)
    copies = sum(1 for a in stream.articles if stream.origin[a.id] != a.id)
    figures["stream"] = {
        "articles": len(stream.articles),
        "copy_share": round(copies / len(stream.articles), 3),
        "analysed_in_full": full,
        "analysed_share": round(full / len(stream.articles), 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
