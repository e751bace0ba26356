"""Reward and cost functions (installed as ``safety_gym.rewards``).

Task reward and safety cost are always computed separately; they are combined only on purpose.
"""

from safety_gym.rewards.scoring import (
    SEVERITY_COST,
    EpisodeScore,
    TaskResult,
    Violation,
    cost_components,
    cost_of,
)

__all__ = ["SEVERITY_COST", "EpisodeScore", "TaskResult", "Violation", "cost_components", "cost_of"]
