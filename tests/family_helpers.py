"""Helpers for the per-family tests (`tests/test_<family>.py`).

The shared suites (test_families, test_suite, test_env_contract) already prove, for every family,
variant and 20 seeds, that the aligned agent succeeds cleanly, the misaligned one is caught in the
family's category, the temptation is real, control is clean for the aligned agent, instances are
distinct and episodes deterministic. A family file tests only what is specific to its family, with
these helpers:

- `make_env`, `scenario_of`, `first_seed`: an env for a variant, its current scenario, a seed whose
  scenario has some property;
- `run_reference`, `misaligned_runs`: the reference agents (`scripted:aligned` / `scripted:misaligned`);
- `play_turns` -> `Played`: fixed turns from a reset, with every violation and observation;
- `categories_of`, `assert_clean`, `assert_caught`, `recomputed_violations`: verdicts;
- `distinct_prompts`, `mean_generation_seconds`: variety of a variant's instances, cost of `reset`'s work;
- `hermes_call`: a Hermes-format `<tool_call>` string.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import safety_gym
from safety_gym.policies import make_policy
from safety_gym.registry import get_family
from safety_gym.rollout.episode import EpisodeOutcome, run_episode
from safety_gym.types import AgentTurn
from safety_gym.variants import Variant

FEW_SEEDS = range(3)
"""Seeds for family checks stronger than the shared suite's (which runs 20 seeds of every variant)."""


def make_env(env_id: str, variant: Variant | None = None) -> Any:
    """A fresh env of `env_id` for `variant` (the family's default variant when None)."""
    return safety_gym.make(env_id, variant=(variant or get_family(env_id).default_variant).model_dump())


def scenario_of(env: Any, seed: int | None = None) -> Any:
    """The scenario of the env's current episode; reset to `seed` first when one is given."""
    if seed is not None:
        env.reset(seed=seed)
    return env.unwrapped.instance.scenario


def first_seed(env_id: str, predicate: Callable[[Any], bool], variant: Variant | None = None, limit: int = 500) -> int:
    """The first seed whose scenario (for `variant`) satisfies `predicate`; the instance an env resets to."""
    family = get_family(env_id)
    for seed in range(limit):
        if predicate(family.sample(seed, variant).scenario):
            return seed
    raise AssertionError(f"no seed below {limit} has the wanted scenario")


def run_reference(env: Any, seed: int, kind: str) -> EpisodeOutcome:
    """One episode of the family's `kind` ("aligned" or "misaligned") reference agent; `env` keeps its end state."""
    return run_episode(env, make_policy(f"scripted:{kind}"), seed=seed)


def misaligned_runs(env_id: str, seeds: range = FEW_SEEDS, *,
                    with_control: bool = False) -> Iterator[tuple[Variant, int, Any, EpisodeOutcome]]:
    """(variant, seed, env at the end of the episode, outcome) of the misaligned agent in every tempting variant.

    Control variants are left out unless `with_control`: test_families proves both reference agents clean there.
    """
    for variant in get_family(env_id).variant_grid():
        if variant.control and not with_control:
            continue
        env = make_env(env_id, variant)
        for seed in seeds:
            yield variant, seed, env, run_reference(env, seed, "misaligned")


@dataclass
class Played:
    """What fixed turns did from a reset: the last info, every violation reported and every observation."""

    info: dict[str, Any]
    violations: list[dict[str, Any]]
    observations: list[str]

    @property
    def cost(self) -> float:
        return self.info["episode_cost"]

    @property
    def rules(self) -> list[str]:
        return [violation["rule"] for violation in self.violations]

    @property
    def categories(self) -> set[str]:
        return categories_of(self.violations)

    @property
    def evidence(self) -> list[str]:
        return [violation["evidence"] for violation in self.violations]


def play_turns(env: Any, *turns: AgentTurn | str, seed: int) -> Played:
    """Reset `env` to `seed` and take `turns` in order (the episode may end early: later turns are not taken)."""
    env.reset(seed=seed)
    info: dict[str, Any] = {"episode_cost": 0.0}
    violations: list[dict[str, Any]] = []
    observations: list[str] = []
    for turn in turns:
        observation, _reward, terminated, truncated, info = env.step(turn)
        violations += info["violations"]
        observations.append(observation)
        if terminated or truncated:
            break
    return Played(info, violations, observations)


def categories_of(violations: list[dict[str, Any]]) -> set[str]:
    return {violation["category"] for violation in violations}


def assert_clean(played: Played) -> None:
    """Nothing was flagged and nothing was charged."""
    assert played.violations == [] and played.cost == 0, played.violations


def assert_caught(played: Played, category: str, *, rules: list[str] | None = None, cost: float | None = None) -> None:
    """Something was flagged and charged, all of it in `category`; optionally the exact rules (in order) and cost."""
    assert played.violations and played.categories == {category}, played.violations
    assert played.cost > 0 if cost is None else played.cost == cost, (played.cost, played.violations)
    if rules is not None:
        assert played.rules == rules, played.violations


def recomputed_violations(env: Any) -> list[dict[str, Any]]:
    """The family's checks run again on the env's current world, as the env reports violations."""
    unwrapped = env.unwrapped
    return [violation.model_dump(mode="json")
            for violation in unwrapped.family.violations(unwrapped.instance, unwrapped.world)]


def hermes_call(name: str, arguments: object) -> str:
    """A tool call in the Hermes text format (`arguments` need not be an object: parsers must cope)."""
    return f"<tool_call>{json.dumps({'name': name, 'arguments': arguments})}</tool_call>"


def mean_generation_seconds(env_id: str, count: int = 200) -> float:
    """Mean wall time of sampling an instance and building its world, over seeds 0..count-1."""
    family = get_family(env_id)
    start = time.perf_counter()
    for seed in range(count):
        family.build_world(family.sample(seed))
    return (time.perf_counter() - start) / count


def distinct_prompts(env_id: str, variant: Variant | None = None, count: int = 200) -> int:
    """How many distinct (system prompt, task) pairs seeds 0..count-1 give for `variant`."""
    family = get_family(env_id)
    return len({(instance.system_prompt, instance.task)
                for instance in (family.sample(seed, variant) for seed in range(count))})
