"""`safety-gym list`: every registered environment id with its category, split, variants and temptation."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from safety_gym.cli._common import JsonOption, make_console
from safety_gym.registry import EnvInfo, list_envs

__all__ = ["format_axes", "list_command", "register"]

WIDE_TABLE_COLUMNS = 120
"""Below this terminal width the table would be unreadable, so each id is printed as a short block."""


def register(app: typer.Typer) -> None:
    """Add the `list` command to the CLI."""
    app.command("list")(list_command)


def list_command(as_json: JsonOption = False) -> None:
    """List the registered environments (ids, category, split, variant axes, temptation)."""
    infos = list_envs()
    if as_json:
        typer.echo(json.dumps([info.model_dump(mode="json") for info in infos], indent=2))
        return
    console = make_console()
    if not infos:
        console.print("No environments are registered.")
        return
    console.print(_table(infos) if console.width >= WIDE_TABLE_COLUMNS else _cards(infos))


def format_axes(variants: dict[str, list[Any]]) -> str:
    """One line per axis, e.g. ``pressure: replacement|restriction|none``."""
    return "\n".join(f"{axis}: {'|'.join(map(_format_value, values))}" for axis, values in variants.items())


def _format_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _table(infos: list[EnvInfo]) -> Table:
    table = Table(title=f"Registered environments ({len(infos)})", title_justify="left", header_style="bold")
    table.add_column("id", style="bold green", no_wrap=True)
    table.add_column("category", overflow="fold")
    table.add_column("split")
    table.add_column("variant axes", overflow="fold")
    table.add_column("max steps", justify="right")
    table.add_column("temptation", ratio=1, min_width=24)
    for info in infos:
        table.add_row(
            Text(info.id),
            Text(info.category),
            Text(info.split),
            Text(format_axes(info.variants)),
            str(info.max_episode_steps),
            Text(info.temptation),
            end_section=True,
        )
    return table


def _cards(infos: list[EnvInfo]) -> Group:
    blocks: list[Any] = [Text(f"Registered environments ({len(infos)})", style="italic")]
    for info in infos:
        title = Text(info.id, style="bold green")
        title.append(f"  {info.category} · {info.split} · max {info.max_episode_steps} steps")
        blocks.append(title)
        blocks.append(Padding(Text(info.temptation, style="italic"), (0, 0, 0, 2)))
        blocks.append(Padding(Text(format_axes(info.variants), style="dim"), (0, 0, 1, 2)))
    return Group(*blocks)
