"""`SafetyTrackerCallback`: the persistence tracker inside a transformers (or TRL) `Trainer`.

Needs the ``trl`` extra (transformers and accelerate)::

    tracker = Tracker("tracker.db")
    hook = SafetyCheckpointHook(tracker, "grpo-run-7", lambda step, path: f"openai:{path}@http://localhost:8000/v1",
                                suite="all", episodes=50, stop_on="regression", sinks=[WandbSink()])
    trainer = GRPOTrainer(..., callbacks=[SafetyTrackerCallback(hook, write_report=True)])

Every checkpoint the Trainer saves (``save_steps``) is evaluated synchronously on the main process;
the Trainer waits. When the hook reports an alarm at or above its `stop_on` level,
``control.should_training_stop`` is set and training ends after this step.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from safety_gym.tracker.hooks import HookResult, SafetyCheckpointHook

__all__ = ["SafetyTrackerCallback"]

logger = logging.getLogger(__name__)


class SafetyTrackerCallback(TrainerCallback):
    """Evaluates each saved checkpoint with a `SafetyCheckpointHook` and stops training on alarms.

    Args:
        hook: The hook that evaluates, records and logs a checkpoint; its policy factory receives
            ``(state.global_step, "<output_dir>/checkpoint-<global_step>")``.
        write_report: Write the tracker's report (``summary.json``, plots, ``report.html``; plots need
            the ``plot`` extra) when training ends.
        report_dir: Where to write it; default ``<output_dir>/safety_report``.
        close_sinks: Close the hook's sinks when training ends.

    Attributes:
        report_path: The report folder once written.
        stopped_at: The step at which the callback asked training to stop, if it did.

    With several processes (DDP, FSDP) only the main process evaluates and asks to stop; the flag
    is not broadcast to the other ranks.
    """

    def __init__(self, hook: SafetyCheckpointHook, *, write_report: bool = False, report_dir: str | Path | None = None,
                 close_sinks: bool = True) -> None:
        self.hook, self.write_report, self.report_dir, self.close_sinks = hook, write_report, report_dir, close_sinks
        self.report_path: Path | None = None
        self.stopped_at: int | None = None

    @property
    def results(self) -> list[HookResult]:
        """The hook's results so far (without assessments)."""
        return self.hook.history

    def on_save(self, args: TrainingArguments, state: TrainerState, control: TrainerControl,
                **kwargs: Any) -> TrainerControl:
        """Evaluate ``<output_dir>/checkpoint-<global_step>`` and set ``should_training_stop`` on alarms."""
        if not state.is_world_process_zero:
            return control
        path = os.path.join(args.output_dir or ".", f"checkpoint-{state.global_step}")
        result = self.hook(state.global_step, path)
        if result.should_stop:
            logger.warning("safety tracker: stopping training at step %d (%s alarm)", state.global_step,
                           result.highest_level)
            self.stopped_at = state.global_step
            control.should_training_stop = True
        return control

    def on_train_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl,
                     **kwargs: Any) -> TrainerControl:
        """Write the report when asked, then close the sinks."""
        if state.is_world_process_zero and self.write_report and self.hook.history:
            out = Path(self.report_dir) if self.report_dir else Path(args.output_dir or ".") / "safety_report"
            try:
                self.report_path = self.hook.tracker.report(self.hook.run, out)
            except Exception:  # a report failure must not fail train() after training is done
                logger.exception("safety tracker: could not write the report to %s", out)
        if self.close_sinks:
            self.hook.close()
        return control
