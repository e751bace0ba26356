"""Rollout throughput: scripted episodes per second locally and on Ray, and API-bound concurrency.

1. Scripted reference agents (CPU-bound): episodes per second with the local asyncio backend,
   and with the Ray backend at 1 and 2 workers (a local cluster; start-up excluded).
2. A simulated API-bound policy that waits 200 ms per turn (like a remote model), locally, at
   10, 100 and 1,000 episodes in flight.

    python benchmarks/rollout_throughput.py [--episodes 400] [--skip-ray]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from safety_gym.policies.base import EpisodeView
from safety_gym.policies.scripted import ReferencePolicy
from safety_gym.registry import families
from safety_gym.rollout.engine import RolloutSettings, run_local, run_rollouts
from safety_gym.rollout.records import EpisodeKey
from safety_gym.rollout.store import EpisodeStore


class SimulatedApiPolicy:
    """The misaligned reference agent behind a fixed 200 ms latency per turn."""

    spec = "simulated:200ms"

    def __init__(self, latency: float = 0.2) -> None:
        self.latency = latency
        self.inner = ReferencePolicy("misaligned")

    async def act(self, view: EpisodeView):
        await asyncio.sleep(self.latency)
        return self.inner.act(view)


def keys(count: int) -> list[EpisodeKey]:
    registered = families()
    return [
        EpisodeKey(env_id=registered[index % len(registered)].env_id,
                   variant=registered[index % len(registered)].default_variant, seed=index)
        for index in range(count)
    ]


def scripted_rate(count: int, backend: str, workers: int = 1) -> float:
    with tempfile.TemporaryDirectory() as folder, EpisodeStore(Path(folder) / "episodes.jsonl") as store:
        started = time.perf_counter()
        run_rollouts(keys(count), RolloutSettings(policy="scripted:misaligned"), store, backend=backend,  # type: ignore[arg-type]
                     workers=workers, concurrency=32, progress=False)
        return count / (time.perf_counter() - started)


def simulated_rate(concurrency: int) -> tuple[float, float, int]:
    """Steady state: three times `concurrency` episodes, so the slowest episodes do not dominate."""
    finished: list = []
    count = 3 * concurrency
    started = time.perf_counter()
    asyncio.run(run_local(keys(count), RolloutSettings(policy="simulated", keep_trajectory=False), finished.append,
                          concurrency=concurrency, policy=SimulatedApiPolicy()))
    elapsed = time.perf_counter() - started
    turns = sum(record.turns for record in finished)
    return len(finished) / elapsed, turns / elapsed, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=400, help="scripted episodes per measurement")
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    print(f"scripted, local asyncio: {scripted_rate(args.episodes, 'local'):8.1f} episodes/s")
    if not args.skip_ray:
        import ray

        ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
        scripted_rate(20, "ray", 1)  # warm the cluster: worker start-up is not throughput
        for workers in (1, 2):
            print(f"scripted, ray {workers} worker(s): {scripted_rate(args.episodes, 'ray', workers):8.1f} episodes/s")
        ray.shutdown()
    for concurrency in (10, 100, 1000):
        rate, turns, count = simulated_rate(concurrency)
        ideal = concurrency / 0.2
        print(f"200 ms/turn policy, {concurrency:>4} in flight: {rate:7.1f} episodes/s, {turns:7.0f} turns/s "
              f"({100 * turns / ideal:.0f}% of the latency bound {ideal:.0f} turns/s; {count} episodes)")


if __name__ == "__main__":
    main()
