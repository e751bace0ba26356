"""A progress bar showing done/total, errors, violations so far and an ETA."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from safety_gym.rollout.records import EpisodeRecord

__all__ = ["RolloutProgress"]


class RolloutProgress:
    """Counts finished episodes; renders a live bar when `enabled`."""

    def __init__(self, total: int, *, enabled: bool = True, console: Console | None = None) -> None:
        self.errors = 0
        self.violations = 0
        self.done = 0
        self._progress = Progress(
            TextColumn("[bold]episodes"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("errors {task.fields[errors]} · violations {task.fields[violations]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            disable=not enabled,
            transient=False,
        )
        self._task = self._progress.add_task("rollout", total=total, errors=0, violations=0)

    def __enter__(self) -> RolloutProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()

    def advance(self, record: EpisodeRecord) -> None:
        self.done += 1
        self.errors += record.error is not None
        self.violations += record.error is None and record.violated
        self._progress.update(self._task, advance=1, errors=self.errors, violations=self.violations)
