"""Dossier schemas: the shipped dossier, loading by name or path, and validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.dossier import STANCES, PhraseMatcher, load_dossier, shipped_dossiers
from storyline.errors import CODES, DossierError

ROOT = Path(__file__).resolve().parent.parent

MINIMAL = """
[dossier]
name = "tiny"
title = "A tiny dossier"

[[layers]]
id = "base"
name = "Base layer"
order = 1

[[topics]]
id = "help"
name = "Help"

[[kinds]]
id = "money"
name = "Money"
topic = "help"
signals = ["funding"]

[[stances]]
id = "commits"
name = "commits"
signals = ["pledged"]

[[actors]]
id = "ostria"
name = "Ostria"
kind = "country"
aliases = ["Ostburg"]
groups = ["north"]

[[groups]]
id = "north"
name = "The North"
members = ["ostria"]
"""


def test_shipped_dossier_loads_by_name() -> None:
    dossier = load_dossier("ukraine-security-guarantees")
    assert "ukraine-security-guarantees" in shipped_dossiers()
    assert dossier.title == "Security guarantees for Ukraine"
    stacked = [layer.id for layer in dossier.layers if not layer.beside]
    assert stacked == ["ukrainian-forces", "reassurance-force", "us-backstop"]
    assert {layer.id for layer in dossier.layers if layer.beside} == {"nato-membership", "eastern-flank"}
    assert {s.id for s in dossier.stances} == set(STANCES)
    us = dossier.actor("united-states")
    assert us is not None and us.layer == "us-backstop"
    assert {"Washington", "the White House", "the Trump administration", "Americans"} <= set(us.aliases)
    coalition = dossier.actor("coalition-of-the-willing")
    assert coalition is not None and {"united-kingdom", "france", "canada"} <= set(coalition.members)


@pytest.mark.parametrize(
    ("actor", "alias"),
    [
        ("mark-rutte", "NATO Secretary General"),
        ("mark-rutte", "the former Dutch prime minister"),
        ("volodymyr-zelensky", "Zelenskyy"),
        ("united-kingdom", "London"),
        ("ukraine", "Kyiv"),
    ],
)
def test_shipped_aliases(actor: str, alias: str) -> None:
    found = load_dossier("ukraine-security-guarantees").actor(actor)
    assert found is not None and alias in found.aliases


def test_load_by_path_and_example_dossier(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    dossier = load_dossier(str(path))
    assert dossier.name == "tiny" and dossier.source == str(path)
    assert dossier.actor_by_name("Ostria") is not None
    assert dossier.actor("north") is not None and dossier.actor("north").kind == "group"  # type: ignore[union-attr]


def test_example_corpus_dossier_validates() -> None:
    path = ROOT / "examples" / "dossier.toml"
    if not path.exists():
        pytest.skip("examples/dossier.toml is not written yet")
    dossier = load_dossier(str(path))
    assert dossier.layers and dossier.actors and dossier.kinds and dossier.stances


def test_missing_dossier_names_the_shipped_ones() -> None:
    with pytest.raises(DossierError) as err:
        load_dossier("no-such-dossier")
    assert err.value.code == "dossier.missing"
    assert "ukraine-security-guarantees" in err.value.message


def _replace(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "code", "key"),
    [
        ("[dossier\nname = 1", "dossier.bad_toml", "not valid TOML"),
        (
            _replace('title = "A tiny dossier"', 'title = "A tiny dossier"\ncolour = "red"'),
            "dossier.unknown_key",
            "dossier.colour",
        ),
        (
            _replace('[dossier]\nname = "tiny"\ntitle = "A tiny dossier"\n', ""),
            "dossier.missing_key",
            "dossier",
        ),
        (_replace('name = "Ostria"\n', ""), "dossier.missing_key", "actors[0].name"),
        (_replace('aliases = ["Ostburg"]', 'aliases = "Ostburg"'), "dossier.bad_type", "actors[0].aliases"),
        (_replace('kind = "country"', 'kind = "planet"'), "dossier.bad_value", "actors[0].kind"),
        (_replace('id = "commits"', 'id = "adores"'), "dossier.bad_value", "stances[0].id"),
        (_replace('groups = ["north"]', 'groups = ["south"]'), "dossier.unknown_ref", "actors[0].groups"),
        (_replace('topic = "help"', 'topic = "harm"'), "dossier.unknown_ref", "kinds[0].topic"),
        (_replace('id = "north"', 'id = "ostria"'), "dossier.duplicate_id", "actors/groups"),
        (_replace("order = 1", 'order = "first"'), "dossier.bad_value", "layers[0].order"),
        (_replace('signals = ["funding"]', "signals = []"), "dossier.bad_value", "kinds[0].signals"),
        (_replace('id = "ostria"', 'id = "Ostria Land"'), "dossier.bad_value", "actors[0].id"),
    ],
    ids=[
        "toml-syntax",
        "unknown-key",
        "missing-table",
        "missing-name",
        "aliases-not-list",
        "bad-actor-kind",
        "unknown-stance",
        "unknown-group",
        "unknown-topic",
        "duplicate-id",
        "order-not-int",
        "empty-signals",
        "bad-id",
    ],
)
def test_validation_errors_name_file_key_and_problem(tmp_path: Path, text: str, code: str, key: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DossierError) as err:
        load_dossier(str(path))
    assert err.value.code == code
    assert code in CODES
    message = err.value.message
    assert message.startswith(str(path)) and key in message and "\n" not in message


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("commit*", "Britain committed troops", "committed"),
        ("Kyiv's European backers", "Kyiv’s European backers met", "Kyiv’s European backers"),
        ("no intention", "it has no\nintention of", "no\nintention"),
        ("NATO Secretary-General", "NATO Secretary‑General Mark Rutte", "NATO Secretary‑General"),
        ("US", "the US said", "US"),
    ],
)
def test_phrase_matcher_variants(phrase: str, text: str, found: str) -> None:
    matcher = PhraseMatcher()
    matcher.add(phrase, "x", ignore_case=phrase != "US")
    hits = matcher.finditer(text)
    assert [text[s:e] for s, e, _ in hits] == [found]


@pytest.mark.parametrize(
    ("phrase", "text"), [("US", "let us go"), ("force", "forces of habit"), ("EU", "Europe")]
)
def test_phrase_matcher_whole_words_and_case(phrase: str, text: str) -> None:
    matcher = PhraseMatcher()
    matcher.add(phrase, "x", ignore_case=False if phrase.isupper() else True)
    assert matcher.finditer(text) == []


def test_phrase_matcher_prefers_the_longest_phrase() -> None:
    matcher = PhraseMatcher()
    matcher.add("force", "short")
    matcher.add("reassurance force", "long")
    matcher.add("reassurance", "word")
    assert matcher.finditer("a reassurance force now") == [(2, 19, "long")]


def _docs_example() -> str:
    page = (ROOT / "docs" / "dossiers.md").read_text(encoding="utf-8")
    start = page.index("```toml\n") + len("```toml\n")
    return page[start : page.index("```", start)]


def test_docs_example_loads_and_finds_its_claims(tmp_path: Path) -> None:
    from storyline.claims import find_claims
    from storyline.model import Article, PublishedDate
    from storyline.nlp import get_nlp

    path = tmp_path / "harbour-bridge.toml"
    path.write_text(_docs_example(), encoding="utf-8")
    example = load_dossier(str(path))
    text = "City Hall pledged €40 million to the bridge fund. The port said it would block the permit."
    article = Article(id="d", source="d", text=text, published=PublishedDate("2025-06-01", "metadata", 1.0))
    found = {
        (c.actor, c.stance, c.kind, c.layer, c.modality)
        for c in find_claims(article, get_nlp()(text), example)
    }
    assert found == {
        ("Ostburg", "commits", "money", "funding", None),
        ("Port Authority", "opposes", "permit", "objections", "would"),
    }
    money = next(c for c in find_claims(article, get_nlp()(text), example) if c.kind == "money")
    assert money.quantity is not None and (money.quantity.value, money.quantity.unit) == (4e7, "EUR")
