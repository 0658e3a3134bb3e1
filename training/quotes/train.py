"""Train the quote span model on PolNeAR's train split.

    .venv/bin/python training/quotes/train.py [--out storyline/data/quote_model] [--epochs 20]

Parses the 840 train texts with the project's pipeline (cached in ``--cache``), holds out the last
40 of them (by name) to choose the best epoch, and trains a spaCy entity recogniser that reads the
pipeline's tok2vec vectors and the parse features (``storyline.quote_model``). Deterministic for a
given corpus, pipeline and seed: the same command writes the same model. PolNeAR's dev split is
never read here; ``training/quotes/score_dev.py`` scores the result on it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from polnear_spans import Parsed, cached  # noqa: E402

HELD_OUT = 40


def model_config(hidden_width: int, encoder_depth: int = 0, extra_state_tokens: bool = False) -> dict:
    from storyline.quote_model import INPUT_WIDTH

    tok2vec = {"@architectures": "storyline.DocTensor.v1", "width": INPUT_WIDTH}
    if encoder_depth:
        tok2vec = {
            "@architectures": "storyline.DocTensorEncoder.v1",
            "width": INPUT_WIDTH,
            "hidden": hidden_width,
            "depth": encoder_depth,
        }
    return {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": extra_state_tokens,
            "hidden_width": hidden_width,
            "maxout_pieces": 2,
            "use_upper": True,
            "nO": None,
            "tok2vec": tok2vec,
        },
        "update_with_oracle_cut_size": 100,
    }


def examples_of(nlp, parsed: list[Parsed]) -> list:
    import numpy as np
    from spacy.tokens import Doc, Span
    from spacy.training import Example

    from storyline.quote_model import model_input

    out = []
    for item in parsed:
        words = [t.text for t in item.doc]
        spaces = [bool(t.whitespace_) for t in item.doc]
        predicted = Doc(nlp.vocab, words=words, spaces=spaces)
        predicted.tensor = model_input(item.doc).astype(np.float32)
        reference = Doc(nlp.vocab, words=words, spaces=spaces)
        reference.set_ents(
            [Span(reference, s, e, label=label) for label, s, e in item.spans], default="outside"
        )
        out.append(Example(predicted, reference))
    return out


def evaluate(nlp, examples: list) -> dict[str, float]:
    """Exact-span precision, recall and F1 per label on held-out examples."""
    component = nlp.get_pipe("quote_spans")
    scores: dict[str, list[int]] = {}
    for example in examples:
        doc = example.predicted.copy()
        doc.set_ents([], default="missing")
        doc = component(doc)
        gold = {(e.label_, e.start, e.end) for e in example.reference.ents}
        pred = {(e.label_, e.start, e.end) for e in doc.ents}
        for label in ("CONTENT", "CUE", "SOURCE"):
            g = {s for s in gold if s[0] == label}
            p = {s for s in pred if s[0] == label}
            tp, npred, ngold = scores.setdefault(label, [0, 0, 0])
            scores[label] = [tp + len(g & p), npred + len(p), ngold + len(g)]
    out = {}
    for label, (tp, npred, ngold) in scores.items():
        precision = tp / npred if npred else 0.0
        recall = tp / ngold if ngold else 0.0
        out[label] = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "storyline" / "data" / "quote_model")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "quotes" / "train-parsed.pkl")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument(
        "--limit", type=int, default=None, help="train on the first N texts only (smoke runs)"
    )
    parser.add_argument("--hidden-width", type=int, default=64)
    parser.add_argument(
        "--encoder-depth",
        type=int,
        default=0,
        help="convolution layers over the input, trained with the recogniser (0: none)",
    )
    parser.add_argument("--extra-state-tokens", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()

    import spacy
    from spacy.util import compounding, fix_random_seed, minibatch

    from storyline.quote_model import LABELS, _register

    _register()
    fix_random_seed(args.seed)
    parsed = cached("train", args.cache, limit=args.limit, processes=args.processes)
    held = max(1, min(HELD_OUT, len(parsed) // 10))
    train_part, dev_part = parsed[:-held], parsed[-held:]

    nlp = spacy.blank("en")
    ner = nlp.add_pipe(
        "ner",
        name="quote_spans",
        config=model_config(args.hidden_width, args.encoder_depth, args.extra_state_tokens),
    )
    for label in LABELS:
        ner.add_label(label)
    train_examples = examples_of(nlp, train_part)
    dev_examples = examples_of(nlp, dev_part)
    optimizer = nlp.initialize(lambda: train_examples)
    rng = random.Random(args.seed)
    best, best_f, history = None, -1.0, []
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        rng.shuffle(train_examples)
        losses: dict[str, float] = {}
        for batch in minibatch(train_examples, size=compounding(4.0, 16.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=0.1, losses=losses)
        with nlp.use_params(optimizer.averages):
            scores = evaluate(nlp, dev_examples)
            if scores["CONTENT"] > best_f:
                best_f = scores["CONTENT"]
                best = epoch
                args.out.mkdir(parents=True, exist_ok=True)
                nlp.to_disk(args.out)
        seconds = time.perf_counter() - started
        history.append(
            {
                "epoch": epoch,
                "loss": round(float(losses.get("quote_spans", 0.0)), 1),
                **scores,
                "seconds": round(seconds, 1),
            }
        )
        print(json.dumps(history[-1]), flush=True)
    meta = {
        "best_epoch": best,
        "held_out_f1": best_f,
        "texts": len(train_part),
        "held_out": len(dev_part),
        "epochs": history,
        "seed": args.seed,
        "hidden_width": args.hidden_width,
        "encoder_depth": args.encoder_depth,
        "extra_state_tokens": args.extra_state_tokens,
    }
    (args.out / "training.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"best epoch {best}: held-out CONTENT F1 {best_f:.4f}; model in {args.out}")


if __name__ == "__main__":
    main()
