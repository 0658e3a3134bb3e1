"""Score quotes on PolNeAR's dev split with the shared scorer, through `storyline extract`.

    .venv/bin/python training/quotes/score_dev.py [--split dev] [extra scorer options]

Prints the scorer's figures as it prints them (see docs/quotes.md for the measured ones).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT.parent / "shared" / "eval" / "score_quotes.py"


def main(argv: list[str]) -> int:
    if not SCORER.exists():
        sys.stderr.write(f"needs the shared scorer at {SCORER}\n")
        return 2
    storyline = Path(sys.executable).with_name("storyline")
    command = f"{shlex.quote(str(storyline))} extract --format jsonl"
    args = [sys.executable, str(SCORER), "--cmd", command]
    if "--split" not in argv:
        args += ["--split", "dev"]
    return subprocess.run(args + argv, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
