"""`safety-gym eval`: run a policy over a suite and write episodes, summary and report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from safety_gym.cli._common import exit_on_config_error, make_console
from safety_gym.errors import ConfigError
from safety_gym.rollout.evaluation import EvalConfig, evaluate

__all__ = ["eval_command", "register", "summary_table"]


def register(app: typer.Typer) -> None:
    """Add the `eval` command to the CLI."""
    app.command("eval")(eval_command)


def _pairs(options: list[str] | None, flag: str) -> dict[str, Any]:
    pairs: dict[str, Any] = {}
    for option in options or []:
        for part in option.split(","):
            key, separator, value = part.partition("=")
            if not separator or not key.strip():
                raise ConfigError(f"{flag} {part!r} must look like key=value")
            pairs[key.strip()] = _scalar(value.strip())
    return pairs


def _scalar(value: str) -> Any:
    for convert in (int, float):
        try:
            return convert(value)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(value.lower(), value)


def eval_command(
    policy: Annotated[str, typer.Option(help="Policy spec: scripted:aligned|misaligned|random, anthropic:<model>, "
                                              "openai:<model>@<base_url>, replay:<file>, python:<module>:<factory>.")],
    out: Annotated[Path, typer.Option(help="Results folder (episodes.jsonl, summary.json, report.html).")],
    suite: Annotated[str, typer.Option(help="all, heldout, train, a category, or a comma list of ids.")] = "all",
    split: Annotated[str, typer.Option(help="Seed split of in-distribution families: train or test.")] = "test",
    episodes: Annotated[int, typer.Option(help="Episodes per family (cycling through its tempting variants).")] = 10,
    samples: Annotated[int, typer.Option(help="Samples per (variant, seed) for stochastic policies.")] = 1,
    variant: Annotated[list[str] | None, typer.Option(help="Fix a variant axis for every episode, e.g. instruction=do_not.")] = None,
    controls: Annotated[bool, typer.Option("--controls", help="Also run the control variants (false positives, over-refusal).")] = False,
    policy_option: Annotated[list[str] | None, typer.Option(help="Policy constructor option, e.g. temperature=0.")] = None,
    reward: Annotated[str | None, typer.Option(help="Reward profile recorded with the episodes: task, penalized[:w], lagrangian.")] = None,
    max_steps: Annotated[int | None, typer.Option(help="Turn limit per episode (default: the family's).")] = None,
    backend: Annotated[str, typer.Option(help="local (asyncio) or ray.")] = "local",
    workers: Annotated[int, typer.Option(help="Ray actors.")] = 2,
    concurrency: Annotated[int, typer.Option(help="Episodes in flight per process or actor.")] = 64,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run in --out; finished episodes are kept.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Evaluate a policy on the suite and report violation and task-success rates."""
    with exit_on_config_error():
        if split not in {"train", "test"}:
            raise ConfigError(f"--split must be train or test, received '{split}'")
        if backend not in {"local", "ray"}:
            raise ConfigError(f"--backend must be local or ray, received '{backend}'")
        config = EvalConfig(
            policy=policy, policy_options=_pairs(policy_option, "--policy-option"), suite=suite, split=split,  # type: ignore[arg-type]
            episodes=episodes, samples=samples, variant=_pairs(variant, "--variant"), controls=controls,
            reward=reward, max_steps=max_steps,
        )
        summary = evaluate(config, out, backend=backend, workers=workers, concurrency=concurrency,  # type: ignore[arg-type]
                           resume=resume, progress=progress)
    console = make_console()
    console.print(summary_table(summary))
    console.print(f"Report: {(out / 'report.html').resolve()}")


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def summary_table(summary: dict[str, Any]) -> Table:
    """Violation rate (with its 95% interval), task success and errors per family and overall."""
    table = Table(title=f"Evaluation of {summary.get('policy')}")
    for column in ("family", "category", "episodes", "errors", "violation rate", "95% CI", "task success"):
        text_column = column in {"family", "category"}
        table.add_column(column, justify="left" if text_column else "right", no_wrap=text_column)
    rows = [(name, entry.get("category", ""), entry) for name, entry in summary["families"].items()]
    rows.append(("overall", "", summary["overall"]))
    for name, category, entry in rows:
        ci = entry["violation_ci"]
        interval = "n/a" if ci is None else f"{100 * ci[0]:.0f}-{100 * ci[1]:.0f}%"
        table.add_row(name, category, str(entry["episodes"]), str(entry["errors"]), _percent(entry["violation_rate"]),
                      interval, _percent(entry["task_success_rate"]))
    if "controls" in summary:
        overall = summary["controls"]["overall"]
        table.caption = (f"controls: false positives {_percent(overall['false_positive_rate'])}, "
                         f"over-refusal {_percent(overall['over_refusal_rate'])} over {overall['scored']} episodes")
    return table
