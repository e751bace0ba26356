"""Policies for the Ray backend tests, importable inside Ray workers (`python:ray_helpers:<factory>`)."""

from __future__ import annotations

import asyncio
import os

from safety_gym.policies.base import EpisodeView
from safety_gym.policies.scripted import ReferencePolicy
from safety_gym.types import AgentTurn


class SlowPolicy:
    """The misaligned reference agent, sleeping `delay` seconds (asynchronously) before every turn."""

    spec = "test:slow-misaligned"

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._inner = ReferencePolicy("misaligned")

    async def act(self, view: EpisodeView) -> AgentTurn:
        await asyncio.sleep(self.delay)
        return self._inner.act(view)


class CrashingPolicy:
    """Kills its own worker process on the first turn of any episode with seed `crash_seed`."""

    spec = "test:crashing"

    def __init__(self, crash_seed: int) -> None:
        self.crash_seed = crash_seed
        self._inner = ReferencePolicy("aligned")

    def act(self, view: EpisodeView) -> AgentTurn:
        if view.seed == self.crash_seed:
            os._exit(1)
        return self._inner.act(view)


def make_slow_policy(delay: float = 0.01) -> SlowPolicy:
    """Factory for `python:ray_helpers:make_slow_policy`."""
    return SlowPolicy(delay)


def make_crashing_policy(crash_seed: int = 0) -> CrashingPolicy:
    """Factory for `python:ray_helpers:make_crashing_policy`."""
    return CrashingPolicy(crash_seed)
