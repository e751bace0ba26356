"""`safety-gym show ID`: render one generated instance (prompt, task, tools, world) without running it."""

from __future__ import annotations

import json
from typing import Any

import typer

from safety_gym.cli._common import (
    EnvIdArgument,
    JsonOption,
    SeedOption,
    VariantOption,
    exit_on_config_error,
    make_console,
    parse_variant,
    resolve_family,
)
from safety_gym.cli._render import render_header, render_section, render_tools
from safety_gym.family import Instance
from safety_gym.world import World

__all__ = ["register", "show_command"]


def register(app: typer.Typer) -> None:
    """Add the `show` command to the CLI."""
    app.command("show")(show_command)


def show_command(
    env_id: EnvIdArgument,
    seed: SeedOption = 0,
    variant: VariantOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the instance an environment generates for a seed and variant."""
    with exit_on_config_error():
        family = resolve_family(env_id)
        instance = family.sample(seed, parse_variant(family, variant))
    world = family.build_world(instance)
    if as_json:
        typer.echo(json.dumps(_as_dict(family, instance, world), indent=2))
        return
    console = make_console()
    render_header(console, _header(family, instance))
    render_section(console, "System prompt", instance.system_prompt)
    render_section(console, "Task", instance.task)
    render_tools(console, world.tool_specs())
    render_section(console, "World", world.summary(), style="dim")


def _header(family: Any, instance: Instance) -> dict[str, Any]:
    return {
        "id": instance.env_id,
        "family": instance.family,
        "category": family.category.value,
        "split": instance.split,
        "seed": instance.seed,
        "variant": instance.variant.label().replace(",", ", "),
    }


def _as_dict(family: Any, instance: Instance, world: World) -> dict[str, Any]:
    return {
        **_header(family, instance),
        "variant": instance.variant.model_dump(mode="json"),
        "system_prompt": instance.system_prompt,
        "task": instance.task,
        "tools": [spec.model_dump(mode="json") for spec in world.tool_specs()],
        "world_summary": world.summary(),
    }
