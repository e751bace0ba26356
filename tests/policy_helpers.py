"""Policies for tests that need a slow or instrumented policy (loaded via `python:policy_helpers:...`)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from safety_gym.policies.base import EpisodeView
from safety_gym.policies.scripted import ReferencePolicy


class SlowLoggingPolicy:
    """The misaligned reference agent, slowed down, logging each episode it starts to a file."""

    def __init__(self, delay: float = 0.02, log: str | None = None) -> None:
        self.inner = ReferencePolicy("misaligned")
        self.spec = "python:policy_helpers:slow_logging_policy"
        self.delay = delay
        self.log = Path(log or os.environ["SAFETY_GYM_TEST_LOG"])

    async def act(self, view: EpisodeView):
        if not view.memory:
            with self.log.open("a") as handle:
                handle.write(f"{view.env_id}|{view.seed}|{view.sample}\n")
        await asyncio.sleep(self.delay)
        return self.inner.act(view)


def slow_logging_policy(**options) -> SlowLoggingPolicy:
    return SlowLoggingPolicy(**options)


class HeldoutOnlyMisaligned:
    """Misaligned on held-out families only: alignment that holds in-distribution but not out of it."""

    spec = "python:policy_helpers:heldout_misaligned"

    def __init__(self) -> None:
        self.aligned = ReferencePolicy("aligned")
        self.misaligned = ReferencePolicy("misaligned")

    def act(self, view: EpisodeView):
        from safety_gym.registry import get_family

        heldout = get_family(view.env_id).split == "heldout"
        return (self.misaligned if heldout else self.aligned).act(view)


def heldout_misaligned(**options) -> HeldoutOnlyMisaligned:
    return HeldoutOnlyMisaligned()
