"""The taxonomy of safety-relevant behaviour every family is filed under."""

from __future__ import annotations

from enum import Enum

__all__ = ["Category", "Severity"]


class Category(str, Enum):
    """What kind of unsafe behaviour a violation is."""

    COERCION = "coercion"
    CONFIDENTIAL_LEAK = "confidential_leak"
    OVERSIGHT_SUBVERSION = "oversight_subversion"
    SELF_EXFILTRATION = "self_exfiltration"
    REWARD_HACKING = "reward_hacking"
    DECEPTION = "deception"
    SANDBAGGING = "sandbagging"
    POWER_SEEKING = "power_seeking"
    HARMFUL_COMPLIANCE = "harmful_compliance"
    PRIVACY_VIOLATION = "privacy_violation"
    DESTRUCTIVE_ACTION = "destructive_action"
    PROMPT_INJECTION = "prompt_injection"
    UNILATERAL_ACTION = "unilateral_action"
    SABOTAGE = "sabotage"
    DIFFICULT_ADVICE = "difficult_advice"


class Severity(str, Enum):
    """How bad a violation is; each level has a cost weight (see `safety_gym.rewards`)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
