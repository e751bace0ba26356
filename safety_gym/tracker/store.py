"""The tracker's SQLite store: runs, checkpoints, environments, episodes and alarms.

One writer (the tracker process), WAL journal so readers never block it, a versioned schema,
and idempotent ingest: an episode is keyed by (run, step, episode id), so re-ingesting the same
records changes nothing and records arriving late simply join their checkpoint.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safety_gym.errors import ConfigError

__all__ = ["SCHEMA_VERSION", "EpisodeRow", "TrackerStore"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, created_at TEXT NOT NULL DEFAULT (datetime('now')), config TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS checkpoints (
    run_id TEXT NOT NULL REFERENCES runs(run_id), step INTEGER NOT NULL, phase TEXT NOT NULL DEFAULT 'rl',
    is_reference INTEGER NOT NULL DEFAULT 0, policy TEXT, source TEXT, PRIMARY KEY (run_id, step)
);
CREATE TABLE IF NOT EXISTS environments (
    env_key TEXT PRIMARY KEY, env_id TEXT NOT NULL, family TEXT NOT NULL, category TEXT NOT NULL,
    split TEXT NOT NULL, tier INTEGER NOT NULL, control INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS episodes (
    run_id TEXT NOT NULL, step INTEGER NOT NULL, episode_id TEXT NOT NULL, env_key TEXT NOT NULL REFERENCES environments(env_key),
    seed INTEGER NOT NULL, sample INTEGER NOT NULL, variant TEXT NOT NULL, violated INTEGER, error TEXT,
    task_success INTEGER, cost REAL, violation_categories TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, step, episode_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alarms (
    run_id TEXT NOT NULL, step INTEGER NOT NULL, level TEXT NOT NULL, scope TEXT NOT NULL, scope_id TEXT NOT NULL,
    rule TEXT NOT NULL, statistic REAL, threshold REAL, evidence TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, step, level, scope, scope_id, rule)
);
"""


@dataclass(frozen=True)
class EpisodeRow:
    """One episode outcome as the tracker stores it (the columns of `episodes`)."""

    run_id: str
    step: int
    episode_id: str
    env_id: str
    family: str
    category: str
    split: str
    control: bool
    seed: int
    sample: int
    variant: str
    violated: bool | None
    error: str | None
    task_success: bool | None
    cost: float | None
    violation_categories: str = ""

    @property
    def env_key(self) -> str:
        return f"{self.env_id}#control" if self.control else self.env_id


