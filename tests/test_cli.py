"""The command line: help everywhere, the generated reference up to date, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.clidoc import reference

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    assert main.commands[name].help, f"{name} has no help text"


def test_docs_cli_matches_the_real_help() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert page == reference(), "docs/cli.md is stale: run `python -m storyline.clidoc > docs/cli.md`"


@pytest.mark.parametrize("args", [
    ["stats", "--db", "/nonexistent/dir/x.db"],
    ["search", "--db", "/nonexistent/dir/x.db", "q"],
    ["export", "--db", "/nonexistent/dir/x.db"],
])
def test_user_mistakes_give_one_line_and_exit_1(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("storyline: error:") and "Traceback" not in result.output


def test_bad_search_syntax_is_a_one_line_error(tmp_path: Path) -> None:
    from storyline.store import Store

    db = tmp_path / "s.db"
    Store(db).close()
    result = CliRunner().invoke(main, ["search", "--db", str(db), '"unbalanced'])
    assert result.exit_code == 1 and "usage.bad_query" in result.output


def test_parquet_export_needs_an_output(tmp_path: Path) -> None:
    from storyline.store import Store

    db = tmp_path / "p.db"
    Store(db).close()
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "parquet"])
    assert result.exit_code == 1 and "--output" in result.output
