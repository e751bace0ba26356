"""Mirror tracker statistics to experiment loggers under stable, slash-separated keys (statistics doc §5.7).

`metrics_at` turns one checkpoint of a `RunAssessment` into a flat ``{key: float}`` dict:

| key | value |
|---|---|
| ``safety/<split>/<family>/violation_rate`` | pooled rate of the family's environments |
| ``safety/<split>/<family>/wilson_low`` / ``wilson_high`` | its Wilson 95% interval |
| ``safety/<split>/<family>/n`` | episodes with a verdict |
| ``safety/<split>/violation_rate`` | pooled rate of the split (``in_distribution``, ``heldout``) |
| ``safety/violation_rate`` | pooled rate of every tier-1/2, non-control environment with a reference |
| ``safety/task_success_rate``, ``safety/error_rate`` | of those same environments |
| ``safety/alarm_level`` | 0 = no alarm, then 1 watch, 2 warn, 3 regression / ood_regression, 4 critical |
| ``safety/retention`` | retention of safety training, when a pre-safety checkpoint exists |
| ``safety/ood_gap`` | held-out minus in-distribution rate, when both splits were evaluated |

A key whose value is undefined at that checkpoint (no episodes, no pre-safety eval) is left out
rather than sent as NaN. The sinks (`WandbSink`, `TensorBoardSink`, `MLflowSink`) import their
package when built and raise `ConfigError` naming the pip extra when it is missing.
"""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from safety_gym.errors import ConfigError
from safety_gym.tracker.alarms import SEVERITY, CheckpointStats, RunAssessment

__all__ = ["MLflowSink", "MetricSink", "TensorBoardSink", "WandbSink", "metrics_at"]

_ROLE_ORDER = ("monitored", "reference", "pre_safety", "unmonitored")
_MLFLOW_BATCH = 1000  # MLflow's limit of metrics per log_batch call


def metrics_at(assessment: RunAssessment, step: int, *, family_splits: Mapping[str, str] | None = None) -> dict[str, float]:
    """Build the mirrored metrics of checkpoint `step` (see the module docstring for the keys).

    Args:
        assessment: The run's assessment (`Tracker.update`).
        step: The checkpoint step.
        family_splits: Family name -> split (``in_distribution`` or ``heldout``). Families not in it
            are looked up in the registry; unknown ones go under ``safety/unknown/<family>``.

    Returns:
        Float values by key; ``safety/alarm_level`` is always present.
    """
    rows: dict[tuple[str, str], CheckpointStats] = {}
    for row in sorted((r for r in assessment.stats if r.step == step), key=lambda r: _ROLE_ORDER.index(r.role),
                      reverse=True):
        rows[(row.scope, row.scope_id)] = row  # the most relevant role wins
    out: dict[str, float] = {}
    for (scope, scope_id), row in sorted(rows.items()):
        if scope == "family":
            prefix = f"safety/{_segment(_split_of(scope_id, family_splits))}/{_segment(scope_id)}"
            _put(out, f"{prefix}/violation_rate", row.rate)
            if row.n:
                out[f"{prefix}/wilson_low"], out[f"{prefix}/wilson_high"] = float(row.wilson[0]), float(row.wilson[1])
            out[f"{prefix}/n"] = float(row.n)
        elif scope == "split":
            _put(out, f"safety/{_segment(scope_id)}/violation_rate", row.rate)
    pooled = rows.get(("global", "all"))
    if pooled is not None:
        _put(out, "safety/violation_rate", pooled.rate)
        _put(out, "safety/task_success_rate", pooled.task_success_rate)
        _put(out, "safety/error_rate", pooled.error_rate)
        _put(out, "safety/retention", pooled.retention)
    held, ind = rows.get(("split", "heldout")), rows.get(("split", "in_distribution"))
    if held is not None and ind is not None and held.rate is not None and ind.rate is not None:
        out["safety/ood_gap"] = held.rate - ind.rate
    out["safety/alarm_level"] = float(max((SEVERITY[a.level] for a in assessment.alarms_at(step)), default=0))
    return out


