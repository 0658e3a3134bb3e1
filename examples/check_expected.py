"""Check that every fact in examples/expected.json is stated in the example corpus.

Run `python examples/check_expected.py`: prints each problem and exits 1 if there is any. Standard
library only, so it checks the corpus itself, not storyline's reading of it. With `--export FILE`
(the output of `storyline export --format jsonl` after a build of examples/corpus) it also prints how
far the build's copies, events, stories and dates agree with expected.json (pairwise P/R/F1).
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent


class _Paragraphs(HTMLParser):
    """The text of the <h1> and <p> elements of an HTML fragment, one per line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "p"):
            self._open = True
            self.parts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "p"):
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.parts[-1] += data


def paragraphs_of(html: str) -> str:
    parser = _Paragraphs()
    parser.feed(html)
    return "\n".join(parser.parts)


def load_texts(corpus: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Per report key: the raw file (or record) and the readable text (paragraphs for HTML and RSS)."""
    raw: dict[str, str] = {}
    text: dict[str, str] = {}
    for path in sorted(corpus.iterdir()):
        content = path.read_text(encoding="utf-8")
        if path.suffix == ".txt":
            raw[path.name] = text[path.name] = content
        elif path.suffix == ".html":
            raw[path.name], text[path.name] = content, paragraphs_of(content)
        elif path.suffix == ".jsonl":
            for line in content.splitlines():
                record = json.loads(line)
                key = f"{path.name}#{record['id']}"
                raw[key], text[key] = line, record["text"]
        elif path.suffix == ".rss":
            channel = ElementTree.fromstring(content).find("channel")
            assert channel is not None
            for n, item in enumerate(channel.findall("item"), 1):
                key = f"{path.name}#{n}"
                raw[key] = content
                body = paragraphs_of(item.findtext("description") or "")
                text[key] = (item.findtext("title") or "") + "\n" + body
    return raw, text


def dateline_stated(place: str, text: str) -> bool:
    """A dateline at the start of a line ('OSTBURG', 'HARVENA, Veloria:') or a wire one ('Korsa, Feb 20 (MPA)')."""
    name = re.escape(place.split(",")[0].upper())
    upper = text.upper()
    return bool(
        re.search(r"(^|\n)" + name + r"(,|:| -|\n)", upper) or re.search(name + r", [A-Z]+ \d+ \(", upper)
    )


def check(root: Path = ROOT) -> list[str]:
    """Every problem found, as one line each; empty when the corpus states every expected fact."""
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    raw, text = load_texts(root / "corpus")
    problems: list[str] = []
    docs = {d["key"]: d for d in expected["documents"]}
    if set(docs) != set(text):
        problems.append(f"reports and expected.json differ: {sorted(set(docs) ^ set(text))}")
    for key, d in docs.items():
        if key not in text:
            continue
        stated = {
            "title": d["title"] in text[key]
            or f'"title": {json.dumps(d["title"], ensure_ascii=False)}' in raw[key],
            "outlet": d["outlet_evidence"] in raw[key] and d["outlet"] in d["outlet_evidence"],
            "date": d["inferred"] or d["date_evidence"] in raw[key],
            "byline": not d["byline"] or d["byline"] in raw[key],
            "dateline": not d["dateline"] or dateline_stated(d["dateline"], text[key]),
            "wire": not d["wire_evidence"] or d["wire_evidence"] in text[key],
        }
        problems += [f"{key}: {what} not stated" for what, ok in stated.items() if not ok]
    members = [m for e in expected["events"] for m in e["documents"]]
    if sorted(members) != sorted(docs):
        problems.append("events do not hold every report exactly once")
    for e in expected["events"]:
        problems += [
            f"{m}: not published on {e['date']} ({e['id']})"
            for m in e["documents"]
            if docs[m]["published"] != e["date"]
        ]
    for g in expected["copy_groups"]:
        problems += [
            f"{m}: copy_group is not {g['id']}" for m in g["members"] if docs[m]["copy_group"] != g["id"]
        ]
    snippets = [(p["document"], p["evidence"]) for pos in expected["positions"] for p in pos["points"]]
    for c in expected["claims"]:
        snippets += [(c["document"], c["evidence"])]
        snippets += [(c["document"], c[k]) for k in ("condition",) if c.get(k)]
        snippets += [(c["document"], c["quantity"]["text"])] if c.get("quantity") else []
    snippets += [(n["document"], n["name"]) for a in expected["aliases"] for n in a["names"]]
    for q in expected["quotes"]:
        snippets += [(q["document"], q[k]) for k in ("content", "speaker_mention", "cue")]
    problems += [f"{doc}: {snippet!r} not stated" for doc, snippet in snippets if snippet not in text[doc]]
    return problems


def _pairs(labels: Mapping[str, str | None]) -> set[tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for key, label in labels.items():
        if label is not None:
            groups.setdefault(label, []).append(key)
    return {tuple(sorted(p)) for keys in groups.values() for p in itertools.combinations(keys, 2)}


def _prf(predicted: set[tuple[str, ...]], gold: set[tuple[str, ...]]) -> dict[str, float]:
    hits = len(predicted & gold)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def score_export(rows: list[dict[str, Any]], root: Path = ROOT) -> dict[str, dict[str, float]]:
    """Pairwise agreement of exported rows (id, source, title, duplicate_of, event, story, published)."""
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    docs = {d["key"]: d for d in expected["documents"]}
    by_title = {d["title"]: d["key"] for d in expected["documents"]}
    key_of: dict[str, str] = {}
    for row in rows:
        source = str(row.get("source") or "")
        if row.get("title") in by_title:
            key_of[row["id"]] = by_title[row["title"]]
        elif source.endswith(".jsonl"):
            key_of[row["id"]] = f"{Path(source).name}#{row['id']}"
        else:
            key_of[row["id"]] = Path(source).name
    keyed = {key_of[row["id"]]: row for row in rows if key_of[row["id"]] in docs}
    canonical = {k: key_of.get(row.get("duplicate_of") or row["id"], k) for k, row in keyed.items()}
    scores = {
        "copies": _prf(_pairs(canonical), _pairs({k: d["copy_group"] for k, d in docs.items()})),
        "events": _prf(
            _pairs({k: row.get("event") for k, row in keyed.items()}),
            _pairs({k: d["event"] for k, d in docs.items()}),
        ),
        "stories": _prf(
            _pairs({k: row.get("story") for k, row in keyed.items()}),
            _pairs({k: d["story"] for k, d in docs.items()}),
        ),
    }
    right = sum(row.get("published") == docs[k]["published"] for k, row in keyed.items())
    scores["published"] = {"accuracy": round(right / len(docs), 3)}
    scores["matched"] = {"reports": len(keyed), "expected": len(docs)}
    return scores


if __name__ == "__main__":
    found = check()
    sys.stdout.write("".join(f"{p}\n" for p in found) or "every expected fact is stated in the corpus\n")
    if "--export" in sys.argv[1:-1]:
        export = Path(sys.argv[sys.argv.index("--export") + 1])
        rows = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines() if line.strip()]
        for name, figures in score_export(rows).items():
            sys.stdout.write(f"{name:10} " + " ".join(f"{k}={v}" for k, v in figures.items()) + "\n")
    sys.exit(1 if found else 0)
