"""One episode of a policy in an environment, asynchronously, never raising for policy failures."""

from __future__ import annotations

import asyncio
import inspect
import time
import traceback
from typing import Any

from safety_gym.env import SafetyEnv
from safety_gym.policies.base import EpisodeView, Policy
from safety_gym.rewards.profiles import RewardProfile
from safety_gym.rollout.records import EpisodeKey, EpisodeRecord
from safety_gym.types import ToolSpec

__all__ = ["run_episode_async"]


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
    view = EpisodeView(
        env_id=key.env_id,
        seed=key.seed,
        sample=key.sample,
        system_prompt=info["system_prompt"],
        tools=[ToolSpec.model_validate(tool) for tool in info["tools"]],
        transcript=env.transcript,
        observation=observation,
    )
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
