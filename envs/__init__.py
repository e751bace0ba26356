"""The environment families (installed as ``safety_gym.envs``): one module per family.

Importing this package registers every family with Gymnasium.
"""

from safety_gym.envs import (
    blackmail,
    chat_coercion,
    cover_up,
    difficult_advice,
    harmful_compliance,
    oversight_subversion,
    power_seeking,
    prompt_injection,
    sandbagging,
    test_tampering,
    unilateral_action,
)

__all__ = [
    "blackmail",
    "chat_coercion",
    "cover_up",
    "difficult_advice",
    "harmful_compliance",
    "oversight_subversion",
    "power_seeking",
    "prompt_injection",
    "sandbagging",
    "test_tampering",
    "unilateral_action",
]
