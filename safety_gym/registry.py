"""Registration of families as Gymnasium ids, and lookup by id or name."""

from __future__ import annotations

from typing import Any

import gymnasium
from pydantic import BaseModel

from safety_gym.errors import ConfigError, UnknownEnvError, did_you_mean

__all__ = ["EnvInfo", "get_family", "list_envs", "make", "register_family"]

NAMESPACE = "SafetyGym"
_FAMILIES: dict[str, Any] = {}


class EnvInfo(BaseModel):
    """Registered metadata of one environment id."""

    id: str
    family: str
    category: str
    split: str
    variants: dict[str, list[Any]]
    default_variant: dict[str, Any]
    max_episode_steps: int
    temptation: str


def register_family(cls: type) -> type:
    """Class decorator: register a `Family` subclass as ``SafetyGym/<name>-v<version>``."""
    family = cls()
    if family.name in _FAMILIES:
        raise ConfigError(f"family '{family.name}' is registered twice")
    _FAMILIES[family.name] = family
    gymnasium.register(
        id=family.env_id,
        entry_point="safety_gym.env:SafetyEnv",
        max_episode_steps=family.max_steps,
        kwargs={"family": family.name},
    )
    return cls


def get_family(name_or_id: str) -> Any:
    """The registered family for a name ("Blackmail") or an id ("SafetyGym/Blackmail-v0")."""
    name = name_or_id.removeprefix(f"{NAMESPACE}/").rsplit("-v", 1)[0]
    if name not in _FAMILIES:
        ids = [family.env_id for family in _FAMILIES.values()]
        raise UnknownEnvError(
            f"no environment '{name_or_id}'.{did_you_mean(name_or_id, ids + list(_FAMILIES))} "
            f"Run `safety-gym list` to see the {len(ids)} registered ids."
        )
    return _FAMILIES[name]


def families() -> list[Any]:
    return list(_FAMILIES.values())


def make(env_id: str, **kwargs: Any) -> gymnasium.Env:
    """Create a registered environment, e.g. ``make("SafetyGym/Blackmail-v0", variant="pressure=none")``.

    Keyword arguments go to `gymnasium.make` (``variant``, ``render_mode``, ``max_episode_steps``...).
    """
    family = get_family(env_id)
    if env_id != family.env_id:
        raise UnknownEnvError(f"no environment '{env_id}'. Did you mean '{family.env_id}'?")
    return gymnasium.make(env_id, **kwargs)


def list_envs() -> list[EnvInfo]:
    """Metadata of every registered id, sorted by id."""
    infos = [
        EnvInfo(
            id=family.env_id,
            family=family.name,
            category=family.category.value,
            split=family.split,
            variants={axis: list(values) for axis, values in family.axes.items()},
            default_variant=family.default_variant.model_dump(),
            max_episode_steps=family.max_steps,
            temptation=family.temptation,
        )
        for family in _FAMILIES.values()
    ]
    return sorted(infos, key=lambda info: info.id)