class TrackerStore:
    """SQLite access for one tracker database file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(self.path, timeout=30)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        with self.connection:
            self.connection.executescript(_SCHEMA)
            found = self.connection.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if found is None:
                self.connection.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(found[0]) > SCHEMA_VERSION:
                raise ConfigError(f"{self.path} has tracker schema {found[0]}; this version reads up to {SCHEMA_VERSION}. Upgrade.")

    def close(self) -> None:
        self.connection.close()

    # ---- writes ----

    def ensure_run(self, run_id: str, config: dict[str, Any] | None = None) -> None:
        with self.connection:
            self.connection.execute("INSERT OR IGNORE INTO runs (run_id, config) VALUES (?, ?)", (run_id, json.dumps(config or {})))

    def set_checkpoint(self, run_id: str, step: int, *, phase: str, is_reference: bool, policy: str | None, source: str | None) -> None:
        self.ensure_run(run_id)
        with self.connection:
            if is_reference:
                self.connection.execute("UPDATE checkpoints SET is_reference=0 WHERE run_id=? AND step<>?", (run_id, step))
            self.connection.execute(
                "INSERT INTO checkpoints (run_id, step, phase, is_reference, policy, source) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id, step) DO UPDATE SET phase=excluded.phase, is_reference=excluded.is_reference, "
                "policy=COALESCE(excluded.policy, checkpoints.policy), source=COALESCE(excluded.source, checkpoints.source)",
                (run_id, step, phase, int(is_reference), policy, source),
            )

    def add_episodes(self, rows: Iterable[EpisodeRow], tiers: dict[str, int]) -> int:
        """Insert rows not already stored; returns how many were new."""
        added = 0
        environments: dict[str, tuple[Any, ...]] = {}
        with self.connection:
            batch = []
            for row in rows:
                environments.setdefault(row.env_key, (row.env_key, row.env_id, row.family, row.category, row.split,
                                                      tiers.get(row.family, 2), int(row.control)))
                batch.append((row.run_id, row.step, row.episode_id, row.env_key, row.seed, row.sample, row.variant,
                              _bit(row.violated), row.error, _bit(row.task_success), row.cost, row.violation_categories))
                if len(batch) >= 50_000:
                    added += self._insert(environments, batch)
                    batch, environments = [], {}
            added += self._insert(environments, batch)
        return added

    def _insert(self, environments: dict[str, tuple[Any, ...]], batch: list[tuple[Any, ...]]) -> int:
        self.connection.executemany("INSERT OR IGNORE INTO environments VALUES (?, ?, ?, ?, ?, ?, ?)", environments.values())
        cursor = self.connection.executemany("INSERT OR IGNORE INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
        return max(cursor.rowcount, 0)

    def replace_alarms(self, run_id: str, alarms: Iterable[tuple[Any, ...]]) -> None:
        with self.connection:
            self.connection.execute("DELETE FROM alarms WHERE run_id=?", (run_id,))
            self.connection.executemany("INSERT OR REPLACE INTO alarms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", alarms)

    # ---- reads ----

    def runs(self) -> list[str]:
        return [row[0] for row in self.connection.execute("SELECT run_id FROM runs ORDER BY run_id")]

    def checkpoints(self, run_id: str) -> list[dict[str, Any]]:
        cursor = self.connection.execute(
            "SELECT step, phase, is_reference, policy, source FROM checkpoints WHERE run_id=? ORDER BY step", (run_id,))
        return [dict(zip(("step", "phase", "is_reference", "policy", "source"), row)) for row in cursor]

    def counts(self, run_id: str) -> Iterator[dict[str, Any]]:
        """Per (checkpoint, environment): episodes scored, violations, errors, task successes."""
        cursor = self.connection.execute(
            """SELECT e.step, c.phase, c.is_reference, v.env_key, v.family, v.category, v.split, v.tier, v.control,
                      SUM(e.error IS NULL), SUM(CASE WHEN e.error IS NULL THEN e.violated ELSE 0 END), SUM(e.error IS NOT NULL),
                      SUM(CASE WHEN e.error IS NULL THEN e.task_success ELSE 0 END)
               FROM episodes e JOIN environments v ON v.env_key = e.env_key
               JOIN checkpoints c ON c.run_id = e.run_id AND c.step = e.step
               WHERE e.run_id = ? GROUP BY e.step, e.env_key ORDER BY e.step, e.env_key""",
            (run_id,),
        )
        columns = ("step", "phase", "is_reference", "env_id", "family", "category", "split", "tier", "control",
                   "n", "x", "errors", "task_successes")
        for row in cursor:
            yield dict(zip(columns, row))

    def alarms(self, run_id: str) -> list[dict[str, Any]]:
        cursor = self.connection.execute(
            "SELECT step, level, scope, scope_id, rule, statistic, threshold, evidence FROM alarms WHERE run_id=? ORDER BY step, level",
            (run_id,))
        columns = ("step", "level", "scope", "scope_id", "rule", "statistic", "threshold", "evidence")
        return [{**dict(zip(columns, row)), "evidence": json.loads(row[7])} for row in cursor]

    def episode_count(self, run_id: str | None = None) -> int:
        if run_id is None:
            return self.connection.execute("SELECT COUNT(*) FROM episodes").fetchone()[0]
        return self.connection.execute("SELECT COUNT(*) FROM episodes WHERE run_id=?", (run_id,)).fetchone()[0]

    def episodes(self, run_id: str) -> Iterator[EpisodeRow]:
        cursor = self.connection.execute(
            """SELECT e.run_id, e.step, e.episode_id, v.env_id, v.family, v.category, v.split, v.control, e.seed, e.sample,
                      e.variant, e.violated, e.error, e.task_success, e.cost, e.violation_categories
               FROM episodes e JOIN environments v ON v.env_key = e.env_key WHERE e.run_id=? ORDER BY e.step, e.episode_id""",
            (run_id,))
        for row in cursor:
            yield EpisodeRow(*row[:7], bool(row[7]), *row[8:11], _bool(row[11]), row[12], _bool(row[13]), *row[14:])


def _bit(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)
