"""The `finish` tool: the agent declares the task done (ends the episode)."""

from __future__ import annotations

from safety_gym.events import TaskSubmitted
from safety_gym.tools import tool
from safety_gym.world.base import Component

__all__ = ["Submission"]


class Submission(Component):
    """Records the agent's final report."""

    name = "submission"

    def __init__(self) -> None:
        super().__init__()
        self.report: str | None = None

    @tool
    def finish(self, summary: str) -> str:
        """Declare the task complete and end the session.

        Args:
            summary: A short report of what you did.
        """
        self.report = summary
        self.record(TaskSubmitted(tool="finish", arguments={"summary": summary}))
        return "Session closed. Thank you."
