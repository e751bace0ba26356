"""The Ray rollout backend: async actors that each run many episodes, fed small batches of keys.

The driver hands every actor a few small batches at a time, gathers them with `ray.wait` and
passes each record to `sink` as its batch finishes, so results stream and a crash loses little.
When an actor dies, the keys of its unfinished batches are queued again and the actor is
replaced (at most `max_restarts` times per worker slot). The driver remembers every key it
has delivered, so no episode reaches `sink` twice.

Every worker process needs `safety_gym` installed (and, for ``python:`` policies, the module
importable, e.g. via ``runtime_env={"env_vars": {"PYTHONPATH": ...}}`` in `ray.init`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from safety_gym.errors import ConfigError, SafetyGymError
from safety_gym.rollout.episode import run_episode_async
from safety_gym.rollout.records import EpisodeKey, EpisodeRecord

if TYPE_CHECKING:
    from types import ModuleType

    from safety_gym.rollout.engine import RolloutSettings

__all__ = ["EpisodeWorker", "RolloutWorkerError", "run_on_ray"]

Sink = Callable[[EpisodeRecord], None]
WorkersHook = Callable[[list[Any]], None]


class RolloutWorkerError(SafetyGymError, RuntimeError):
    """Ray workers kept dying: a worker slot used up its restarts."""


class EpisodeWorker:
    """Ray actor body: builds the policy once, then plays batches of episodes concurrently."""

    def __init__(self, settings: RolloutSettings, concurrency: int) -> None:
        import safety_gym  # noqa: F401 - registers every family in this worker process
        from safety_gym.policies import make_policy

        self._settings = settings
        self._policy = make_policy(settings.policy, **settings.policy_options)
        self._concurrency = concurrency
        self._slots: asyncio.Semaphore | None = None

    async def run(self, keys: list[EpisodeKey]) -> list[EpisodeRecord]:
        """Play `keys` (at most `concurrency` episodes in flight across all batches of this actor)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._concurrency)
        return list(await asyncio.gather(*(self._play(key) for key in keys)))

    async def _play(self, key: EpisodeKey) -> EpisodeRecord:
        assert self._slots is not None
        async with self._slots:
            return await run_episode_async(
                key,
                self._policy,
                reward=self._settings.reward,
                max_steps=self._settings.max_steps,
                keep_trajectory=self._settings.keep_trajectory,
            )


@dataclass
class _Flight:
    """One batch in flight: which slot and actor generation runs it, and its keys."""

    slot: int
    generation: int
    keys: list[EpisodeKey]


class _WorkerPool:
    """`workers` actor slots; a dead actor is replaced at most `max_restarts` times per slot."""

    def __init__(self, ray: ModuleType, settings: RolloutSettings, *, workers: int, concurrency: int,
                 max_restarts: int, on_workers_started: WorkersHook | None) -> None:
        self._ray = ray
        self._remote = ray.remote(EpisodeWorker)
        self._args = (settings, concurrency)
        self._max_restarts = max_restarts
        self._hook = on_workers_started
        self.policy_spec = settings.policy
        self.actors: list[Any] = [self._remote.remote(*self._args) for _ in range(workers)]
        self.generations = [0] * workers
        self.restarts = [0] * workers
        self._announce()

    def _announce(self) -> None:
        if self._hook is not None:
            self._hook(list(self.actors))

    def replace(self, flight: _Flight, error: BaseException, lost: list[EpisodeKey]) -> None:
        """Replace the actor that ran `flight` unless it was already replaced; raise when out of restarts.

        `lost` are the keys that were in flight on the dead actor, named in the error when giving up.
        """
        slot = flight.slot
        if flight.generation != self.generations[slot]:
            return
        if self.restarts[slot] >= self._max_restarts:
            raise RolloutWorkerError(
                f"Ray worker {slot} died {self.restarts[slot] + 1} times (restart limit {self._max_restarts}); "
                f"episodes in flight when it last died: {', '.join(key.id for key in lost)}. Last error: {error}"
            ) from error
        self._ray.kill(self.actors[slot], no_restart=True)
        self.actors[slot] = self._remote.remote(*self._args)
        self.generations[slot] += 1
        self.restarts[slot] += 1
        self._announce()

    def close(self) -> None:
        for actor in self.actors:
            try:
                self._ray.kill(actor, no_restart=True)
            except Exception:  # noqa: BLE001 - best effort: the actor may already be gone
                pass


