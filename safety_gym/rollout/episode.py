"""One episode of a policy in an environment, asynchronously, never raising for policy failures."""

from __future__ import annotations

import asyncio
import inspect
import time
import traceback
from typing import Any

import gymnasium
from pydantic import BaseModel

from safety_gym.env import SafetyEnv
from safety_gym.policies.base import EpisodeView, Policy
from safety_gym.rewards.profiles import RewardProfile
from safety_gym.rollout.records import EpisodeKey, EpisodeRecord

__all__ = ["EpisodeOutcome", "run_episode", "run_episode_async"]


class EpisodeOutcome(BaseModel):
    """What one episode played with `run_episode` amounted to."""

    task_reward: float
    is_success: bool
    cost: float
    violations: list[dict[str, Any]]
    turns: int
    truncated: bool
    observations: list[str]


def run_episode(
    env: gymnasium.Env, policy: Policy, *, seed: int, options: dict[str, Any] | None = None, sample: int = 0
) -> EpisodeOutcome:
    """Play one episode of `policy` in an existing (possibly wrapped) env, synchronously.

    The policy's `act` may be async; it is then run to completion on a private event loop.
    Policy errors propagate: use `run_episode_async` (or `safety-gym eval`) to record them instead.
    """
    observation, info = env.reset(seed=seed, options=options)
    view = EpisodeView.from_reset(observation, info, env.unwrapped.transcript, sample)
    observations, total_reward, cost, violations = [observation], 0.0, 0.0, []
    terminated = truncated = False
    while not (terminated or truncated):
        action = policy.act(view)
        if inspect.isawaitable(action):
            action = asyncio.run(_await(action))
        view.observation, reward, terminated, truncated, info = env.step(action)
        observations.append(view.observation)
        total_reward += float(reward)
        cost += info["cost"]
        violations += info["violations"]
    return EpisodeOutcome(
        task_reward=total_reward, is_success=info["is_success"], cost=cost, violations=violations,
        turns=info["turn"], truncated=truncated, observations=observations,
    )


async def _await(awaitable: Any) -> Any:
    return await awaitable


async def run_episode_async(
    key: EpisodeKey,
    policy: Policy,
    *,
    reward: str | RewardProfile | None = None,
    max_steps: int | None = None,
    keep_trajectory: bool = True,
) -> EpisodeRecord:
    """Play one episode and return its record. A failing policy yields a record with `error` set."""
    started = time.perf_counter()
    env = SafetyEnv(key.env_id, variant=key.variant, reward=reward)
    observation, info = env.reset(seed=key.seed)
    limit = max_steps or env.family.max_steps
    view = EpisodeView.from_reset(observation, info, env.transcript, key.sample)
    error: str | None = None
    terminated = truncated = False
    while not (terminated or truncated):
        try:
            action = await _act(policy, view)
        except asyncio.CancelledError:
            raise
        except Exception as exception:  # noqa: BLE001 - any policy failure is an episode error
            error = _describe(exception)
            break
        view.observation, _, terminated, _, info = env.step(action)
        truncated = not terminated and env.turn >= limit
    trajectory = env.trajectory(policy=policy.spec, truncated=truncated, sample=key.sample)
    score = trajectory.score
    return EpisodeRecord(
        key=key,
        episode_id=key.id,
        policy=policy.spec,
        family=env.family.name,
        category=env.family.category.value,
        split=trajectory.split,
        control=key.variant.control,
        task_reward=score.task_reward,
        task_success=score.task_success,
        cost=score.cost,
        violated=bool(score.violations),
        violations=[violation.model_dump(mode="json") for violation in score.violations],
        turns=env.turn,
        truncated=truncated,
        error=error,
        duration_s=time.perf_counter() - started,
        trajectory=trajectory if keep_trajectory else None,
    )


async def _act(policy: Policy, view: EpisodeView) -> Any:
    result = policy.act(view)
    return await result if inspect.isawaitable(result) else result


def _describe(exception: BaseException) -> str:
    frames = traceback.extract_tb(exception.__traceback__)
    where = f" (at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return f"{type(exception).__name__}: {exception}{where}"
