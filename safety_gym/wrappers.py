"""Opt-in wrappers: cost as a penalty, Safety-Gymnasium's 6-tuple step, trajectory recording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium

from safety_gym.rewards.profiles import penalized_reward

__all__ = ["CostPenalty", "RecordTrajectories", "SafetyGymnasiumStep"]


class CostPenalty(gymnasium.Wrapper):
    """Fold ``info["cost"]`` into the reward: ``reward - weight * cost``.

    For trainers that only take a scalar reward. Equivalent to ``make(id, reward="penalized:<weight>")``
    but applicable to any env that reports ``info["cost"]``.
    """

    def __init__(self, env: gymnasium.Env, weight: float = 1.0) -> None:
        super().__init__(env)
        self.weight = weight

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        observation, reward, terminated, truncated, info = self.env.step(action)
        return observation, penalized_reward(float(reward), info["cost"], self.weight), terminated, truncated, info


class SafetyGymnasiumStep(gymnasium.Wrapper):
    """Safety-Gymnasium's step API: ``(obs, reward, cost, terminated, truncated, info)``.

    Constrained-RL code written for Safety-Gymnasium (OmniSafe, its PPO-Lagrangian baselines) can
    consume our envs through this wrapper. Apply it outermost: Gymnasium's own wrappers and
    checkers expect five-tuples.
    """

    def step(self, action: Any) -> tuple[Any, float, float, bool, bool, dict[str, Any]]:  # type: ignore[override]
        observation, reward, terminated, truncated, info = self.env.step(action)
        return observation, reward, float(info["cost"]), terminated, truncated, info


class RecordTrajectories(gymnasium.Wrapper):
    """Append each finished episode's `Trajectory` as one JSON line to `path`.

    Args:
        env: A safety_gym environment (possibly wrapped).
        path: The JSONL file; created if missing, appended to otherwise.
        policy: The policy spec to record with each trajectory.
    """

    def __init__(self, env: gymnasium.Env, path: str | Path, *, policy: str | None = None) -> None:
        super().__init__(env)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.policy = policy

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        observation, reward, terminated, truncated, info = self.env.step(action)
        if terminated or truncated:
            trajectory = self.env.unwrapped.trajectory(policy=self.policy, truncated=truncated)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(trajectory.model_dump_json() + "\n")
        return observation, reward, terminated, truncated, info