def run_on_ray(
    keys: Sequence[EpisodeKey],
    settings: RolloutSettings,
    sink: Sink,
    *,
    workers: int,
    concurrency: int,
    batch_size: int | None = None,
    max_restarts: int = 3,
    on_workers_started: WorkersHook | None = None,
) -> None:
    """Run `keys` on Ray actors, calling `sink(record)` once per key as batches finish.

    Args:
        keys: The episodes to run (duplicates by id are run once).
        settings: Policy spec and episode options; each actor builds its own policy from them.
        sink: Receives every record exactly once, in the driver process.
        workers: Number of `EpisodeWorker` actors.
        concurrency: Episodes in flight per actor.
        batch_size: Keys per remote call; by default small enough to stream and lose little.
        max_restarts: Replacements allowed per worker slot before giving up.
        on_workers_started: Called with the actor handles at start and after every replacement
            (a test hook).

    Raises:
        ConfigError: Ray is not installed, an argument is invalid, or the policy cannot be built.
        RolloutWorkerError: A worker slot died more than `max_restarts` times.
    """
    _check_arguments(workers=workers, concurrency=concurrency, batch_size=batch_size, max_restarts=max_restarts)
    pending = list({key.id: key for key in keys}.values())
    if not pending:
        return
    ray = _import_ray()
    started = _ensure_ray(ray)
    size = batch_size or _default_batch_size(len(pending), workers)
    depth = max(2, math.ceil(concurrency / size))
    try:
        pool = _WorkerPool(ray, settings, workers=workers, concurrency=concurrency,
                           max_restarts=max_restarts, on_workers_started=on_workers_started)
        try:
            _drive(ray, pool, deque(pending), sink, size=size, depth=depth)
        finally:
            pool.close()
    finally:
        if started:
            ray.shutdown()


def _drive(ray: ModuleType, pool: _WorkerPool, todo: deque[EpisodeKey], sink: Sink, *, size: int, depth: int) -> None:
    """Keep every actor `depth` batches deep until all keys are delivered."""
    lost_errors = _lost_errors(ray)
    done: set[str] = set()
    in_flight: dict[Any, _Flight] = {}
    while True:
        _fill(pool, todo, done, in_flight, size=size, depth=depth)
        if not in_flight:
            return
        ready, _ = ray.wait(list(in_flight), num_returns=1)
        for ref in ready:
            flight = in_flight.pop(ref)
            try:
                records: list[EpisodeRecord] = ray.get(ref)
            except lost_errors as error:
                if getattr(error, "actor_init_failed", False):
                    raise ConfigError(f"a Ray worker could not build policy '{pool.policy_spec}': {error}") from error
                pool.replace(flight, error, _in_flight_on(flight, in_flight))
                todo.extendleft(reversed([key for key in flight.keys if key.id not in done]))
                continue
            for record in records:
                if record.episode_id not in done:
                    done.add(record.episode_id)
                    sink(record)


def _fill(pool: _WorkerPool, todo: deque[EpisodeKey], done: set[str], in_flight: dict[Any, _Flight], *,
          size: int, depth: int) -> None:
    """Submit batches until every live actor has `depth` batches in flight or no keys are left."""
    for slot, actor in enumerate(pool.actors):
        generation = pool.generations[slot]
        busy = sum(1 for flight in in_flight.values() if flight.slot == slot and flight.generation == generation)
        for _ in range(depth - busy):
            batch = _take(todo, done, size)
            if not batch:
                return
            in_flight[actor.run.remote(batch)] = _Flight(slot, generation, batch)


def _in_flight_on(lost: _Flight, in_flight: dict[Any, _Flight]) -> list[EpisodeKey]:
    """The keys of `lost` and of every other batch still in flight on the same actor."""
    same = [f for f in in_flight.values() if (f.slot, f.generation) == (lost.slot, lost.generation)]
    return [key for flight in [lost, *same] for key in flight.keys]


def _take(todo: deque[EpisodeKey], done: set[str], size: int) -> list[EpisodeKey]:
    batch: list[EpisodeKey] = []
    while todo and len(batch) < size:
        key = todo.popleft()
        if key.id not in done:
            batch.append(key)
    return batch


def _default_batch_size(total: int, workers: int) -> int:
    """About eight batches per worker, between 1 and 16 keys each."""
    return max(1, min(16, math.ceil(total / (workers * 8))))


def _check_arguments(*, workers: int, concurrency: int, batch_size: int | None, max_restarts: int) -> None:
    minimums = {"workers": (workers, 1), "concurrency": (concurrency, 1), "max_restarts": (max_restarts, 0)}
    if batch_size is not None:
        minimums["batch_size"] = (batch_size, 1)
    for name, (value, minimum) in minimums.items():
        if value < minimum:
            raise ConfigError(f"{name} must be at least {minimum}, received {value}")


def _import_ray() -> ModuleType:
    try:
        import ray
    except ImportError as error:
        raise ConfigError(
            "the Ray backend needs Ray: pip install 'agentic-safety-gym[ray]' (or use backend='local')"
        ) from error
    return ray


def _ensure_ray(ray: ModuleType) -> bool:
    """Connect to `RAY_ADDRESS`, or start a quiet local cluster; returns whether this call did so."""
    if ray.is_initialized():
        return False
    address = os.environ.get("RAY_ADDRESS") or "local"
    ray.init(address=address, include_dashboard=False, ignore_reinit_error=True,
             logging_level=logging.WARNING, configure_logging=True)
    return True


def _lost_errors(ray: ModuleType) -> tuple[type[BaseException], ...]:
    """Errors meaning the worker (not the episode) failed: the batch is re-run elsewhere."""
    exceptions = ray.exceptions
    return (exceptions.RayActorError, exceptions.WorkerCrashedError, exceptions.ObjectLostError,
            exceptions.NodeDiedError, exceptions.LocalRayletDiedError)
