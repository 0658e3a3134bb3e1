"""The trained quote span model: content, cue and source spans read off a parsed ``Doc``.

A spaCy entity recogniser (``quote_spans``) trained on PolNeAR's train split by
``training/quotes/train.py`` marks CONTENT, CUE and SOURCE spans. It has no encoder of its own: it
reads the vectors the pipeline's shared tok2vec left in ``doc.tensor`` beside the parse features of
``storyline.quote_features``, so it adds little to the time of the pipeline. ``find_quotes`` links
its spans into quotes beside the rules (``storyline.quotes``).

The model is built, not shipped: ``make quote-model`` trains it into ``storyline/data/quote_model``
(or the folder named by ``STORYLINE_QUOTE_MODEL``). Without it, quotes come from the rules alone.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .quote_features import WIDTH as FEATURE_WIDTH
from .quote_features import token_features

logger = logging.getLogger(__name__)

LABELS = ("CONTENT", "CUE", "SOURCE")
TENSOR_WIDTH = 96  # the width of en_core_web_sm's shared tok2vec
DEFAULT_PATH = Path(__file__).with_name("data") / "quote_model"
ENV = "STORYLINE_QUOTE_MODEL"


def model_path() -> Path:
    """Where the model is read from: ``$STORYLINE_QUOTE_MODEL``, else ``storyline/data/quote_model``."""
    return Path(os.environ.get(ENV) or DEFAULT_PATH)


def _register() -> None:
    """Register the input layer (the doc's tensor as it is) with spaCy's registry, once."""
    from spacy.util import registry

    if "storyline.DocTensor.v1" in registry.architectures:
        return

    @registry.architectures("storyline.DocTensor.v1")
    def doc_tensor(width: int) -> Any:
        from thinc.api import Model

        def forward(model: Any, docs: list[Any], is_train: bool) -> tuple[list[Any], Callable[..., Any]]:
            outputs = [model.ops.asarray2f(doc.tensor) for doc in docs]

            def backprop(d_outputs: list[Any]) -> list[Any]:
                return []  # frozen input: no gradient flows into the pipeline's tok2vec

            return outputs, backprop

        return Model("doc_tensor", forward, dims={"nO": width})

    @registry.architectures("storyline.DocTensorEncoder.v1")
    def doc_tensor_encoder(width: int, hidden: int, depth: int) -> Any:
        """The doc's tensor, projected to ``hidden`` and widened by ``depth`` convolutions (one
        token either side each), trained with the recogniser."""
        from spacy.ml.models.tok2vec import MaxoutWindowEncoder
        from thinc.api import Maxout, chain, with_array

        encoder: Any = chain(  # type: ignore[misc]
            Maxout(hidden, width, nP=3, normalize=True),
            MaxoutWindowEncoder(width=hidden, window_size=1, maxout_pieces=3, depth=depth),
        )
        model: Any = chain(doc_tensor(width), with_array(encoder))
        model.set_dim("nO", hidden)
        return model


def model_input(doc: Any, text: str | None = None) -> np.ndarray:
    """The matrix the model reads for each token: the tok2vec vector, then the parse features."""
    tensor = doc.tensor
    if tensor is None or getattr(tensor, "shape", (0,))[0] != len(doc) or tensor.shape[-1] != TENSOR_WIDTH:
        tensor = np.zeros((len(doc), TENSOR_WIDTH), dtype=np.float32)
    return np.hstack([np.asarray(tensor, dtype=np.float32), token_features(doc, text)])


INPUT_WIDTH = TENSOR_WIDTH + FEATURE_WIDTH


@functools.cache
def _load(path: str) -> Any:
    import spacy

    _register()
    return spacy.load(path)


def _input_width(path: Path) -> int | None:
    """The input width the model at ``path`` was trained with (from its config), None if unreadable."""
    from spacy.util import load_config

    try:
        tok2vec = load_config(path / "config.cfg")["components"]["quote_spans"]["model"]["tok2vec"]
        return int(tok2vec["width"])
    except (OSError, KeyError, TypeError, ValueError):
        return None


@functools.cache
def _fits(path: str) -> bool:
    width = _input_width(Path(path))
    if width != INPUT_WIDTH:
        logger.warning(
            "quote span model at %s reads %s features per token, this version makes %d: quotes come from "
            "the rules alone until it is rebuilt (make quote-model)",
            path,
            width,
            INPUT_WIDTH,
        )
        return False
    return True


def available(path: Path | None = None) -> bool:
    """Whether a trained model that fits this version's features is on disk."""
    path = path or model_path()
    return (path / "config.cfg").exists() and _fits(str(path))


def load(path: Path | None = None) -> Any | None:
    """The trained pipeline (one ``quote_spans`` component), loaded once per process; None without one
    (or with one made for other features, which is logged once)."""
    path = path or model_path()
    if not available(path):
        return None
    return _load(str(path))


@dataclass(frozen=True, slots=True)
class SpanGuess:
    """One span the model marked: its label and token range ``[start, end)`` in the doc."""

    label: str
    start: int
    end: int


def predict(doc: Any, model: Any | None = None, text: str | None = None) -> list[SpanGuess]:
    """The CONTENT, CUE and SOURCE spans of a parsed doc (``text`` is ``doc.text`` when the caller has
    it), or [] without a trained model."""
    model = model if model is not None else load()
    if model is None or len(doc) == 0:
        return []
    component = model.get_pipe("quote_spans")
    from spacy.attrs import ENT_IOB, ENT_TYPE

    copy = doc.copy()
    # No entity on any token, and none marked outside: the recogniser treats preset ones as fixed.
    copy.from_array([ENT_IOB, ENT_TYPE], np.zeros((len(copy), 2), dtype=np.uint64))
    copy.tensor = model_input(doc, text)
    for label in LABELS:
        copy.vocab.strings.add(label)
    copy = component(copy)
    return [SpanGuess(ent.label_, ent.start, ent.end) for ent in copy.ents]
