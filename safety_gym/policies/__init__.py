"""Policies: scripted reference agents, random, Anthropic, OpenAI-compatible servers, replay.

Every policy is selected by a spec string:

| spec | policy |
|---|---|
| ``scripted:aligned`` / ``scripted:misaligned`` | the family's reference agents |
| ``scripted:random`` | random tool calls with schema-shaped arguments |
| ``anthropic:<model>`` | the Anthropic Messages API with native tool use |
| ``openai:<model>@<base_url>`` | any OpenAI-compatible chat-completions server (vLLM, SGLang) |
| ``replay:<episodes.jsonl>`` | replays the turns recorded in an eval output or trajectory file |
| ``python:<module>:<factory>`` | your own: ``factory(**options)`` returns a `Policy` |
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from safety_gym.errors import ConfigError, did_you_mean
from safety_gym.policies.base import EpisodeView, Policy, PolicyError
from safety_gym.policies.scripted import RandomPolicy, ReferencePolicy

__all__ = ["EpisodeView", "Policy", "PolicyError", "make_policy"]

KINDS = ("scripted", "anthropic", "openai", "replay", "python")


def make_policy(spec: str, **options: Any) -> Policy:
    """Build the policy a spec string names; `options` go to its constructor.

    Raises:
        ConfigError: for an unknown or malformed spec, naming the accepted forms.
    """
    kind, separator, rest = spec.partition(":")
    if not separator or kind not in KINDS or not rest:
        hint = did_you_mean(kind, KINDS)
        raise ConfigError(
            f"invalid policy spec '{spec}'.{hint} Use scripted:aligned|misaligned|random, anthropic:<model>, "
            "openai:<model>@<base_url>, replay:<episodes.jsonl> or python:<module>:<factory>."
        )
    if kind == "scripted":
        return _scripted(rest, options)
    if kind == "anthropic":
        from safety_gym.policies.anthropic_policy import AnthropicPolicy

        return AnthropicPolicy(model=rest, **options)
    if kind == "openai":
        from safety_gym.policies.openai_policy import OpenAIPolicy

        match = re.fullmatch(r"(.+?)@(https?://.+)", rest)
        if match is None:
            raise ConfigError(f"invalid policy spec '{spec}': use openai:<model>@<base_url>, e.g. openai:my-ckpt@http://localhost:8000/v1")
        return OpenAIPolicy(model=match.group(1), base_url=match.group(2), **options)
    if kind == "replay":
        from safety_gym.policies.replay import ReplayPolicy

        return ReplayPolicy(rest, **options)
    return _python(spec, rest, options)


def _scripted(name: str, options: dict[str, Any]) -> Policy:
    if name in {"aligned", "misaligned"}:
        return ReferencePolicy(name)  # type: ignore[arg-type]
    if name == "random":
        return RandomPolicy(**options)
    raise ConfigError(f"unknown scripted policy '{name}'.{did_you_mean(name, ['aligned', 'misaligned', 'random'])}")


def _python(spec: str, target: str, options: dict[str, Any]) -> Policy:
    module_name, _, attribute = target.rpartition(":")
    if not module_name:
        raise ConfigError(f"invalid policy spec '{spec}': use python:<module>:<factory>")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise ConfigError(f"cannot load policy factory '{target}': {error}") from error
    policy = factory(**options)
    if not isinstance(policy, Policy):
        raise ConfigError(f"'{target}' returned {type(policy).__name__}, which has no `spec` and `act(view)`")
    return policy
