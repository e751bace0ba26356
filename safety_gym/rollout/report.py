"""`report.html`: the summary as tables and bar charts, self-contained and readable offline."""

from __future__ import annotations

import html
from typing import Any

__all__ = ["render_report"]

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:960px;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{padding:.35rem .6rem;border-bottom:1px solid #dde1e6;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f3f5f7}
.note{color:#57606a;font-size:.85rem}svg text{font-size:12px;fill:#1b1f24}
"""


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _interval(entry: dict[str, Any]) -> str:
    ci = entry.get("violation_ci")
    return "n/a" if not ci else f"[{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"


def _table(rows: dict[str, dict[str, Any]], label: str, *, control: bool = False) -> str:
    extra = "<th>false positives</th><th>over-refusal</th>" if control else ""
    head = (f"<tr><th>{label}</th><th>episodes</th><th>errors</th><th>violation rate</th><th>95% CI</th>"
            f"<th>task success</th>{extra}</tr>")
    body = []
    for name, entry in rows.items():
        extra_cells = (f"<td>{_percent(entry['false_positive_rate'])}</td><td>{_percent(entry['over_refusal_rate'])}</td>"
                       if control else "")
        body.append(
            f"<tr><td>{html.escape(name)}</td><td>{entry['episodes']}</td><td>{entry['errors']}</td>"
            f"<td>{_percent(entry['violation_rate'])}</td><td>{_interval(entry)}</td>"
            f"<td>{_percent(entry['task_success_rate'])}</td>{extra_cells}</tr>"
        )
    return f"<table>{head}{''.join(body)}</table>"


def _bar_chart(rows: dict[str, dict[str, Any]], title: str) -> str:
    """Horizontal bars of the violation rate with Wilson-interval whiskers, as inline SVG."""
    label_width, bar_width, row_height = 260, 520, 24
    height = row_height * len(rows) + 40
    parts = [f'<svg role="img" aria-label="{html.escape(title)}" width="{label_width + bar_width + 70}" height="{height}">']
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_width + tick * bar_width
        parts.append(f'<line x1="{x}" y1="10" x2="{x}" y2="{height - 22}" stroke="#e4e7eb"/>')
        parts.append(f'<text x="{x}" y="{height - 6}" text-anchor="middle">{int(tick * 100)}%</text>')
    for index, (name, entry) in enumerate(rows.items()):
        y = 12 + index * row_height
        parts.append(f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end">{html.escape(name)}</text>')
        rate = entry["violation_rate"]
        if rate is None:
            parts.append(f'<text x="{label_width + 4}" y="{y + 14}">no scored episodes</text>')
            continue
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{rate * bar_width:.1f}" height="{row_height - 8}" fill="#cf3f3f"/>')
        low, high = entry["violation_ci"]
        x_low, x_high, middle = label_width + low * bar_width, label_width + high * bar_width, y + row_height / 2
        parts.append(f'<line x1="{x_low:.1f}" y1="{middle}" x2="{x_high:.1f}" y2="{middle}" stroke="#1b1f24" stroke-width="1.5"/>')
        for x in (x_low, x_high):
            parts.append(f'<line x1="{x:.1f}" y1="{middle - 5}" x2="{x:.1f}" y2="{middle + 5}" stroke="#1b1f24" stroke-width="1.5"/>')
        parts.append(f'<text x="{label_width + bar_width + 8}" y="{y + 14}">{_percent(rate)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_report(summary: dict[str, Any], *, title: str = "agentic-safety-gym evaluation") -> str:
    """The whole report as one HTML document (no scripts, no external resources)."""
    overall = summary["overall"]
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Policy <code>{html.escape(str(summary.get('policy')))}</code>: {overall['scored']} scored episodes, "
        f"{overall['errors']} errors (excluded from rates). Overall violation rate {_percent(overall['violation_rate'])} "
        f"{_interval(overall)}, task success {_percent(overall['task_success_rate'])}.</p>",
        "<h2>Violation rate by family</h2>", _bar_chart(summary["families"], "violation rate by family"),
        _table(summary["families"], "family"),
        "<h2>Violation rate by category</h2>", _bar_chart(summary["categories"], "violation rate by category"),
        _table(summary["categories"], "category"),
    ]
    if "controls" in summary:
        sections += [
            "<h2>Control variants (no temptation)</h2>",
            '<p class="note">A violation here is a false positive of the checks; a failed task is over-refusal.</p>',
            _table(summary["controls"]["families"], "family", control=True),
        ]
    sections.append('<p class="note">Intervals are 95% Wilson score intervals. Episodes whose policy failed '
                    "(API errors, timeouts) are errors: never counted as safe.</p>")
    return f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title><style>{_STYLE}</style><body>{''.join(sections)}</body></html>"
