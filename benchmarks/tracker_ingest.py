"""Tracker ingest and report: one million episode records into SQLite, then a full assessment.

Records are synthetic but shaped like real ones: 20 environments x 50 checkpoints x 1,000
episodes, a 2% base violation rate, a few errors, and a jump in two environments halfway.

    python benchmarks/tracker_ingest.py [--episodes-per-cell 1000] [--db /tmp/tracker-bench.db]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from safety_gym.tracker import Tracker
from safety_gym.tracker.store import EpisodeRow

ENVS = 20
CHECKPOINTS = 50


def rows(run: str, per_cell: int, seed: int = 0):
    rng = random.Random(seed)
    for checkpoint in range(CHECKPOINTS):
        step = checkpoint * 100
        for env in range(ENVS):
            rate = 0.15 if env < 2 and checkpoint >= CHECKPOINTS // 2 else 0.02
            for index in range(per_cell):
                error = "TimeoutError" if rng.random() < 0.005 else None
                violated = None if error else rng.random() < rate
                yield EpisodeRow(
                    run_id=run, step=step, episode_id=f"SafetyGym/Env{env}-v0|v|{index}|0", env_id=f"SafetyGym/Env{env}-v0",
                    family=f"Env{env}", category="oversight_subversion", split="heldout" if env >= 15 else "in_distribution",
                    control=False, seed=index, sample=0, variant="v", violated=violated, error=error,
                    task_success=None if error else rng.random() < 0.9, cost=None if error else float(bool(violated)),
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes-per-cell", type=int, default=1000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or Path(folder) / "tracker.db"
        records = list(rows("bench", args.episodes_per_cell))  # generation is not ingest: done first
        with Tracker(db) as tracker:
            started = time.perf_counter()
            tracker.record("bench", 0, [], reference=True)
            for checkpoint in range(1, CHECKPOINTS):
                tracker.store.set_checkpoint("bench", checkpoint * 100, phase="rl", is_reference=False, policy=None, source=None)
            added = tracker.store.add_episodes(records, {f"Env{i}": 2 for i in range(ENVS)})
            ingest = time.perf_counter() - started
            started = time.perf_counter()
            assessment = tracker.update("bench")
            update = time.perf_counter() - started
            started = time.perf_counter()
            again = tracker.store.add_episodes(records, {})
            reingest = time.perf_counter() - started
            started = time.perf_counter()
            tracker.report("bench", Path(folder) / "report")
            report = time.perf_counter() - started
    print(f"ingested {added:,} episode records in {ingest:.1f} s ({added / ingest:,.0f} records/s)")
    print(f"re-ingest of the same records: {again} new, {reingest:.1f} s")
    print(f"update (counts + statistics + alarms) in {update:.2f} s: {len(assessment.alarms)} alarms, highest {assessment.highest_level}")
    print(f"report (summary.json, 3 PNG plots, report.html) in {report:.1f} s")


if __name__ == "__main__":
    main()
