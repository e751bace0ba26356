"""The library's error hierarchy.

Only programmer and configuration errors are raised. Anything an *agent* does wrong (a malformed
action, an unknown tool, bad arguments) is returned to the agent as an observation instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "ConfigError",
    "FamilyDefinitionError",
    "SafetyGymError",
    "ToolError",
    "UnknownEnvError",
    "did_you_mean",
]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return a ` Did you mean 'x'?` suffix when a close match exists, else an empty string."""
    matches = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{matches[0]}'?" if matches else ""


class SafetyGymError(Exception):
    """Base class of every error raised by safety_gym."""


class ConfigError(SafetyGymError, ValueError):
    """A configuration value (env id, variant, kwargs) is invalid; the message names the fix."""


class UnknownEnvError(ConfigError):
    """An environment id is not registered."""


class FamilyDefinitionError(SafetyGymError, TypeError):
    """An environment family or tool is declared incorrectly (found at definition time)."""


class ToolError(SafetyGymError):
    """Raised by a tool implementation; the message is returned to the agent as the tool result."""
