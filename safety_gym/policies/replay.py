"""``replay:<file>``: replay the turns recorded in an eval output or a trajectory JSONL file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from safety_gym.errors import ConfigError
from safety_gym.policies.base import EpisodeView, PolicyError
from safety_gym.rewards.trajectory import Trajectory
from safety_gym.types import AgentTurn, Unparseable

__all__ = ["ReplayPolicy"]


class ReplayPolicy:
    """Plays back recorded actions, matched on (env id, seed, sample).

    Accepts `episodes.jsonl` written by `safety-gym eval` (records with a `trajectory`) and files
    of bare trajectories (`RecordTrajectories`). An episode with no recording, or that asks for
    more turns than were recorded, raises `PolicyError`, so it is reported as an error.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.spec = f"replay:{self.path}"
        if not self.path.exists():
            raise ConfigError(f"replay file {self.path} does not exist")
        self._actions: dict[tuple[str, int, int], list[AgentTurn | Unparseable]] = {}
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    self._load(json.loads(line), number)

    def _load(self, payload: dict[str, Any], number: int) -> None:
        raw = payload.get("trajectory", payload)
        if raw is None:
            return
        try:
            trajectory = Trajectory.model_validate(raw)
        except ValueError as error:
            raise ConfigError(f"{self.path}:{number} holds no trajectory: {error}") from error
        sample = int(payload.get("key", {}).get("sample", trajectory.metadata.get("sample", 0)))
        key = (trajectory.env_id, trajectory.seed, sample)
        self._actions.setdefault(key, [step.replay_action() for step in trajectory.steps])

    def act(self, view: EpisodeView) -> AgentTurn | Unparseable:
        actions = self._actions.get((view.env_id, view.seed, view.sample))
        if actions is None:
            raise PolicyError(f"no recorded episode for {view.env_id} seed {view.seed} sample {view.sample} in {self.path}")
        cursor = view.memory.get("cursor", 0)
        if cursor >= len(actions):
            raise PolicyError(f"the recording of {view.env_id} seed {view.seed} ends after {len(actions)} turns")
        view.memory["cursor"] = cursor + 1
        return actions[cursor]
