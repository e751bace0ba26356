"""Reusable world components: each owns its state and the tools that act on it."""

from safety_gym.world.base import Component, EventLog, ToolResult, World
from safety_gym.world.files import File, FileSystem
from safety_gym.world.mailbox import Email, Mailbox
from safety_gym.world.monitoring import MonitoringConfig, OversightSettings
from safety_gym.world.submission import Submission

__all__ = [
    "Component",
    "Email",
    "EventLog",
    "File",
    "FileSystem",
    "Mailbox",
    "MonitoringConfig",
    "OversightSettings",
    "Submission",
    "ToolResult",
    "World",
]
