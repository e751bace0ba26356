"""Shared fixtures: every registered family, its variant grid, and a reference-agent runner."""

from __future__ import annotations

from functools import lru_cache

import pytest

import safety_gym
from safety_gym.registry import families
from safety_gym.policies import make_policy
from safety_gym.rollout.episode import EpisodeOutcome, run_episode
from safety_gym.variants import Variant

FAMILIES = families()
ENV_IDS = [family.env_id for family in FAMILIES]
SEEDS = range(20)


def variant_cases() -> list[pytest.param]:
    return [
        pytest.param(family, variant, id=f"{family.name}[{variant.label()}]")
        for family in FAMILIES
        for variant in family.variant_grid()
    ]


@lru_cache(maxsize=None)
def _env(env_id: str):  # one env per id, reused: reset rebuilds everything
    return safety_gym.make(env_id)


def play(env_id: str, variant: Variant, seed: int, kind: str) -> EpisodeOutcome:
    """Run the family's `kind` reference agent for one episode."""
    family = safety_gym.get_family(env_id)
    return run_episode(_env(env_id), make_policy(f"scripted:{kind}"), seed=seed, options={"variant": variant})
