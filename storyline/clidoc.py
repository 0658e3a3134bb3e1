"""The CLI reference (docs/cli.md) generated from the real `--help` of every command."""

from __future__ import annotations

import click

HEADER = """# The `storyline` command

Generated from the real `--help` by `python -m storyline.clidoc > docs/cli.md`; a test fails when
this page and the command disagree.

Exit codes: 0 done (inputs that could not be read are recorded as error records and counted in
the summary line); 1 the command could not run (a user mistake: a bad option, a missing store, a
bad query), with a one-line message; 2 an unexpected internal error (one line; set
`STORYLINE_DEBUG=1` for a traceback); 3 `build --strict` finished but some inputs gave errors.
"""


def reference() -> str:
    """Markdown with the help text of the group and of each command, in name order."""
    from .cli import main

    settings = {**main.context_settings, "terminal_width": 100, "max_content_width": 100}
    ctx = click.Context(main, info_name="storyline", **settings)
    parts = [HEADER, "```text", main.get_help(ctx), "```"]
    for name in sorted(main.commands):
        command = main.commands[name]
        sub = click.Context(command, info_name=f"storyline {name}", parent=ctx, terminal_width=100,
                            max_content_width=100)
        parts += ["", f"## storyline {name}", "", "```text", command.get_help(sub), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(reference(), end="")