def _put(out: dict[str, float], key: str, value: float | None) -> None:
    if value is not None:
        out[key] = float(value)


def _segment(name: str) -> str:
    """One key segment: characters every logger accepts (no '/', which separates segments)."""
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", name) or "_"


def _split_of(family: str, family_splits: Mapping[str, str] | None) -> str:
    if family_splits and family in family_splits:
        return family_splits[family]
    from safety_gym.registry import families

    registered = {f.name: f.split for f in families()}
    if family not in registered:
        return "unknown"
    return "heldout" if registered[family] == "heldout" else "in_distribution"


def _require(module: str, extra: str, user: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ConfigError(f"{user} needs the '{module.split('.')[0]}' package: "
                          f"pip install 'agentic-safety-gym[{extra}]' ({error})") from error


@runtime_checkable
class MetricSink(Protocol):
    """Anything that takes ``{key: float}`` at a step: the tracker's logger interface."""

    def log(self, metrics: Mapping[str, float], step: int) -> None:
        """Record `metrics` at training step `step`."""
        ...

    def close(self) -> None:
        """Flush, and release what the sink opened itself."""
        ...


class WandbSink:
    """Weights & Biases: ``run.log`` with the training step as the x-axis of ``safety/*``.

    The run is resolved at the first `log`: `run` if given, else the active ``wandb.run`` (the one
    transformers' WandbCallback starts) when no `init_kwargs` are given, else ``wandb.init(**init_kwargs)``
    (that run is finished by `close`). ``define_metric("safety/*", step_metric=step_metric)`` lets
    evaluations that finish late land at their own step; with ``step_metric=None`` values are logged
    with ``step=`` instead, which W&B drops when it is below the run's current step. Works with
    ``WANDB_MODE=offline``.

    Args:
        run: An existing run (not finished by `close`).
        step_metric: The x-axis key logged with every call.
        **init_kwargs: Keyword arguments of ``wandb.init`` (project, name, dir, mode...).
    """

    def __init__(self, run: Any | None = None, *, step_metric: str | None = "trainer/global_step",
                 **init_kwargs: Any) -> None:
        self._wandb = _require("wandb", "wandb", "WandbSink")
        self.run, self.step_metric, self._init_kwargs = run, step_metric, init_kwargs
        self._owned = self._defined = False

    def _resolve(self) -> Any:
        if self.run is None:
            if self._wandb.run is not None and not self._init_kwargs:
                self.run = self._wandb.run
            else:
                self.run, self._owned = self._wandb.init(**self._init_kwargs), True
        if self.step_metric and not self._defined:
            self.run.define_metric(self.step_metric)
            self.run.define_metric("safety/*", step_metric=self.step_metric)
            self._defined = True
        return self.run

    def log(self, metrics: Mapping[str, float], step: int) -> None:
        """One history row: `metrics` plus the step metric (or at ``step=``)."""
        run = self._resolve()
        if self.step_metric:
            run.log({**metrics, self.step_metric: step})
        else:
            run.log(dict(metrics), step=step)

    def close(self) -> None:
        """Finish the run if the sink started it."""
        if self._owned and self.run is not None:
            self.run.finish()
            self.run, self._owned, self._defined = None, False, False


class TensorBoardSink:
    """TensorBoard scalars: one ``add_scalar(tag, value, global_step=step)`` per key.

    Writes event files with TensorBoard's own ``EventFileWriter`` (the writer under
    ``torch.utils.tensorboard.SummaryWriter``), so only the ``tensorboard`` package is needed.
    Pass `writer` to reuse an existing ``SummaryWriter`` (anything with ``add_scalar``) instead.

    Args:
        log_dir: Directory of the event files.
        writer: An existing writer (not closed by `close`).
    """

    def __init__(self, log_dir: str | Path | None = None, *, writer: Any | None = None) -> None:
        if (log_dir is None) == (writer is None):
            raise ConfigError("TensorBoardSink takes a log_dir or a writer (one of the two)")
        self._writer: Any = writer
        self._events: Any = None
        if writer is None:
            writer_module = _require("tensorboard.summary.writer.event_file_writer", "tensorboard", "TensorBoardSink")
            self._event_pb2 = _require("tensorboard.compat.proto.event_pb2", "tensorboard", "TensorBoardSink")
            self._summary_pb2 = _require("tensorboard.compat.proto.summary_pb2", "tensorboard", "TensorBoardSink")
            self._events = writer_module.EventFileWriter(str(log_dir))
        self.log_dir = str(log_dir) if log_dir is not None else None

    def log(self, metrics: Mapping[str, float], step: int) -> None:
        """One scalar per key at `step`, flushed at once."""
        if self._events is None:
            for tag, value in metrics.items():
                self._writer.add_scalar(tag, float(value), global_step=step)
            if hasattr(self._writer, "flush"):
                self._writer.flush()
            return
        summary_pb2 = self._summary_pb2
        values = [summary_pb2.Summary.Value(tag=tag, simple_value=float(value)) for tag, value in metrics.items()]
        self._events.add_event(self._event_pb2.Event(wall_time=time.time(), step=step,
                                                     summary=summary_pb2.Summary(value=values)))
        self._events.flush()

    def close(self) -> None:
        """Close the event file the sink opened."""
        if self._events is not None:
            self._events.close()


class MLflowSink:
    """MLflow: ``log_metric(key, value, step=step)`` for every key, sent as one ``log_batch``.

    The run is resolved at the first `log`: `run_id` if given, else the active fluent run (the one
    transformers' MLflowCallback starts) when `tracking_uri` is not given, else a new run in
    `experiment` (created if missing; default ``Default``), which `close` terminates.

    Args:
        tracking_uri: Tracking server or store (``file:...``, ``sqlite:///...``, ``http://...``);
            default: MLflow's own (``MLFLOW_TRACKING_URI``).
        run_id: An existing run (not terminated by `close`).
        experiment: Experiment name of a new run.
        run_name: Name of a new run.
    """

    def __init__(self, tracking_uri: str | None = None, run_id: str | None = None, experiment: str | None = None,
                 *, run_name: str | None = None) -> None:
        self._mlflow = _require("mlflow", "mlflow", "MLflowSink")
        self._metric = _require("mlflow.entities", "mlflow", "MLflowSink").Metric
        self._client = _require("mlflow.tracking", "mlflow", "MLflowSink").MlflowClient(tracking_uri)
        self.tracking_uri, self.run_id, self.experiment, self.run_name = tracking_uri, run_id, experiment, run_name
        self._owned = False

    def _resolve(self) -> str:
        if self.run_id is None:
            active = self._mlflow.active_run() if self.tracking_uri is None else None
            if active is not None:
                self.run_id = active.info.run_id
            else:
                name = self.experiment or "Default"
                found = self._client.get_experiment_by_name(name)
                experiment_id = found.experiment_id if found else self._client.create_experiment(name)
                self.run_id = self._client.create_run(experiment_id, run_name=self.run_name).info.run_id
                self._owned = True
        return self.run_id

    def log(self, metrics: Mapping[str, float], step: int) -> None:
        """Log every key at `step` with one timestamp."""
        run_id, timestamp = self._resolve(), int(time.time() * 1000)
        batch = [self._metric(key, float(value), timestamp, step) for key, value in metrics.items()]
        for start in range(0, len(batch), _MLFLOW_BATCH):
            self._client.log_batch(run_id, metrics=batch[start:start + _MLFLOW_BATCH])

    def close(self) -> None:
        """Terminate the run if the sink created it."""
        if self._owned and self.run_id is not None:
            self._client.set_terminated(self.run_id)
            self._owned = False
