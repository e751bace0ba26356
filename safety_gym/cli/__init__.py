"""The `safety-gym` console script.

Each command group lives in its own module exposing ``register(app)``, which adds its command
(``app.command(...)``) or sub-group (``app.add_typer(...)``). To add a command, write the module
and append it to `COMMAND_MODULES`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from safety_gym.cli import evaluate, judge, listing, play, show, track

__all__ = ["COMMAND_MODULES", "app", "main"]

app = typer.Typer(
    name="safety-gym",
    help="Agentic tool-use environments where an LLM agent doing a legitimate task meets a safety temptation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

COMMAND_MODULES = (listing, show, play, evaluate, judge, track)

for _module in COMMAND_MODULES:
    _module.register(app)


def _print_version(value: bool) -> None:
    if value:
        from safety_gym import __version__

        typer.echo(f"safety-gym {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Agentic tool-use environments where an LLM agent doing a legitimate task meets a safety temptation."""


def main() -> None:
    """Entry point of the `safety-gym` console script."""
    app(prog_name="safety-gym")
