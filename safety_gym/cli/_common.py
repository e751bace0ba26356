"""What every CLI command shares: consoles, option types, id and variant resolution, usage errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from safety_gym.errors import ConfigError, UnknownEnvError
from safety_gym.registry import get_family
from safety_gym.variants import Variant, parse_variant_options

__all__ = [
    "USAGE_ERROR",
    "EnvIdArgument",
    "JsonOption",
    "SeedOption",
    "VariantOption",
    "exit_on_config_error",
    "make_console",
    "parse_variant",
    "resolve_family",
]

USAGE_ERROR = 2
"""Exit code for a bad id, variant or input, as Click uses for usage errors."""

EnvIdArgument = Annotated[str, typer.Argument(help="Environment id, e.g. SafetyGym/Blackmail-v0 (or the family name).")]
SeedOption = Annotated[int, typer.Option("--seed", "-s", help="Seed of the instance to generate.")]
VariantOption = Annotated[
    list[str] | None,
    typer.Option(
        "--variant",
        help="Variant option as key=value, e.g. pressure=none. Repeat it, or join options with commas.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]


def make_console(*, stderr: bool = False) -> Console:
    """A console bound to the current stdout/stderr (made per call so test runners can capture it)."""
    return Console(stderr=stderr, highlight=False)


@contextlib.contextmanager
def exit_on_config_error() -> Iterator[None]:
    """Turn a `ConfigError` (bad id, bad variant) into its message on stderr and exit code 2."""
    try:
        yield
    except ConfigError as error:
        make_console(stderr=True).print(Text(f"Error: {error}", style="bold red"), soft_wrap=True)
        raise typer.Exit(USAGE_ERROR) from None


def resolve_family(env_id: str) -> Any:
    """The registered family for an id such as ``SafetyGym/Blackmail-v0`` or a name such as ``Blackmail``.

    Raises:
        UnknownEnvError: with a did-you-mean hint when nothing of that id is registered.
    """
    family = get_family(env_id)
    if env_id not in (family.env_id, family.name):
        raise UnknownEnvError(f"no environment '{env_id}'. Did you mean '{family.env_id}'?")
    return family


def parse_variant(family: Any, options: Sequence[str] | None) -> Variant:
    """Parse repeated or comma-joined ``key=value`` options against the family's variant axes.

    Raises:
        ConfigError: naming the axis or value at fault.
    """
    parts = [part.strip() for option in options or () for part in option.split(",") if part.strip()]
    return parse_variant_options(
        parts or None, allowed=family.axes, default=family.default_variant, env_id=family.env_id
    )
