"""Append-only JSONL episode store: streamed writes, crash-safe reads, exactly-once keys."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from safety_gym.rollout.records import EpisodeRecord

__all__ = ["EpisodeStore"]


class EpisodeStore:
    """`episodes.jsonl` in a results folder.

    Each finished episode is appended as one line and flushed to the operating system at once, so
    a crashed or killed process loses at most the episode being written (the file is fsynced when
    the store closes; per-record fsync would only add protection against a crash of the machine). On opening, a torn last line (the process died mid-write) is cut
    off. A key already present is never written again, so retries cannot count an episode twice.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._repair_torn_tail()
        self.done: set[str] = {record.episode_id for record in self.records()}
        self._handle = self.path.open("a", encoding="utf-8")

    def _repair_torn_tail(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            with self.path.open("r+b") as handle:
                handle.truncate(keep)

    def records(self) -> Iterator[EpisodeRecord]:
        """Every stored record, first occurrence of each key only."""
        if not self.path.exists():
            return
        seen: set[str] = set()
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = EpisodeRecord.model_validate_json(line)
                except ValidationError as error:
                    raise ValueError(f"{self.path}:{number} is not an episode record: {error}") from error
                if record.episode_id not in seen:
                    seen.add(record.episode_id)
                    yield record

    def add(self, record: EpisodeRecord) -> bool:
        """Append `record` unless its key is already stored; returns whether it was written."""
        if record.episode_id in self.done:
            return False
        self._handle.write(record.model_dump_json() + "\n")
        self._handle.flush()
        self.done.add(record.episode_id)
        return True

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()

    def __enter__(self) -> EpisodeStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
