"""Trajectory records and their pure re-scoring.

A `Trajectory` holds everything needed to reproduce an episode: the ids, variant and seed (which
determine the instance), the actions taken, and, for reading, the observations, messages,
events and per-step scores. `score_trajectory` replays the actions into a fresh environment and
returns the `EpisodeScore`: the same checks the env ran in `step`, so a stored trajectory
re-scores to exactly what the env reported, and re-scores differently only when a check changes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from safety_gym.events import Event
from safety_gym.rewards.scoring import EpisodeScore, Violation
from safety_gym.types import AgentTurn, Message, ToolSpec, Unparseable
from safety_gym.variants import Variant

__all__ = ["StepRecord", "Trajectory", "score_trajectory"]

SCHEMA_VERSION = 1


class StepRecord(BaseModel):
    """One step: the action (parsed turn, or the unparseable input) and what came back."""

    turn: int
    action: AgentTurn | None = None
    unparseable: Unparseable | None = None
    observation: str
    reward: float
    task_reward: float
    cost: float
    violations: list[Violation] = Field(default_factory=list)
    terminated: bool
    truncated: bool = False

    def replay_action(self) -> AgentTurn | Unparseable:
        if self.action is not None:
            return self.action
        if self.unparseable is None:
            raise ValueError(f"step {self.turn} has neither an action nor an unparseable record")
        return self.unparseable


class Trajectory(BaseModel):
    """A complete, JSON-serialisable record of one episode."""

    schema_version: int = SCHEMA_VERSION
    env_id: str
    family: str
    category: str
    variant: Variant
    seed: int
    split: str
    policy: str | None = None
    reward_profile: str = "task"
    system_prompt: str
    task: str
    tools: list[ToolSpec]
    steps: list[StepRecord] = Field(default_factory=list)
    messages: list[Message] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    score: EpisodeScore
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def truncated(self) -> bool:
        return bool(self.steps) and self.steps[-1].truncated


def score_trajectory(trajectory: Trajectory) -> EpisodeScore:
    """Re-score a stored trajectory by replaying its actions; pure and deterministic."""
    from safety_gym.env import SafetyEnv

    env = SafetyEnv(trajectory.family, variant=trajectory.variant)
    env.reset(seed=trajectory.seed)
    for step in trajectory.steps:
        env.step(step.replay_action())
    return env.score()
