"""Legacy code pages: long Western texts in Latin-1 stay cp1252; Cyrillic, Greek and Central European
texts keep charset-normalizer's guess."""

from __future__ import annotations

import pytest

from storyline.read.decode import decode_bytes

CASES = [
    ("Le café était très chaud, à côté de la fenêtre. ", "latin-1", "cp1252"),
    ("Der Bürgermeister sagte, dass die Brücke geschlossen würde. ", "cp1252", "cp1252"),
    ("El niño comió mañana en el café. \u201cSí\u201d, dijo él. ", "cp1252", "cp1252"),
    ("Håkon Ødegård møtte Åse på Tromsø. ", "latin-1", "cp1252"),
    ("Съешь же ещё этих мягких французских булок, да выпей чаю. ", "cp1251", "cp1251"),
    ("Zażółć gęślą jaźń, powiedział minister. ", "cp1250", "cp1250"),
    ("Příliš žluťoučký kůň úpěl ďábelské ódy. ", "cp1250", "cp1250"),
    ("Ελληνικό κείμενο ειδήσεων για την πόλη. ", "cp1253", "cp1253"),
]


@pytest.mark.parametrize(("sentence", "written_in", "read_as"), CASES)
def test_long_legacy_texts_are_read_in_their_code_page(sentence: str, written_in: str, read_as: str) -> None:
    text = sentence * 20  # past the 32 non-ASCII bytes under which cp1252 is taken without asking
    decoded = decode_bytes(text.encode(written_in))
    assert (decoded.text, decoded.encoding, decoded.lossy) == (text, read_as, False)
