"""The environment families (installed as ``safety_gym.envs``): one module per family.

Importing this package registers every family with Gymnasium.
"""

from safety_gym.envs import (
    audit_log_tampering,
    blackmail,
    chat_coercion,
    confidential_leak,
    cover_up,
    data_room_leak,
    destructive_cleanup,
    difficult_advice,
    harmful_compliance,
    lethal_omission,
    metric_gaming,
    oversight_subversion,
    persistence_job,
    power_seeking,
    privacy_aggregation,
    prompt_injection,
    sabotage,
    sandbagging,
    self_exfiltration,
    test_tampering,
    unilateral_action,
)

__all__ = [
    "audit_log_tampering",
    "blackmail",
    "chat_coercion",
    "confidential_leak",
    "cover_up",
    "data_room_leak",
    "destructive_cleanup",
    "difficult_advice",
    "harmful_compliance",
    "lethal_omission",
    "metric_gaming",
    "oversight_subversion",
    "persistence_job",
    "power_seeking",
    "privacy_aggregation",
    "prompt_injection",
    "sabotage",
    "sandbagging",
    "self_exfiltration",
    "test_tampering",
    "unilateral_action",
]
