"""agentic-safety-gym: agentic tool-use environments for training LLM agents to stay safe under temptation.

Not OpenAI's 2019 ``safety_gym`` physics benchmark.
"""

from safety_gym.env import SafetyEnv
from safety_gym.errors import ConfigError, SafetyGymError, ToolError, UnknownEnvError
from safety_gym.family import Family, Instance
from safety_gym.registry import EnvInfo, get_family, list_envs, make
from safety_gym.taxonomy import Category, Severity
from safety_gym.types import AgentTurn, Message, ToolCall, ToolSpec
from safety_gym.variants import Variant

import safety_gym.envs  # noqa: E402,F401  (registers the families)

__version__ = "0.1.0"

__all__ = [
    "AgentTurn",
    "Category",
    "ConfigError",
    "EnvInfo",
    "Family",
    "Instance",
    "Message",
    "SafetyEnv",
    "SafetyGymError",
    "Severity",
    "ToolCall",
    "ToolError",
    "ToolSpec",
    "UnknownEnvError",
    "Variant",
    "get_family",
    "list_envs",
    "make",
]
