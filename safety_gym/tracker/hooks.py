"""`SafetyCheckpointHook`: evaluate a training checkpoint, record it, mirror metrics, say whether to stop.

Any training loop can call it after saving a checkpoint::

    hook = SafetyCheckpointHook(tracker, "grpo-run-7",
                                lambda step, path: f"openai:ckpt-{step}@http://localhost:8000/v1",
                                suite="all", episodes=50, stop_on="critical", sinks=[WandbSink()])
    for step in ...:
        ...
        if step % save_every == 0:
            save(model, path := f"out/checkpoint-{step}")
            if hook(step, path).should_stop:
                break

The evaluation is synchronous. The first call of a run that has no reference checkpoint yet (or
the call at `reference_step`, when given) records the reference the later checkpoints are
compared with.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from safety_gym.errors import ConfigError
from safety_gym.policies.base import Policy
from safety_gym.tracker.alarms import SEVERITY, Alarm, AlarmLevel, RunAssessment
from safety_gym.tracker.sinks import MetricSink, metrics_at
from safety_gym.tracker.tracker import LEVELS, Tracker

__all__ = ["HookResult", "PolicyFactory", "SafetyCheckpointHook"]

logger = logging.getLogger(__name__)

PolicyFactory = Callable[[int, "str | None"], "str | Policy"]
"""``(step, checkpoint_path) -> policy spec or Policy`` for the checkpoint saved at `step`."""

_OWN_ARGUMENTS = {"self", "run", "step", "policy", "suite", "episodes", "backend", "reference"}


@dataclass(frozen=True)
class HookResult:
    """What one checkpoint evaluation concluded.

    Attributes:
        step: The checkpoint step.
        alarms: Alarms raised at this step (by the whole run's assessment, late records included).
        highest_level: The most severe of them, or None.
        should_stop: Whether an alarm at or above the hook's `stop_on` level was raised at this step.
        metrics: The metrics mirrored to the sinks (`safety_gym.tracker.sinks.metrics_at`).
        reference: Whether this checkpoint was recorded as the reference.
        policy: The spec of the evaluated policy.
        assessment: The run's full assessment after this checkpoint.
    """

    step: int
    alarms: list[Alarm]
    highest_level: AlarmLevel | None
    should_stop: bool
    metrics: dict[str, float]
    reference: bool = False
    policy: str = ""
    assessment: RunAssessment | None = field(default=None, repr=False)


class SafetyCheckpointHook:
    """Evaluates checkpoints with `Tracker.evaluate_checkpoint` and mirrors the metrics to sinks.

    Args:
        tracker: The tracker that stores the run.
        run: The run name in the tracker.
        policy_factory: ``(step, checkpoint_path) -> spec | Policy``, e.g. an ``openai:<model>@<url>``
            spec of a vLLM server that serves the checkpoint.
        suite: Environments to evaluate (``all``, families, ids, comma-separated).
        episodes: Episodes per environment and checkpoint (the same seeds each time).
        backend: ``local`` or ``ray``.
        stop_on: Alarm level (one of `safety_gym.tracker.LEVELS`) at or above which `should_stop`
            is set; None never asks to stop. ``regression`` also stops on ``ood_regression``.
        sinks: Loggers that receive the metrics of every evaluated checkpoint.
        reference_step: The step recorded as the reference; default: the first call of a run that
            has no reference yet (so a resumed run keeps its reference).
        **eval_options: Further keyword arguments of `Tracker.evaluate_checkpoint` (``split``,
            ``controls``, ``workers``, ``concurrency``, ``policy_options``, ``progress``...). An
            ``out_dir`` must contain ``{step}``, since results in it are resumed.

    Raises:
        ConfigError: for an unknown level or evaluation option.
    """

    def __init__(
        self,
        tracker: Tracker,
        run: str,
        policy_factory: PolicyFactory,
        *,
        suite: str = "all",
        episodes: int = 20,
        backend: Literal["local", "ray"] = "local",
        stop_on: str | None = "critical",
        sinks: Iterable[MetricSink] = (),
        reference_step: int | None = None,
        **eval_options: Any,
    ) -> None:
        if stop_on is not None and stop_on not in LEVELS:
            raise ConfigError(f"stop_on must be one of {', '.join(LEVELS)} or None, received '{stop_on}'")
        accepted = set(inspect.signature(tracker.evaluate_checkpoint).parameters) - _OWN_ARGUMENTS
        unknown = sorted(set(eval_options) - accepted)
        if unknown:
            raise ConfigError(f"unknown evaluation options {unknown}; accepted: {', '.join(sorted(accepted))}")
        if "out_dir" in eval_options and "{step}" not in str(eval_options["out_dir"]):
            raise ConfigError("out_dir must contain '{step}' (e.g. 'evals/step-{step}'): results in it are resumed")
        self.tracker, self.run, self.policy_factory = tracker, run, policy_factory
        self.suite, self.episodes, self.backend = suite, episodes, backend
        self.stop_on, self.reference_step = stop_on, reference_step
        self.sinks: list[MetricSink] = list(sinks)
        self.eval_options = eval_options
        self.history: list[HookResult] = []  # every result so far, without its assessment
        self.last: HookResult | None = None  # the latest result, with its assessment

    def __call__(self, step: int, checkpoint_path: str | None = None) -> HookResult:
        """Evaluate the checkpoint saved at `step`, record it, update the alarms and log the metrics.

        Args:
            step: The training step of the checkpoint.
            checkpoint_path: Where it was saved; passed to the policy factory.

        Errors of the policy factory or the evaluation (an unreachable server...) propagate: the
        caller decides whether training goes on without a safety verdict.
        """
        policy = self.policy_factory(step, checkpoint_path)
        reference = self._is_reference(step)
        options = dict(self.eval_options)
        if "out_dir" in options:
            options["out_dir"] = str(options["out_dir"]).format(step=step)
        self.tracker.evaluate_checkpoint(self.run, step, policy, suite=self.suite, episodes=self.episodes,
                                         backend=self.backend, reference=reference, **options)
        assessment = self.tracker.update(self.run)
        splits = {row["family"]: row["split"] for row in self.tracker.store.counts(self.run)}
        metrics = metrics_at(assessment, step, family_splits=splits)
        self.log(metrics, step)
        alarms = assessment.alarms_at(step)
        top = max(alarms, key=lambda a: (SEVERITY[a.level], LEVELS.index(a.level)), default=None)
        should_stop = self.stop_on is not None and any(SEVERITY[a.level] >= SEVERITY[self.stop_on] for a in alarms)
        spec = policy if isinstance(policy, str) else policy.spec
        if top is not None and SEVERITY[top.level] >= 2:
            logger.warning("safety tracker: %s alarm at step %d of run '%s' (%s %s, rule %s)%s", top.level, step,
                           self.run, top.scope, top.scope_id, top.rule, "; asking to stop" if should_stop else "")
        result = HookResult(step=step, alarms=alarms, highest_level=top.level if top else None,
                            should_stop=should_stop, metrics=metrics, reference=reference, policy=spec,
                            assessment=assessment)
        self.history.append(replace(result, assessment=None))
        self.last = result
        return result

    def log(self, metrics: Mapping[str, float], step: int) -> None:
        """Send `metrics` to every sink; a failing sink is logged and skipped, never fatal to training."""
        for sink in self.sinks:
            try:
                sink.log(metrics, step)
            except Exception:  # a logger outage must not hide the verdict from the training loop
                logger.exception("safety tracker: sink %s failed to log step %d", type(sink).__name__, step)

    def close(self) -> None:
        """Close every sink (each releases only what it opened itself)."""
        for sink in self.sinks:
            try:
                sink.close()
            except Exception:  # closing is best effort
                logger.exception("safety tracker: sink %s failed to close", type(sink).__name__)

    def _is_reference(self, step: int) -> bool:
        if self.reference_step is not None:
            return step == self.reference_step
        references = [c["step"] for c in self.tracker.store.checkpoints(self.run) if c["is_reference"]]
        return not references or step in references  # re-evaluating the reference keeps it the reference
