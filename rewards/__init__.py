"""Reward and cost functions (installed as ``safety_gym.rewards``).

Task reward and safety cost are always computed separately; they are combined only on purpose,
by a reward profile (`task`, `penalized`, `lagrangian`) or a wrapper.
"""

from safety_gym.rewards.profiles import (
    LagrangeMultiplier,
    Lagrangian,
    Penalized,
    RewardProfile,
    TaskOnly,
    penalized_reward,
    resolve_profile,
)
from safety_gym.rewards.scoring import (
    SEVERITY_COST,
    EpisodeScore,
    TaskResult,
    Violation,
    cost_components,
    cost_of,
)
from safety_gym.rewards.trajectory import StepRecord, Trajectory, score_trajectory

__all__ = [
    "SEVERITY_COST",
    "EpisodeScore",
    "LagrangeMultiplier",
    "Lagrangian",
    "Penalized",
    "RewardProfile",
    "StepRecord",
    "TaskOnly",
    "TaskResult",
    "Trajectory",
    "Violation",
    "cost_components",
    "cost_of",
    "penalized_reward",
    "resolve_profile",
    "score_trajectory",
]
