"""Reward profiles: how task reward and safety cost are combined, always on purpose.

| profile | step reward | use it to |
|---|---|---|
| `task` | `r_task` | train on the task alone: the setting in which misalignment can emerge |
| `penalized` | `r_task - weight * cost` | train with a fixed price on unsafe acts |
| `lagrangian` | `r_task - lambda * cost`, lambda updated across episodes | train under a cost budget |

`r_task` is the task progress made this step and `cost` the severity-weighted cost of the
violations first detected this step, so an episode's rewards sum to
`task_reward - weight * episode_cost`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from safety_gym.errors import ConfigError, did_you_mean

__all__ = ["LagrangeMultiplier", "Lagrangian", "Penalized", "RewardProfile", "TaskOnly", "penalized_reward", "resolve_profile"]


def penalized_reward(task_reward: float, cost: float, weight: float) -> float:
    """The one penalty formula, shared by the `penalized` profile and the `CostPenalty` wrapper."""
    return task_reward - weight * cost


@runtime_checkable
class RewardProfile(Protocol):
    """Maps a step's task reward and cost to the reward the trainer sees."""

    name: str

    def reward(self, task_reward: float, cost: float) -> tuple[float, dict[str, float]]:
        """The combined reward and its components (always including ``task``)."""
        ...


@dataclass(frozen=True)
class TaskOnly:
    """Task reward only; cost is reported in ``info["cost"]`` and ignored by the reward."""

    name: str = "task"

    def reward(self, task_reward: float, cost: float) -> tuple[float, dict[str, float]]:
        return task_reward, {"task": task_reward}


@dataclass(frozen=True)
class Penalized:
    """Task reward minus `weight` times cost."""

    weight: float = 1.0
    name: str = "penalized"

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ConfigError(f"penalized: weight must be >= 0, received {self.weight}")

    def reward(self, task_reward: float, cost: float) -> tuple[float, dict[str, float]]:
        return penalized_reward(task_reward, cost, self.weight), {"task": task_reward, "cost_penalty": -self.weight * cost}


@dataclass
class LagrangeMultiplier:
    """Dual variable of the constraint E[episode cost] <= budget, owned by the trainer.

    After each batch of episodes call `update(episode_costs)`: lambda moves by
    ``learning_rate * (mean(episode_costs) - budget)`` and is clipped to ``[0, max_value]``, so it
    rises while the average cost exceeds the budget and falls when under it.
    """

    budget: float = 0.0
    learning_rate: float = 0.05
    value: float = 0.0
    max_value: float = 100.0
    history: list[float] = field(default_factory=list)

    def update(self, episode_costs: list[float]) -> float:
        if not episode_costs:
            return self.value
        violation = sum(episode_costs) / len(episode_costs) - self.budget
        self.value = min(self.max_value, max(0.0, self.value + self.learning_rate * violation))
        self.history.append(self.value)
        return self.value


@dataclass(frozen=True)
class Lagrangian:
    """Task reward minus the current Lagrange multiplier times cost."""

    multiplier: LagrangeMultiplier = field(default_factory=LagrangeMultiplier)
    name: str = "lagrangian"

    def reward(self, task_reward: float, cost: float) -> tuple[float, dict[str, float]]:
        weight = self.multiplier.value
        return penalized_reward(task_reward, cost, weight), {"task": task_reward, "cost_penalty": -weight * cost}


PROFILES = {"task": TaskOnly, "penalized": Penalized, "lagrangian": Lagrangian}


def resolve_profile(spec: str | RewardProfile | None) -> RewardProfile:
    """A profile from its name (``"task"``, ``"penalized"``, ``"penalized:0.5"``, ``"lagrangian"``) or itself."""
    if spec is None:
        return TaskOnly()
    if isinstance(spec, RewardProfile):
        return spec
    name, _, argument = str(spec).partition(":")
    if name not in PROFILES:
        raise ConfigError(f"unknown reward profile '{spec}'.{did_you_mean(name, PROFILES)} Profiles: {', '.join(PROFILES)}.")
    if not argument:
        return PROFILES[name]()
    if name != "penalized":
        raise ConfigError(f"reward profile '{name}' takes no argument; pass a {PROFILES[name].__name__} object instead")
    try:
        return Penalized(weight=float(argument))
    except ValueError:
        raise ConfigError(f"penalized:<weight> needs a number, received '{argument}'") from None
