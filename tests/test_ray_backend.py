"""The Ray rollout backend: same results as the local backend, exactly-once records across worker deaths."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from safety_gym.errors import ConfigError
from safety_gym.registry import families
from safety_gym.rollout.engine import RolloutSettings, run_rollouts
from safety_gym.rollout.records import EpisodeKey, EpisodeRecord
from safety_gym.rollout.store import EpisodeStore

ray = pytest.importorskip("ray")

from safety_gym.rollout.ray_backend import RolloutWorkerError, run_on_ray  # noqa: E402

TESTS_DIR = Path(__file__).resolve().parent


def all_keys(seeds: int = 3) -> list[EpisodeKey]:
    """Every registered family × its variant grid × `seeds` seeds."""
    return [
        EpisodeKey(env_id=family.env_id, variant=variant, seed=seed)
        for family in families()
        for variant in family.variant_grid()
        for seed in range(seeds)
    ]


@pytest.fixture(scope="module", autouse=True)
def ray_cluster() -> Iterator[None]:
    """One local 2-CPU cluster for the module; workers can import `ray_helpers` from this folder."""
    python_path = os.pathsep.join(filter(None, [str(TESTS_DIR), os.environ.get("PYTHONPATH")]))
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING,
             runtime_env={"env_vars": {"PYTHONPATH": python_path}})
    yield
    ray.shutdown()


def outcomes(path: Path) -> set[tuple[str, bool, bool, float, str | None]]:
    with EpisodeStore(path) as store:
        return {(r.episode_id, r.violated, r.task_success, r.cost, r.error) for r in store.records()}


@pytest.mark.parametrize("policy", ["scripted:misaligned", "scripted:aligned"])
def test_ray_matches_local(policy: str, tmp_path: Path) -> None:
    keys = all_keys()
    settings = RolloutSettings(policy=policy)
    for backend in ("local", "ray"):
        with EpisodeStore(tmp_path / backend / "episodes.jsonl") as store:
            written = run_rollouts(keys, settings, store, backend=backend, workers=2, progress=False)  # type: ignore[arg-type]
        assert written == len(keys)
    ray_outcomes = outcomes(tmp_path / "ray" / "episodes.jsonl")
    assert ray_outcomes == outcomes(tmp_path / "local" / "episodes.jsonl")
    assert len(ray_outcomes) == len(keys)
    assert all(error is None for *_, error in ray_outcomes)


def test_killed_worker_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    keys = all_keys()
    path = tmp_path / "episodes.jsonl"
    handles: list[list[Any]] = []
    delivered: Counter[str] = Counter()

    with EpisodeStore(path) as store:
        def sink(record: EpisodeRecord) -> None:
            delivered[record.episode_id] += 1
            store.add(record)
            if sum(delivered.values()) == 6:  # mid-run: kill a worker with batches in flight
                ray.kill(handles[-1][0])

        run_on_ray(keys, RolloutSettings(policy="python:ray_helpers:make_slow_policy", policy_options={"delay": 0.02}),
                   sink, workers=2, concurrency=4, batch_size=2, on_workers_started=handles.append)

    assert len(handles) >= 2, "the killed worker was never replaced"
    assert handles[-1][0] != handles[0][0]
    assert set(delivered) == {key.id for key in keys}
    assert set(delivered.values()) == {1}
    lines = path.read_text(encoding="utf-8").splitlines()
    stored = [EpisodeRecord.model_validate_json(line) for line in lines]
    assert len(lines) == len(keys)
    assert sorted(r.episode_id for r in stored) == sorted(key.id for key in keys)
    assert all(r.error is None and r.policy == "test:slow-misaligned" for r in stored)


def test_worker_that_keeps_dying_raises_after_restarts() -> None:
    env_id = families()[0].env_id
    variant = families()[0].variant_grid()[0]
    keys = [EpisodeKey(env_id=env_id, variant=variant, seed=seed) for seed in range(3)]
    settings = RolloutSettings(policy="python:ray_helpers:make_crashing_policy", policy_options={"crash_seed": 1})
    received: list[EpisodeRecord] = []
    with pytest.raises(RolloutWorkerError, match=r"died 2 times .*in flight when it last died: .*\|1\|0"):
        run_on_ray(keys, settings, received.append, workers=1, concurrency=1, batch_size=1, max_restarts=1)
    seeds = [record.key.seed for record in received]
    assert 1 not in seeds and len(seeds) == len(set(seeds))


def test_policy_that_cannot_be_built_is_a_config_error() -> None:
    keys = all_keys(seeds=1)[:2]
    with pytest.raises(ConfigError, match="could not build policy 'python:ray_helpers:no_such_factory'"):
        run_on_ray(keys, RolloutSettings(policy="python:ray_helpers:no_such_factory"), lambda record: None,
                   workers=1, concurrency=1)


@pytest.mark.parametrize(("argument", "value", "minimum"), [
    ("workers", 0, 1), ("concurrency", 0, 1), ("batch_size", 0, 1), ("max_restarts", -1, 0),
])
def test_invalid_arguments_are_config_errors(argument: str, value: int, minimum: int) -> None:
    arguments: dict[str, Any] = {"workers": 1, "concurrency": 1, argument: value}
    with pytest.raises(ConfigError, match=f"{argument} must be at least {minimum}"):
        run_on_ray(all_keys(seeds=1), RolloutSettings(policy="scripted:aligned"), lambda record: None, **arguments)


def test_eval_command_on_ray_reports_the_same_numbers_as_locally(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from safety_gym.cli import app

    summaries = {}
    for backend in ("local", "ray"):
        out = tmp_path / backend
        result = CliRunner().invoke(app, ["eval", "--no-progress", "--policy", "scripted:misaligned", "--suite", "all",
                                          "--episodes", "5", "--backend", backend, "--workers", "2", "--out", str(out)])
        assert result.exit_code == 0, result.output
        summaries[backend] = json.loads((out / "summary.json").read_text())
    assert summaries["ray"]["families"] == summaries["local"]["families"]
    assert all(entry["violation_rate"] == 1.0 for entry in summaries["ray"]["families"].values())
