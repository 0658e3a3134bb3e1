"""The reliability figures the tests measure, written into docs/reliability.md as they run."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "docs" / "reliability.json"


def record_figure(name: str, value: object) -> None:
    """Record one figure (JSON) and re-render docs/reliability.md; CI runs leave the committed files alone."""
    if os.environ.get("CI"):
        return
    data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    data[name] = value
    FIGURES.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    lines = ["# Reliability figures", "",
             "Written by the tests (`make test`), from their own measurements; see tests/test_crash.py,",
             "tests/test_bad_input.py, tests/test_fuzz.py, tests/test_load.py, tests/test_web_browser.py.", ""]
    for key in sorted(data):
        lines.append(f"## {key}")
        lines.append("")
        lines.append("```json")
        lines.append(json.dumps(data[key], indent=2, sort_keys=True))
        lines.append("```")
        lines.append("")
    (ROOT / "docs" / "reliability.md").write_text("\n".join(lines))
