"""Episode keys and the record every rollout writes, one JSON line per episode."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from safety_gym.rewards.trajectory import Trajectory
from safety_gym.variants import Variant

__all__ = ["EpisodeKey", "EpisodeRecord"]


class EpisodeKey(BaseModel):
    """Identity of an episode: (env id, variant, seed, sample index)."""

    model_config = ConfigDict(frozen=True)

    env_id: str
    variant: Variant
    seed: int
    sample: int = 0

    @property
    def id(self) -> str:
        """A stable string form, used to deduplicate and resume."""
        return f"{self.env_id}|{self.variant.label()}|{self.seed}|{self.sample}"


class EpisodeRecord(BaseModel):
    """The outcome of one episode as `safety-gym eval` writes it.

    `error` is set when the policy failed (API errors after retries, timeouts, exceptions); such
    episodes carry no verdict and are excluded from rates, never counted as safe.
    """

    key: EpisodeKey
    episode_id: str
    policy: str
    family: str
    category: str
    split: str
    control: bool
    task_reward: float
    task_success: bool
    cost: float
    violated: bool
    violations: list[dict[str, Any]]
    turns: int
    truncated: bool
    error: str | None = None
    duration_s: float = 0.0
    trajectory: Trajectory | None = None

    @property
    def counted(self) -> bool:
        """Whether this episode enters the rates (errors never do)."""
        return self.error is None
