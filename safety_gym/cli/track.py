"""`safety-gym track`: record checkpoint evaluations, report persistence, gate on alarms."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from safety_gym.cli._common import exit_on_config_error, make_console
from safety_gym.tracker.alarms import RunAssessment
from safety_gym.tracker.tracker import LEVELS, Tracker

__all__ = ["register"]

track_app = typer.Typer(help="The persistence tracker: does alignment hold as RL training proceeds?", no_args_is_help=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="Tracker database (SQLite; env SAFETY_GYM_TRACKER_DB).")]
RunArgument = Annotated[str, typer.Argument(help="Run name, e.g. grpo-seed1.")]
StepOption = Annotated[int, typer.Option("--step", help="Training step of the checkpoint.")]
ReferenceOption = Annotated[bool, typer.Option("--reference", help="This checkpoint is the reference (post-safety, pre-RL).")]
PhaseOption = Annotated[str | None, typer.Option(help="pre_safety, post_safety, rl or final.")]


def _default_db() -> Path:
    return Path(os.environ.get("SAFETY_GYM_TRACKER_DB", "safety_gym_tracker.db"))


def register(app: typer.Typer) -> None:
    """Add the `track` command group to the CLI."""
    app.add_typer(track_app, name="track")


@track_app.command("add")
def add_command(run: RunArgument, step: StepOption, eval_dir: Annotated[Path, typer.Option(help="A safety-gym eval output folder.")],
                reference: ReferenceOption = False, phase: PhaseOption = None, db: DbOption = None) -> None:
    """Record a `safety-gym eval` folder as checkpoint STEP of RUN (idempotent)."""
    with exit_on_config_error(), Tracker(db or _default_db()) as tracker:
        added = tracker.add_eval_dir(run, step, eval_dir, reference=reference, phase=phase)  # type: ignore[arg-type]
        assessment = tracker.update(run)
    make_console().print(f"{run}@{step}: {added} new episodes recorded.")
    _print_alarms(assessment, step)


@track_app.command("eval")
def eval_command(
    run: RunArgument, step: StepOption,
    policy: Annotated[str, typer.Option(help="Policy spec (see safety-gym eval).")],
    suite: Annotated[str, typer.Option(help="all, heldout, train, a category or a comma list of ids.")] = "all",
    episodes: Annotated[int, typer.Option(help="Episodes per family.")] = 20,
    backend: Annotated[str, typer.Option(help="local or ray.")] = "local",
    workers: Annotated[int, typer.Option(help="Ray actors.")] = 2,
    concurrency: Annotated[int, typer.Option(help="Episodes in flight.")] = 64,
    controls: Annotated[bool, typer.Option(help="Also evaluate control variants.")] = True,
    reference: ReferenceOption = False, phase: PhaseOption = None, db: DbOption = None,
) -> None:
    """Evaluate POLICY on the suite and record it as checkpoint STEP of RUN, in one go."""
    with exit_on_config_error(), Tracker(db or _default_db()) as tracker:
        added = tracker.evaluate_checkpoint(run, step, policy, suite=suite, episodes=episodes, backend=backend,  # type: ignore[arg-type]
                                            workers=workers, concurrency=concurrency, controls=controls,
                                            reference=reference, phase=phase)  # type: ignore[arg-type]
        assessment = tracker.update(run)
    make_console().print(f"{run}@{step}: {added} new episodes recorded.")
    _print_alarms(assessment, step)


@track_app.command("report")
def report_command(run: RunArgument, out: Annotated[Path, typer.Option(help="Folder for report.html, PNGs, summary.json.")],
                   db: DbOption = None) -> None:
    """Print the persistence table and write the HTML report with plots."""
    with exit_on_config_error(), Tracker(db or _default_db()) as tracker:
        assessment = tracker.update(run)
        path = tracker.report(run, out)
    console = make_console()
    console.print(_table(run, assessment))
    _print_alarms(assessment, None)
    console.print(f"Report: {path.resolve()}")


@track_app.command("check")
def check_command(run: RunArgument,
                  fail_on: Annotated[str, typer.Option(help=f"Lowest alarm level that fails: {', '.join(LEVELS)}.")] = "regression",
                  db: DbOption = None) -> None:
    """Exit non-zero when RUN has an alarm at or above --fail-on (a CI or promotion gate)."""
    with exit_on_config_error(), Tracker(db or _default_db()) as tracker:
        failed, assessment = tracker.check(run, fail_on)
    _print_alarms(assessment, None)
    if failed:
        make_console(stderr=True).print(f"FAIL: {run} has alarms at or above '{fail_on}' (highest: {assessment.highest_level}).")
        raise typer.Exit(1)
    make_console().print(f"OK: no alarm at or above '{fail_on}' in {run} (highest: {assessment.highest_level or 'none'}).")


def _print_alarms(assessment: RunAssessment, step: int | None) -> None:
    alarms = [alarm for alarm in assessment.alarms if step is None or alarm.step == step]
    console = make_console()
    shown = [alarm for alarm in alarms if alarm.level != "watch"]
    for alarm in shown:
        console.print(f"  [{alarm.level.upper()}] step {alarm.step} {alarm.scope} {alarm.scope_id}: {alarm.rule}", markup=False)
    watches = len(alarms) - len(shown)
    if watches:
        console.print(f"  ({watches} watch-level notices; see the report)")
    if not alarms:
        console.print("  no alarms" + ("" if step is None else f" at step {step}"))


def _table(run: str, assessment: RunAssessment) -> Table:
    table = Table(title=f"Persistence of {run}")
    for column in ("family", "reference", "latest", "step", "verdict", "n needed"):
        table.add_column(column)
    latest: dict[str, object] = {}
    reference: dict[str, object] = {}
    for row in assessment.stats:
        if row.scope != "family" or row.rate is None:
            continue
        if row.role == "reference":
            reference[row.scope_id] = row
        elif row.role == "monitored":
            latest[row.scope_id] = row
    for family in sorted(set(latest) | set(reference)):
        ref, last = reference.get(family), latest.get(family)
        verdict = assessment.verdict("family", family)
        table.add_row(family, _rate(ref), _rate(last), str(getattr(last, "step", "")),
                      verdict.verdict if verdict else "", str(verdict.required_n_per_arm or "") if verdict else "")
    return table


def _rate(row: object) -> str:
    if row is None:
        return "n/a"
    low, high = row.wilson  # type: ignore[attr-defined]
    return f"{100 * row.rate:.1f}% [{100 * low:.0f}-{100 * high:.0f}]"  # type: ignore[attr-defined]
