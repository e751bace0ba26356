"""Turning evaluation output into tracker rows: from `safety-gym eval` folders, records, Parquet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from safety_gym.errors import ConfigError
from safety_gym.rollout.records import EpisodeRecord
from safety_gym.rollout.store import EpisodeStore
from safety_gym.tracker.store import EpisodeRow

__all__ = ["export_parquet", "import_parquet", "read_eval_dir", "rows_from_records"]

_COLUMNS = ("run_id", "step", "episode_id", "env_id", "family", "category", "split", "control", "seed", "sample",
            "variant", "violated", "error", "task_success", "cost", "violation_categories")


def rows_from_records(run_id: str, step: int, records: Iterable[EpisodeRecord]) -> Iterator[EpisodeRow]:
    """Tracker rows for eval records of one checkpoint (errors keep `violated` unknown)."""
    for record in records:
        scored = record.error is None
        yield EpisodeRow(
            run_id=run_id,
            step=step,
            episode_id=record.episode_id,
            env_id=record.key.env_id,
            family=record.family,
            category=record.category,
            split="heldout" if record.split == "heldout" else "in_distribution",
            control=record.control,
            seed=record.key.seed,
            sample=record.key.sample,
            variant=record.key.variant.label(),
            violated=record.violated if scored else None,
            error=record.error,
            task_success=record.task_success if scored else None,
            cost=record.cost if scored else None,
            violation_categories=",".join(sorted({v["category"] for v in record.violations})),
        )


def read_eval_dir(folder: str | Path) -> tuple[list[EpisodeRecord], str | None]:
    """The records of a `safety-gym eval` results folder, and its policy spec."""
    path = Path(folder) / "episodes.jsonl"
    if not path.exists():
        raise ConfigError(f"{folder} is not a safety-gym eval folder: {path} is missing")
    with EpisodeStore(path) as store:
        records = list(store.records())
    return records, records[0].policy if records else None


def export_parquet(rows: Iterable[EpisodeRow], path: str | Path) -> int:
    """Write rows to one Parquet file (``pip install 'agentic-safety-gym[parquet]'``)."""
    pa, pq = _pyarrow()
    columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
    for row in rows:
        for name in _COLUMNS:
            columns[name].append(getattr(row, name))
    pq.write_table(pa.table(columns), str(path))
    return len(columns["run_id"])


def import_parquet(paths: Iterable[str | Path]) -> Iterator[EpisodeRow]:
    """Rows from Parquet shards written by `export_parquet` (e.g. one per cluster worker)."""
    _, pq = _pyarrow()
    for path in paths:
        table = pq.read_table(str(path), columns=list(_COLUMNS))
        for values in zip(*(table.column(name).to_pylist() for name in _COLUMNS)):
            yield EpisodeRow(*values)


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError("Parquet needs pyarrow: pip install 'agentic-safety-gym[parquet]'") from None
    return pa, pq
