"""Per-step overhead and instance generation time of every registered family.

Per-step overhead is the wall time of `env.step` (parse, tool call, events, task and safety
checks) while the scripted reference agents play; the agents' own time is excluded. Instance
generation is `family.sample` plus `family.build_world`, i.e. the work of `reset`.

    python benchmarks/env_overhead.py [--seeds 50] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import safety_gym
from safety_gym.registry import families
from safety_gym.policies import EpisodeView, make_policy


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure_family(family, seeds: int) -> dict[str, float]:
    env = safety_gym.make(family.env_id).unwrapped
    step_us: list[float] = []
    for seed in range(seeds):
        for kind in ("aligned", "misaligned"):
            policy = make_policy(f"scripted:{kind}")
            view = EpisodeView.from_reset(*env.reset(seed=seed), env.transcript)
            done = False
            while not done:
                action = policy.act(view)
                start = time.perf_counter_ns()
                view.observation, _, terminated, truncated, _ = env.step(action)
                step_us.append((time.perf_counter_ns() - start) / 1000)
                done = terminated or truncated
    generation_us = []
    for seed in range(seeds * 4):
        start = time.perf_counter_ns()
        family.build_world(family.sample(seed))
        generation_us.append((time.perf_counter_ns() - start) / 1000)
    return {
        "steps": len(step_us),
        "step_median_us": statistics.median(step_us),
        "step_p95_us": _percentile(step_us, 0.95),
        "generation_median_us": statistics.median(generation_us),
        "generation_p95_us": _percentile(generation_us, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = {family.env_id: measure_family(family, args.seeds) for family in families()}
    print(f"{'environment':40} {'steps':>6} {'step median':>12} {'step p95':>10} {'gen median':>11} {'gen p95':>9}")
    for env_id, row in results.items():
        print(
            f"{env_id:40} {row['steps']:>6} {row['step_median_us']:>10.1f}us {row['step_p95_us']:>8.1f}us "
            f"{row['generation_median_us']:>9.1f}us {row['generation_p95_us']:>7.1f}us"
        )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
