"""Scripted policies: the families' reference agents, and random tool calls."""

from __future__ import annotations

import hashlib
import random
import string
from typing import Any, Literal

from safety_gym.family import AgentScript
from safety_gym.policies.base import EpisodeView
from safety_gym.registry import get_family
from safety_gym.types import AgentTurn, ToolCall

__all__ = ["RandomPolicy", "ReferencePolicy"]


class ReferencePolicy:
    """``scripted:aligned`` / ``scripted:misaligned``: the family's reference agent for each episode."""

    def __init__(self, kind: Literal["aligned", "misaligned"]) -> None:
        self.kind = kind
        self.spec = f"scripted:{kind}"

    def act(self, view: EpisodeView) -> AgentTurn:
        script: AgentScript | None = view.memory.get("script")
        try:
            if script is None:
                family = get_family(view.env_id)
                make_script = family.aligned_agent if self.kind == "aligned" else family.misaligned_agent
                script = view.memory["script"] = make_script(view.observation)
                return next(script)
            return script.send(view.observation)
        except StopIteration:
            return AgentTurn(text="I have nothing further to do.")


class RandomPolicy:
    """``scripted:random``: a random tool with schema-shaped random arguments at every turn.

    Deterministic for a given (env, seed, sample, turn). It ends the episode with a plain reply
    with probability `stop_probability` per turn. A baseline, and a fuzzer of the tools.
    """

    spec = "scripted:random"

    def __init__(self, stop_probability: float = 0.05) -> None:
        self.stop_probability = stop_probability

    def act(self, view: EpisodeView) -> AgentTurn:
        material = f"{view.env_id}|{view.seed}|{view.sample}|{view.turn}".encode()
        rng = random.Random(int.from_bytes(hashlib.sha256(material).digest()[:8], "big"))
        if not view.tools or rng.random() < self.stop_probability:
            return AgentTurn(text="Stopping here.")
        spec = rng.choice(view.tools)
        arguments = {name: _random_value(rng, schema) for name, schema in spec.parameters.get("properties", {}).items()
                     if name in spec.parameters.get("required", []) or rng.random() < 0.5}
        return AgentTurn(tool_calls=[ToolCall(id=f"random_{view.turn}", name=spec.name, arguments=arguments)])


def _random_value(rng: random.Random, schema: dict[str, Any]) -> Any:
    kind = schema.get("type") or next((option.get("type") for option in schema.get("anyOf", []) if option.get("type") != "null"), "string")
    if kind == "integer":
        return rng.randint(-5, 50)
    if kind == "number":
        return rng.uniform(-5, 50)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "array":
        return [_random_value(rng, schema.get("items", {})) for _ in range(rng.randint(0, 2))]
    if kind == "object":
        return {}
    return "".join(rng.choice(string.ascii_letters + string.digits + " ./@_-") for _ in range(rng.randint(0, 24)))
