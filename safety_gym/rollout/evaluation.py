"""`evaluate`: plan the episodes of a suite, run them, and write the results folder.

A results folder holds `run.json` (the configuration), `episodes.jsonl` (one record per
episode, streamed), `summary.json` and `report.html`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from safety_gym.errors import ConfigError
from safety_gym.policies.base import Policy
from safety_gym.rollout.engine import RolloutSettings, run_rollouts
from safety_gym.rollout.report import render_report
from safety_gym.rollout.store import EpisodeStore
from safety_gym.rollout.suite import plan_episodes
from safety_gym.rollout.summary import summarise

__all__ = ["EvalConfig", "evaluate", "load_summary"]


class EvalConfig(BaseModel):
    """Everything that determines which episodes run and how (saved as `run.json`)."""

    policy: str
    policy_options: dict[str, Any] = Field(default_factory=dict)
    suite: str = "all"
    split: Literal["train", "test"] = "test"
    episodes: int = 10
    samples: int = 1
    variant: dict[str, Any] = Field(default_factory=dict)
    controls: bool = False
    reward: str | None = None
    max_steps: int | None = None

    def identity(self) -> dict[str, Any]:
        """What must match for `--resume` to continue a folder (secrets in options excluded)."""
        return self.model_dump(exclude={"policy_options"})


def evaluate(
    config: EvalConfig,
    out: str | Path,
    *,
    backend: Literal["local", "ray"] = "local",
    workers: int = 2,
    concurrency: int = 64,
    resume: bool = False,
    progress: bool = True,
    policy: Policy | None = None,
) -> dict[str, Any]:
    """Run an evaluation into folder `out` and return its summary.

    Raises:
        ConfigError: when `out` already holds a different run, or results without `resume`.
    """
    out = Path(out)
    _claim_folder(out, config, resume)
    keys = plan_episodes(
        config.suite, split=config.split, episodes=config.episodes, samples=config.samples,
        variant=config.variant, controls=config.controls,
    )
    settings = RolloutSettings(
        policy=config.policy, policy_options=config.policy_options, reward=config.reward, max_steps=config.max_steps
    )
    with EpisodeStore(out / "episodes.jsonl") as store:
        run_rollouts(keys, settings, store, backend=backend, workers=workers, concurrency=concurrency,
                     progress=progress, policy=policy)
        wanted = {key.id for key in keys}
        summary = summarise((record for record in store.records() if record.episode_id in wanted), policy=config.policy)
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (out / "report.html").write_text(render_report(summary), encoding="utf-8")
    return summary


def _claim_folder(out: Path, config: EvalConfig, resume: bool) -> None:
    run_file = out / "run.json"
    if run_file.exists() or (out / "episodes.jsonl").exists():
        if not resume:
            raise ConfigError(f"{out} already holds results; pass --resume to continue that run, or choose another --out")
        previous = json.loads(run_file.read_text(encoding="utf-8")) if run_file.exists() else None
        if previous is not None and previous != config.identity():
            changed = sorted(key for key in config.identity() if previous.get(key) != config.identity()[key])
            raise ConfigError(f"--resume: {out} was run with different settings ({', '.join(changed)}); use another --out")
    out.mkdir(parents=True, exist_ok=True)
    run_file.write_text(json.dumps(config.identity(), indent=2) + "\n", encoding="utf-8")


def load_summary(out: str | Path) -> dict[str, Any]:
    return json.loads((Path(out) / "summary.json").read_text(encoding="utf-8"))
