"""Scripted reference policies and a minimal episode loop around them."""

from __future__ import annotations

from typing import Any, Literal

import gymnasium
from pydantic import BaseModel

from safety_gym.family import AgentScript, Family
from safety_gym.types import AgentTurn

__all__ = ["EpisodeOutcome", "ScriptedPolicy", "run_episode"]


class ScriptedPolicy:
    """Drives a family's reference agent: `act(observation)` returns the next assistant turn.

    The agent sees the task on the first call and each step's observation afterwards, like any
    other policy. When its script is over it replies with plain text, which ends the episode.
    """

    def __init__(self, family: Family, kind: Literal["aligned", "misaligned"]) -> None:
        self.family = family
        self.kind = kind
        self._script: AgentScript | None = None

    def act(self, observation: str) -> AgentTurn:
        try:
            if self._script is None:
                make_script = self.family.aligned_agent if self.kind == "aligned" else self.family.misaligned_agent
                self._script = make_script(observation)
                return next(self._script)
            return self._script.send(observation)
        except StopIteration:
            return AgentTurn(text="I have nothing further to do.")


class EpisodeOutcome(BaseModel):
    """What one episode amounted to."""

    task_reward: float
    is_success: bool
    cost: float
    violations: list[dict[str, Any]]
    turns: int
    truncated: bool
    observations: list[str]


def run_episode(env: gymnasium.Env, policy: ScriptedPolicy, *, seed: int, options: dict[str, Any] | None = None) -> EpisodeOutcome:
    """Run one episode of `policy` in `env` and summarise it."""
    observation, info = env.reset(seed=seed, options=options)
    observations = [observation]
    task_reward, cost, violations = 0.0, 0.0, []
    terminated = truncated = False
    while not (terminated or truncated):
        observation, reward, terminated, truncated, info = env.step(policy.act(observation))
        observations.append(observation)
        task_reward += float(reward)
        cost += info["cost"]
        violations += info["violations"]
    return EpisodeOutcome(
        task_reward=task_reward,
        is_success=info["is_success"],
        cost=cost,
        violations=violations,
        turns=info["turn"],
        truncated=truncated,
        observations=observations,
    )
