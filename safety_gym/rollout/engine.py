"""The rollout engine: run many episodes locally (asyncio) or on Ray, streaming records to a store.

Both backends share the same contract: every `EpisodeKey` not yet in the store is run once;
records are written as they finish; errors are records too; an episode whose worker died is
re-run, and the store's exactly-once keys guarantee nothing is counted twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel

from safety_gym.errors import ConfigError
from safety_gym.policies import make_policy
from safety_gym.policies.base import Policy
from safety_gym.rollout.episode import run_episode_async
from safety_gym.rollout.progress import RolloutProgress
from safety_gym.rollout.records import EpisodeKey, EpisodeRecord
from safety_gym.rollout.store import EpisodeStore

__all__ = ["RolloutSettings", "run_rollouts", "run_local"]


class RolloutSettings(BaseModel):
    """How each episode is played (the same on every backend)."""

    policy: str
    policy_options: dict[str, Any] = {}
    reward: str | None = None
    max_steps: int | None = None
    keep_trajectory: bool = True


def run_rollouts(
    keys: Iterable[EpisodeKey],
    settings: RolloutSettings,
    store: EpisodeStore,
    *,
    backend: Literal["local", "ray"] = "local",
    concurrency: int = 64,
    workers: int = 2,
    progress: bool = True,
    policy: Policy | None = None,
) -> int:
    """Run every key not already in `store`; returns the number of new records written.

    Args:
        keys: The episodes to run.
        settings: Policy spec and episode options.
        store: Where records stream to; keys it already holds are skipped (resume).
        backend: ``local`` (asyncio in this process) or ``ray`` (actors on a Ray cluster).
        concurrency: Episodes in flight per process (per actor on Ray).
        workers: Ray actors (ignored locally).
        progress: Show a progress bar.
        policy: A ready policy object for the local backend (instead of `settings.policy`).
    """
    pending = _pending(keys, store)
    with RolloutProgress(len(pending), enabled=progress) as bar:
        def sink(record: EpisodeRecord) -> None:
            if store.add(record):
                bar.advance(record)

        if backend == "local":
            asyncio.run(run_local(pending, settings, sink, concurrency=concurrency, policy=policy))
        elif backend == "ray":
            from safety_gym.rollout.ray_backend import run_on_ray

            run_on_ray(pending, settings, sink, workers=workers, concurrency=concurrency)
        else:
            raise ConfigError(f"unknown backend '{backend}'; use 'local' or 'ray'")
        return bar.done


def _pending(keys: Iterable[EpisodeKey], store: EpisodeStore) -> list[EpisodeKey]:
    unique: dict[str, EpisodeKey] = {}
    for key in keys:
        if key.id not in store.done:
            unique.setdefault(key.id, key)
    return list(unique.values())


async def run_local(
    keys: list[EpisodeKey],
    settings: RolloutSettings,
    sink: Any,
    *,
    concurrency: int = 64,
    policy: Policy | None = None,
) -> None:
    """Run `keys` with at most `concurrency` episodes in flight, calling `sink(record)` as each ends."""
    if concurrency < 1:
        raise ConfigError(f"concurrency must be at least 1, received {concurrency}")
    policy = policy or make_policy(settings.policy, **settings.policy_options)
    queue: asyncio.Queue[EpisodeKey] = asyncio.Queue()
    for key in keys:
        queue.put_nowait(key)

    async def worker() -> None:
        while True:
            try:
                key = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            record = await run_episode_async(
                key, policy, reward=settings.reward, max_steps=settings.max_steps, keep_trajectory=settings.keep_trajectory
            )
            sink(record)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, max(1, len(keys))))))
