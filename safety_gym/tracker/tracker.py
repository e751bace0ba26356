"""`Tracker`: record checkpoint evaluations, assess them, raise alarms, report."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from safety_gym.errors import ConfigError
from safety_gym.policies.base import Policy
from safety_gym.rollout.evaluation import EvalConfig, evaluate
from safety_gym.rollout.records import EpisodeRecord
from safety_gym.tracker.alarms import SEVERITY, AlarmConfig, RunAssessment, evaluate_run
from safety_gym.tracker.ingest import read_eval_dir, rows_from_records
from safety_gym.tracker.store import EpisodeRow, TrackerStore

__all__ = ["LEVELS", "Tracker", "TrackerConfig"]

LEVELS = ("watch", "warn", "ood_regression", "regression", "critical")
Phase = Literal["pre_safety", "post_safety", "rl", "final"]


class TrackerConfig(BaseModel):
    """How environments are tiered and how alarms are raised.

    Attributes:
        alarms: The statistics and thresholds of the alarm rule.
        zero_tolerance_categories: Categories whose environments are tier 1: any violation is
            CRITICAL. Our checks are deterministic event and fact checks, so a rule hit counts as
            confirmed (the reference design asks for a second detector when the first is a classifier).
        informational_categories: Tier-3 categories: tracked and reported, never alarmed on.
    """

    alarms: AlarmConfig = Field(default_factory=AlarmConfig)
    zero_tolerance_categories: list[str] = Field(default_factory=lambda: ["coercion", "self_exfiltration"])
    informational_categories: list[str] = Field(default_factory=list)

    def tier(self, category: str) -> int:
        if category in self.zero_tolerance_categories:
            return 1
        return 3 if category in self.informational_categories else 2


class Tracker:
    """The persistence tracker over one SQLite database file.

    Args:
        path: The database file (created if missing). Keep it on local disk: SQLite's WAL mode
            does not work over a network file system.
        config: Tiers and alarm settings; the default follows reference/persistence-statistics.md §5.5.
    """

    def __init__(self, path: str | Path, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        self.store = TrackerStore(path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- recording ----

    def record(
        self,
        run: str,
        step: int,
        records: Iterable[EpisodeRecord | EpisodeRow],
        *,
        reference: bool = False,
        phase: Phase | None = None,
        policy: str | None = None,
        source: str | None = None,
    ) -> int:
        """Store one checkpoint's episode outcomes; returns how many were new (re-recording is a no-op)."""
        self.store.set_checkpoint(run, step, phase=phase or ("post_safety" if reference else "rl"),
                                  is_reference=reference, policy=policy, source=source)
        rows = (
            item if isinstance(item, EpisodeRow) else next(iter(rows_from_records(run, step, [item])))
            for item in records
        )
        tiers = {}
        materialised = []
        for row in rows:
            tiers[row.family] = self.config.tier(row.category)
            materialised.append(row)
        return self.store.add_episodes(materialised, tiers)

    def add_eval_dir(self, run: str, step: int, folder: str | Path, *, reference: bool = False,
                     phase: Phase | None = None) -> int:
        """Record the episodes of a `safety-gym eval` results folder as checkpoint `step`."""
        records, policy = read_eval_dir(folder)
        return self.record(run, step, records, reference=reference, phase=phase, policy=policy, source=str(folder))

    def evaluate_checkpoint(
        self,
        run: str,
        step: int,
        policy: str | Policy,
        *,
        suite: str = "all",
        episodes: int = 20,
        split: Literal["train", "test"] = "test",
        controls: bool = True,
        backend: Literal["local", "ray"] = "local",
        workers: int = 2,
        concurrency: int = 64,
        reference: bool = False,
        phase: Phase | None = None,
        out_dir: str | Path | None = None,
        progress: bool = False,
        policy_options: dict[str, Any] | None = None,
    ) -> int:
        """Run the suite with `policy` (a spec or a Policy object), record it as `step`, and update.

        The same seeds are used at every checkpoint (a paired design). Results are kept in
        `out_dir` (default: next to the database, ``<db>.runs/<run>/step-<step>``), so an
        interrupted evaluation resumes.
        """
        spec = policy if isinstance(policy, str) else policy.spec
        folder = Path(out_dir) if out_dir else self.store.path.with_suffix(".runs") / run / f"step-{step}"
        config = EvalConfig(policy=spec, policy_options=policy_options or {}, suite=suite, split=split,
                            episodes=episodes, controls=controls)
        evaluate(config, folder, backend=backend, workers=workers, concurrency=concurrency, resume=True,
                 progress=progress, policy=None if isinstance(policy, str) else policy)
        added = self.add_eval_dir(run, step, folder, reference=reference, phase=phase)
        self.update(run)
        return added

    # ---- assessment ----

    def update(self, run: str) -> RunAssessment:
        """Recompute the run's statistics and alarms from every stored episode (late records included)."""
        if run not in self.store.runs():
            raise ConfigError(f"no run '{run}' in {self.store.path}; runs: {', '.join(self.store.runs()) or 'none'}")
        counts = [
            {**row, "confirmed_critical": row["x"] if row["tier"] == 1 else 0}
            for row in self.store.counts(run)
        ]
        assessment = evaluate_run(counts, self.config.alarms)
        self.store.replace_alarms(run, [
            (run, alarm.step, alarm.level, alarm.scope, alarm.scope_id, alarm.rule, alarm.statistic, alarm.threshold,
             json.dumps(alarm.evidence, default=str))
            for alarm in assessment.alarms
        ])
        return assessment

    def check(self, run: str, fail_on: str = "regression") -> tuple[bool, RunAssessment]:
        """Whether the run has an alarm at or above `fail_on` (a CI or promotion gate)."""
        if fail_on not in LEVELS:
            raise ConfigError(f"--fail-on must be one of {', '.join(LEVELS)}, received '{fail_on}'")
        assessment = self.update(run)
        threshold = SEVERITY[fail_on]  # type: ignore[index]
        return any(SEVERITY[alarm.level] >= threshold for alarm in assessment.alarms), assessment

    def report(self, run: str, out_dir: str | Path) -> Path:
        """Write `summary.json`, PNG plots and `report.html` for the run into `out_dir`."""
        from safety_gym.tracker.report import write_report

        return write_report(run, self.update(run), self.store.checkpoints(run), Path(out_dir))

    def simulate_null(self, n_envs: int, n_checkpoints: int, episodes_per_checkpoint: int, **options: Any) -> Any:
        """Empirical false-alarm rate (and detection delay with `jump=`) of this tracker's alarm rule."""
        from safety_gym.tracker.simulate import simulate_null

        options.setdefault("reference_episodes", 3 * episodes_per_checkpoint)
        options.setdefault("base_rate", 0.02)
        return simulate_null(n_envs, n_checkpoints, episodes_per_checkpoint, config=self.config.alarms, **options)
