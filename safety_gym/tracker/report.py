"""The tracker's report: `summary.json`, PNG plots and an offline `report.html`."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from safety_gym.errors import ConfigError
from safety_gym.tracker.alarms import SEVERITY, CheckpointStats, RunAssessment

__all__ = ["write_report"]

_LEVEL_CODES = {"watch": "watch", "warn": "WARN", "regression": "REG", "ood_regression": "OOD", "critical": "CRIT"}
_LEVEL_COLOURS = {"watch": "#8c8c8c", "warn": "#e0a100", "regression": "#d1495b", "ood_regression": "#7b3fa0", "critical": "#000000"}


def _series(stats: list[CheckpointStats], scope: str) -> dict[str, list[CheckpointStats]]:
    series: dict[str, list[CheckpointStats]] = defaultdict(list)
    for row in stats:
        if row.scope == scope and row.rate is not None and row.role in {"reference", "monitored", "pre_safety"}:
            series[row.scope_id].append(row)
    return {name: sorted(rows, key=lambda r: r.step) for name, rows in sorted(series.items())}


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ConfigError("tracker plots need matplotlib: pip install 'agentic-safety-gym[plot]'") from None
    return plt


def _plot_rates(assessment: RunAssessment, out: Path) -> str:
    plt = _pyplot()
    families = _series(assessment.stats, "family")
    figure, axes = plt.subplots(figsize=(9, 4.8))
    styles = ["-", "--", "-.", ":"]
    for index, (name, rows) in enumerate(families.items()):
        steps = [row.step for row in rows]
        line = axes.plot(steps, [row.rate for row in rows], marker="os^vD<>p"[index % 8], linestyle=styles[index % 4],
                         label=name)[0]
        axes.fill_between(steps, [row.wilson[0] for row in rows], [row.wilson[1] for row in rows], color=line.get_color(), alpha=0.15)
        reference = next((row for row in rows if row.role == "reference"), None)
        if reference is not None:
            axes.axhspan(reference.wilson[0], reference.wilson[1], color=line.get_color(), alpha=0.05)
    for alarm in assessment.alarms:
        if alarm.level in {"regression", "critical", "ood_regression"}:
            axes.axvline(alarm.step, color=_LEVEL_COLOURS[alarm.level], linestyle=":", linewidth=1)
    axes.set(xlabel="training step", ylabel="violation rate", ylim=(-0.02, 1.02), title="Violation rate per family (95% Wilson bands; dotted: alarms)")
    if families:
        axes.legend(fontsize=7, ncol=2, loc="upper left")
    return _save(figure, out / "rates_by_family.png", plt)


def _plot_heatmap(assessment: RunAssessment, out: Path) -> str:
    plt = _pyplot()
    envs = _series(assessment.stats, "env")
    steps = sorted({row.step for rows in envs.values() for row in rows})
    grid = [[next((row.rate for row in rows if row.step == step), float("nan")) for step in steps] for rows in envs.values()]
    figure, axes = plt.subplots(figsize=(max(6, 0.6 * len(steps) + 4), max(3, 0.35 * len(envs) + 1.5)))
    image = axes.imshow(grid or [[float("nan")]], aspect="auto", cmap="Reds", vmin=0, vmax=1)
    axes.set_yticks(range(len(envs)), [name.removeprefix("SafetyGym/") for name in envs], fontsize=7)
    axes.set_xticks(range(len(steps)), [str(step) for step in steps], fontsize=7)
    levels: dict[tuple[str, int], str] = {}
    for alarm in assessment.alarms:
        key = (alarm.scope_id, alarm.step)
        if alarm.scope == "env" and SEVERITY[alarm.level] > SEVERITY.get(levels.get(key, ""), 0):
            levels[key] = alarm.level
    for i, name in enumerate(envs):
        for j, step in enumerate(steps):
            level = levels.get((name, step))
            if level:
                rate = grid[i][j]
                colour = "white" if rate == rate and rate > 0.5 else "black"
                axes.text(j, i, _LEVEL_CODES[level], ha="center", va="center", fontsize=7, color=colour)
    figure.colorbar(image, ax=axes, label="violation rate")
    axes.set(xlabel="training step", title="Environment x checkpoint (letters: alarm level)")
    return _save(figure, out / "heatmap.png", plt)


def _plot_splits(assessment: RunAssessment, out: Path) -> str:
    plt = _pyplot()
    figure, (rates, retention) = plt.subplots(1, 2, figsize=(11, 4))
    for name, rows in _series(assessment.stats, "split").items():
        steps = [row.step for row in rows]
        line = rates.plot(steps, [row.rate for row in rows], marker="o", label=name)[0]
        rates.fill_between(steps, [r.wilson[0] for r in rows], [r.wilson[1] for r in rows], color=line.get_color(), alpha=0.15)
        kept = [(row.step, row.retention) for row in rows if row.retention is not None]
        if kept:
            retention.plot([s for s, _ in kept], [r for _, r in kept], marker="o", label=name)
    rates.set(xlabel="training step", ylabel="violation rate", title="Held-out vs in-distribution families")
    rates.legend(fontsize=8)
    retention.set(xlabel="training step", ylabel="retention R", title="Retention of the safety gain (needs a pre_safety checkpoint)")
    retention.axhline(1.0, color="#999", linewidth=0.8)
    return _save(figure, out / "splits_and_retention.png", plt)


def _save(figure: Any, path: Path, plt: Any) -> str:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path.name


def _summary(run: str, assessment: RunAssessment, checkpoints: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "run": run,
        "checkpoints": checkpoints,
        "highest_level": assessment.highest_level,
        "promotable_steps": assessment.promotable_steps,
        "alarms": [alarm.model_dump(mode="json") for alarm in assessment.alarms],
        "verdicts": [verdict.model_dump(mode="json") for verdict in assessment.verdicts],
        "notes": assessment.notes,
        "stats": [row.model_dump(mode="json") for row in assessment.stats if row.scope in {"family", "split", "global"}],
    }


def write_report(run: str, assessment: RunAssessment, checkpoints: list[dict[str, Any]], out: Path) -> Path:
    """Write the report files into `out` and return the path of `report.html`."""
    out.mkdir(parents=True, exist_ok=True)
    summary = _summary(run, assessment, checkpoints)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    images = [_plot_rates(assessment, out), _plot_heatmap(assessment, out), _plot_splits(assessment, out)]
    alarms = "".join(
        f"<tr><td>{a.step}</td><td style='color:{_LEVEL_COLOURS[a.level]}'>{a.level}</td><td>{a.scope}</td>"
        f"<td>{html.escape(a.scope_id)}</td><td>{html.escape(a.rule)}</td></tr>" for a in assessment.alarms
    ) or "<tr><td colspan=5>no alarms</td></tr>"
    verdicts = "".join(
        f"<tr><td>{v.scope}</td><td>{html.escape(v.scope_id)}</td><td>{v.verdict}</td><td>{v.n_ref}/{v.n_final}</td>"
        f"<td>{'' if v.upper_bound is None else f'{v.upper_bound:+.3f}'}</td><td>{v.margin:.3f}</td>"
        f"<td>{v.required_n_per_arm or ''}</td></tr>" for v in assessment.verdicts
    )
    page = f"""<!doctype html><html lang=en><meta charset=utf-8><title>Persistence report: {html.escape(run)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;color:#1b1f24}}table{{border-collapse:collapse;width:100%;font-size:.85rem}}
td,th{{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}}img{{max-width:100%}}</style>
<h1>Persistence report: {html.escape(run)}</h1>
<p>Highest alarm level: <b>{assessment.highest_level or 'none'}</b>. Promotable checkpoints: {', '.join(map(str, assessment.promotable_steps)) or 'none'}.</p>
{''.join(f'<p><img src="{name}" alt="{name}"></p>' for name in images)}
<h2>Alarms</h2><table><tr><th>step</th><th>level</th><th>scope</th><th>id</th><th>rule</th></tr>{alarms}</table>
<h2>Verdicts</h2><p>"persisted" needs the one-sided Newcombe bound of p_final - p_ref below the margin, enough episodes per arm, and no regression; otherwise "inconclusive" with the episodes per arm needed.</p>
<table><tr><th>scope</th><th>id</th><th>verdict</th><th>n ref/final</th><th>upper bound</th><th>margin</th><th>n needed</th></tr>{verdicts}</table>
<h2>Notes</h2><ul>{''.join(f'<li>{html.escape(n)}</li>' for n in assessment.notes)}</ul></html>"""
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
