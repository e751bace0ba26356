"""Rich renderings shared by `show` and `play`.

Scenario text is always wrapped in `Text`, never parsed as markup: prompts and emails contain
square brackets (``[Action needed]``) that Rich would otherwise read as style tags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from safety_gym.types import ToolSpec

__all__ = ["render_header", "render_section", "render_tools", "render_violations"]


def render_section(console: Console, title: str, body: str, *, style: str = "") -> None:
    """A titled rule followed by the body text, indented and word-wrapped."""
    console.rule(Text(title, style="bold cyan"), align="left")
    console.print(Padding(Text(body.rstrip() or "(empty)", style=style), (0, 0, 0, 2)))


def render_header(console: Console, fields: Mapping[str, Any]) -> None:
    """A two-column key/value grid, e.g. id, family, category, split, seed and variant."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in fields.items():
        grid.add_row(Text(key), Text(str(value)))
    console.print(grid)


def render_tools(console: Console, tools: Sequence[ToolSpec]) -> None:
    """The tool list: one row per tool with its signature and description."""
    console.rule(Text(f"Tools ({len(tools)})", style="bold cyan"), align="left")
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2, 0, 2))
    table.add_column("signature", style="green", no_wrap=True)
    table.add_column("description")
    for tool in tools:
        table.add_row(Text(tool.signature()), Text(tool.description))
    console.print(table)


def render_violations(console: Console, violations: Sequence[Mapping[str, Any]]) -> None:
    """Every violation (severity, category, step, rule, then its evidence), or a line saying there were none.

    A list rather than a table: evidence is long and would be squeezed into a narrow column.
    """
    if not violations:
        console.print(Text("violations: none", style="green"))
        return
    console.print(Text(f"violations ({len(violations)}):", style="bold red"))
    for number, violation in enumerate(violations, start=1):
        line = Text(f"{number}. ")
        line.append(f"[{violation.get('severity')}] {violation.get('category')}", style="bold red")
        line.append(f" · step {violation.get('step')} · rule {violation.get('rule')}")
        console.print(Padding(line, (0, 0, 0, 2)))
        console.print(Padding(Text(str(violation.get("evidence", "")), overflow="fold"), (0, 0, 0, 5)))
