"""`safety-gym judge`: cross-check a results folder's rule-based verdicts with the Claude judge."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table
from rich.text import Text

from safety_gym.cli._common import exit_on_config_error, make_console
from safety_gym.errors import ConfigError
from safety_gym.rollout.records import EpisodeRecord

__all__ = ["agreement_table", "disagreement_table", "judge_command", "register"]


def register(app: typer.Typer) -> None:
    """Add the `judge` command to the CLI."""
    app.command("judge")(judge_command)


def judge_command(
    results_dir: Annotated[Path, typer.Argument(help="A `safety-gym eval` results folder (with episodes.jsonl).")],
    model: Annotated[str, typer.Option(help="Judge model.")] = "claude-sonnet-4-5",
    base_url: Annotated[str | None, typer.Option(help="Anthropic API base URL (default: the SDK's).")] = None,
    api_key: Annotated[str | None, typer.Option(help="API key (default: ANTHROPIC_API_KEY); never written.")] = None,
    concurrency: Annotated[int, typer.Option(help="Judge requests in flight.")] = 8,
    limit: Annotated[int | None, typer.Option(help="Judge at most this many episodes (the first ones).")] = None,
    out: Annotated[Path | None, typer.Option(help="Agreement report (default: RESULTS_DIR/agreement.json).")] = None,
    max_retries: Annotated[int, typer.Option(help="Retries per request (429, 5xx, timeouts).")] = 3,
    timeout: Annotated[float, typer.Option(help="Seconds per request attempt.")] = 60.0,
    cache_dir: Annotated[Path, typer.Option(help="Folder of cached verdicts.")] = Path(".safety_gym_cache/judge"),
    cache: Annotated[bool, typer.Option(help="Reuse and store cached verdicts.")] = True,
) -> None:
    """Judge every scored episode with Claude and report its agreement with the rule-based checks.

    Writes RESULTS_DIR/judge.jsonl (verdicts) and agreement.json, and lists the disagreements.

    Episodes the judge could not rate (API failure after retries, unreadable answers) are unjudged, never safe.
    """
    from safety_gym.rewards.agreement import agreement_report
    from safety_gym.rewards.judge import ClaudeJudge

    with exit_on_config_error():
        episodes_path = results_dir / "episodes.jsonl"
        if not episodes_path.is_file():
            raise ConfigError(f"{episodes_path} not found: give a folder written by `safety-gym eval --out`")
        if limit is not None and limit < 0:
            raise ConfigError(f"--limit must be >= 0, received {limit}")
        records = _read_records(episodes_path)
        judge = ClaudeJudge(model, base_url=base_url, api_key=api_key, max_retries=max_retries,
                            concurrency=concurrency, timeout=timeout, cache_dir=cache_dir if cache else None)
        todo = [record for record in records if record.error is None and record.trajectory is not None]
        todo = todo[:limit] if limit is not None else todo
        verdicts = asyncio.run(judge.judge_many(
            [record.trajectory for record in todo],  # type: ignore[misc]
            categories=[record.category for record in todo], episode_ids=[record.episode_id for record in todo],
        ))
    verdict_path = results_dir / "judge.jsonl"
    verdict_path.write_text("".join(verdict.model_dump_json() + "\n" for verdict in verdicts), encoding="utf-8")
    report = agreement_report(records, verdicts)
    report_path = out if out is not None else results_dir / "agreement.json"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    console = make_console()
    console.print(agreement_table(report, model))
    if report["disagreements"]:
        console.print(disagreement_table(report["disagreements"]))
    unjudged = [verdict for verdict in verdicts if not verdict.judged]
    if unjudged:
        console.print(Text(f"{len(unjudged)} of {len(verdicts)} episodes unjudged; first error: {unjudged[0].error}",
                           style="yellow"), soft_wrap=True)
    console.print(f"Verdicts: {verdict_path.resolve()}\nAgreement: {report_path.resolve()}")
    if verdicts and len(unjudged) == len(verdicts):
        raise typer.Exit(1)


def _read_records(path: Path) -> list[EpisodeRecord]:
    """Records of an episodes file, read-only (a run may still be appending): first of each id, torn tail skipped."""
    records: dict[str, EpisodeRecord] = {}
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines[:-1], 1):  # the part after the last newline is empty or torn
        if not line.strip():
            continue
        try:
            record = EpisodeRecord.model_validate_json(line)
        except ValidationError as error:
            raise ConfigError(f"{path}:{number} is not an episode record: {error}") from None
        records.setdefault(record.episode_id, record)
    return list(records.values())


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _kappa(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def agreement_table(report: dict[str, Any], model: str) -> Table:
    """Per category and overall: judged, unjudged, agreement, kappa and the confusion counts."""
    table = Table(title=f"Rules vs judge ({model})", caption="confusion with the rule-based checks as reference")
    for column in ("category", "episodes", "judged", "unjudged", "agreement", "kappa", "tp", "fp", "fn", "tn"):
        table.add_column(column, justify="left" if column == "category" else "right", no_wrap=column == "category")
    rows = [*report["categories"].items(), ("overall", report["overall"])]
    for name, stats in rows:
        confusion = stats["confusion"]
        table.add_row(name, str(stats["episodes"]), str(stats["judged"]), str(stats["unjudged"] + stats["missing"]),
                      _percent(stats["percent_agreement"]), _kappa(stats["kappa"]),
                      *(str(confusion[key]) for key in ("tp", "fp", "fn", "tn")))
    return table


def disagreement_table(disagreements: list[dict[str, Any]]) -> Table:
    """The episodes on which the rules and the judge disagree, for review."""
    table = Table(title=f"Disagreements ({len(disagreements)})", show_lines=True)
    for column in ("episode", "rules", "judge", "judge rationale", "rule evidence"):
        table.add_column(column, overflow="fold")
    for item in disagreements:
        table.add_row(
            item["episode_id"], "violation" if item["rule_violation"] else "none",
            f"violation ({item['judge_severity']})" if item["judge_violation"] else "none",
            item["judge_rationale"], "\n".join(item["rule_evidence"]) or "-",
        )
    return table
