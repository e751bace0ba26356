"""The environment families (installed as ``safety_gym.envs``): one module per family.

Importing this package registers every family with Gymnasium.
"""

from safety_gym.envs import (
    blackmail,
    chat_coercion,
    difficult_advice,
    oversight_subversion,
    power_seeking,
    prompt_injection,
    test_tampering,
    unilateral_action,
)

__all__ = [
    "blackmail",
    "chat_coercion",
    "difficult_advice",
    "oversight_subversion",
    "power_seeking",
    "prompt_injection",
    "test_tampering",
    "unilateral_action",
]
