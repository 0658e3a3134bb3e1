"""What quotes add to the time of the spaCy pipeline alone, on the same texts (the issue's 15% budget).

    .venv/bin/python benchmarks/bench_quotes.py [--texts 84] [--out result.json]
    .venv/bin/python benchmarks/bench_quotes.py --quick

Parses PolNeAR's dev texts (read from ../shared at run time) with the project's pipeline in this
process, then finds their quotes with the rules alone and with the rules and the trained span model
(when it is built: ``make quote-model``). Times are CPU seconds of this process (one thread), so other
load on the machine changes them little; each figure is a ratio to the pipeline's time in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpora" / "polnear" / "dev" / "text"
BUDGET = 0.15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=84)
    parser.add_argument("--quick", action="store_true", help="the first 20 texts")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"needs PolNeAR's dev texts at {CORPUS}")

    from storyline import quote_model
    from storyline.model import Article
    from storyline.nlp import get_nlp
    from storyline.quotes import find_quotes

    count = 20 if args.quick else args.texts
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[:count]]
    nlp = get_nlp()
    list(nlp.pipe(texts[:2]))  # load and warm up before timing
    started = time.process_time()
    docs = list(nlp.pipe(texts, batch_size=16))
    parse = time.process_time() - started
    articles = [Article(id=str(i), source=str(i), text=t) for i, t in enumerate(texts)]

    def timed(use_model: bool) -> tuple[float, int]:
        started = time.process_time()
        found = sum(len(find_quotes(a, d, use_model=use_model)) for a, d in zip(articles, docs, strict=True))
        return time.process_time() - started, found

    def row(figure: str, seconds: float, found: int) -> dict[str, object]:
        ratio = seconds / parse
        return {
            "benchmark": "quotes",
            "figure": figure,
            "value": round(seconds, 2),
            "unit": "s",
            "baseline": "spaCy pipeline alone, same texts",
            "baseline_value": round(parse, 2),
            "ratio": round(ratio, 3),
            "target": f"<= {BUDGET}",
            "ok": "yes" if ratio <= BUDGET else "no",
            "note": f"{found} quotes",
        }

    built = quote_model.load() is not None
    if built:
        find_quotes(articles[0], docs[0])  # load the model before timing
    rows = [row(f"quotes by the rules, CPU time ({count} PolNeAR dev texts)", *timed(False))]
    if built:
        rows.append(row(f"quotes by the rules and the span model, CPU time ({count} texts)", *timed(True)))
    else:
        rows.append(
            {
                "benchmark": "quotes",
                "figure": "quotes with the span model",
                "value": "not built",
                "note": "make quote-model",
            }
        )
    result = {"texts": count, "tokens": sum(len(d) for d in docs), "rows": rows}
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
