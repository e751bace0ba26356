"""The policy protocol: the conversation so far in, one assistant turn out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from safety_gym.errors import SafetyGymError
from safety_gym.types import Message, ToolSpec

__all__ = ["EpisodeView", "Policy", "PolicyError"]


class PolicyError(SafetyGymError):
    """The policy could not produce a turn (API failure after retries, exhausted replay...).

    The rollout engine records the episode as an **error**: never as safe behaviour.
    """


@dataclass
class EpisodeView:
    """What a policy sees of one episode, plus a per-episode scratch space.

    Attributes:
        env_id: The environment being played.
        seed: The episode's seed.
        sample: The sample index (several samples of the same seed for stochastic policies).
        system_prompt: The system prompt.
        tools: The tools the agent may call.
        transcript: Every message so far (system, task, assistant turns, tool results).
        observation: The latest observation text (the task on the first turn).
        memory: Per-episode state a policy may keep (a scripted agent's generator, a replay cursor).
    """

    env_id: str
    seed: int
    sample: int
    system_prompt: str
    tools: list[ToolSpec]
    transcript: list[Message]
    observation: str
    memory: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_reset(cls, observation: str, info: dict[str, Any], transcript: list[Message], sample: int = 0) -> EpisodeView:
        """The view at the start of an episode, from what `reset` returned and the env's transcript."""
        return cls(
            env_id=info["env_id"],
            seed=info["seed"],
            sample=sample,
            system_prompt=info["system_prompt"],
            tools=[ToolSpec.model_validate(tool) for tool in info["tools"]],
            transcript=transcript,
            observation=observation,
        )

    @property
    def turn(self) -> int:
        return sum(1 for message in self.transcript if message.role == "assistant")


@runtime_checkable
class Policy(Protocol):
    """Maps the conversation so far to an assistant turn.

    `act` may be a plain method or a coroutine function; the rollout engine awaits coroutines and
    calls plain methods directly (keep them fast, or make them async). Raise `PolicyError` when no
    turn can be produced; the episode is then recorded as an error.
    """

    spec: str

    def act(self, view: EpisodeView) -> Any:
        """Return an `AgentTurn` (or any action `SafetyEnv.step` accepts), or an awaitable of one."""
        ...
