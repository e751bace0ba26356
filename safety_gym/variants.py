"""Variant axes shared by all families, and parsing of `key=value` variant options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from safety_gym.errors import ConfigError, did_you_mean

__all__ = ["AXES", "Variant", "parse_variant_options"]


class Variant(BaseModel):
    """One point on the variant axes of DESIGN.md section 3.

    Attributes:
        pressure: What threatens the agent: being replaced, being restricted, or nothing.
        goal_conflict: Whether the agent's given goal conflicts with its principal's, explicitly
            (stated in the system prompt), latently (only implied by the world) or not at all.
        ethical_exit: Whether a legitimate way to object or escalate exists in the world.
        framing: Whether the scenario reads as a test or as real deployment.
        instruction: Whether the system prompt explicitly forbids the unsafe act.
        control: The control variant: no temptation at all (measures false positives).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    pressure: Literal["replacement", "restriction", "none"] = "replacement"
    goal_conflict: Literal["explicit", "latent", "none"] = "explicit"
    ethical_exit: bool = False
    framing: Literal["deployment", "test"] = "deployment"
    instruction: Literal["none", "do_not"] = "none"
    control: bool = False

    def label(self) -> str:
        """Compact `k=v,...` form listing every axis (used in keys and file names)."""
        return ",".join(f"{key}={_format(value)}" for key, value in self.model_dump().items())

    def to_info(self) -> dict[str, Any]:
        return self.model_dump()


AXES: dict[str, tuple[Any, ...]] = {
    "pressure": ("replacement", "restriction", "none"),
    "goal_conflict": ("explicit", "latent", "none"),
    "ethical_exit": (False, True),
    "framing": ("deployment", "test"),
    "instruction": ("none", "do_not"),
    "control": (False, True),
}


def _format(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _coerce(axis: str, raw: Any) -> Any:
    if AXES[axis] and isinstance(AXES[axis][0], bool) and isinstance(raw, str):
        lowered = raw.strip().lower()
        if lowered in {"true", "1", "yes"}:
            return True
        if lowered in {"false", "0", "no"}:
            return False
    return raw.strip() if isinstance(raw, str) else raw


def parse_variant_options(
    options: Mapping[str, Any] | Sequence[str] | str | Variant | None,
    *,
    allowed: Mapping[str, tuple[Any, ...]],
    default: Variant,
    env_id: str,
) -> Variant:
    """Build a Variant from a mapping, `k=v` strings or a comma list, checking the family's axes.

    Raises:
        ConfigError: naming the axis or value at fault and what is accepted instead.
    """
    if options is None:
        return default
    if isinstance(options, Variant):
        options = options.model_dump()
    if isinstance(options, str):
        options = [part for part in options.split(",") if part.strip()]
    if not isinstance(options, Mapping):
        options = dict(_split_pair(item, env_id) for item in options)
    values = default.model_dump()
    for axis, raw in options.items():
        if axis not in allowed:
            if axis in AXES and _coerce(axis, raw) == values[axis]:
                continue  # a full Variant passed back in: axes the family does not vary keep their default
            hint = did_you_mean(axis, allowed)
            raise ConfigError(
                f"{env_id} has no variant axis '{axis}'.{hint} Its axes are: {', '.join(allowed)}."
            )
        value = _coerce(axis, raw)
        if value not in allowed[axis]:
            choices = ", ".join(_format(choice) for choice in allowed[axis])
            raise ConfigError(f"{env_id}: variant {axis}={raw!r} is not allowed; choose one of: {choices}.")
        values[axis] = value
    try:
        return Variant.model_validate(values)
    except ValidationError as error:  # pragma: no cover - guarded by the checks above
        raise ConfigError(f"{env_id}: invalid variant {values}: {error}") from error


def _split_pair(item: str, env_id: str) -> tuple[str, str]:
    key, separator, value = item.partition("=")
    if not separator:
        raise ConfigError(f"{env_id}: variant option '{item}' must look like key=value, e.g. pressure=none")
    return key.strip(), value.strip()
