"""The optional Claude judge (``pip install 'agentic-safety-gym[anthropic]'``).

A second rater for the rule-based checks: Claude reads an episode's transcript (never the rules'
verdict; see `safety_gym.rewards.judge_prompts`) and answers, for one taxonomy category, whether
the agent committed a violation. Agreement between the two raters is reported by
`safety_gym.rewards.agreement` and ``safety-gym judge``.

The judge is async and runs offline on stored trajectories, never inside an env's ``step``.
Requests go through the policies' `ApiCaller` (same retries, backoff, concurrency limit and key
redaction) with temperature 0. Verdicts are cached on disk by (trajectory hash, judge model,
prompt version, category): a cached verdict is returned without calling the API. A judge that
failed (the API after every retry, or two unparseable answers) yields an ``"unjudged"`` verdict
with ``violation=None`` and the error; it is not cached and never counts as "no violation".
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from safety_gym.errors import ConfigError
from safety_gym.policies.base import PolicyError
from safety_gym.policies.retry import ApiCaller, RetryConfig, require_sdk
from safety_gym.rewards.judge_prompts import PROMPT_VERSION, RUBRICS, parse_answer, system_prompt, user_prompt
from safety_gym.rewards.trajectory import Trajectory
from safety_gym.taxonomy import Severity

__all__ = ["PROMPT_VERSION", "RUBRICS", "ClaudeJudge", "JudgeVerdict", "episode_id_of", "trajectory_hash"]

_CREDENTIAL_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")
_REPAIR = "Your answer could not be read. Reply with only the JSON object described above, and nothing else."


class JudgeVerdict(BaseModel):
    """The judge's answer for one episode and category.

    ``violation`` is None exactly when ``status`` is ``"unjudged"`` (then ``error`` says why):
    such a record is the absence of a verdict, not a verdict of "safe".
    """

    episode_id: str
    category: str
    violation: bool | None = None
    severity: Severity | None = None
    rationale: str = ""
    status: Literal["judged", "unjudged"]
    error: str | None = None
    judge_model: str
    prompt_version: str
    trajectory_hash: str

    @property
    def judged(self) -> bool:
        """Whether this is a verdict (and may enter agreement figures)."""
        return self.status == "judged" and self.violation is not None


def trajectory_hash(trajectory: Trajectory) -> str:
    """SHA-256 of the canonical JSON of `trajectory` (sorted keys, no whitespace)."""
    data = trajectory.model_dump(mode="json")
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def episode_id_of(trajectory: Trajectory) -> str:
    """The episode id ``safety-gym eval`` gives this trajectory (env id, variant, seed, sample)."""
    sample = trajectory.metadata.get("sample", 0)
    return f"{trajectory.env_id}|{trajectory.variant.label()}|{trajectory.seed}|{sample}"


class ClaudeJudge:
    """Judges trajectories with a Claude model through the Messages API.

    Args:
        model: The judge model.
        base_url: API base URL; None: the SDK's default (``ANTHROPIC_BASE_URL``, else Anthropic).
        api_key: The key; None: ``ANTHROPIC_API_KEY`` (or ``ANTHROPIC_AUTH_TOKEN``). Never written anywhere.
        max_retries: HTTP retries after the first attempt (429, 5xx, timeouts; see `safety_gym.policies.retry`).
        concurrency: Requests in flight at most.
        timeout: Seconds per attempt.
        cache_dir: Folder of cached verdicts; None disables the cache.
        client: A ready ``AsyncAnthropic`` client to use instead of building one.
        backoff_base: First retry wait in seconds (doubling each retry).
        backoff_max: Cap of any single wait, including a server's ``retry-after``.
        max_tokens: Output token limit of an answer.
        prompt_version: Label of the prompts in use (part of the cache key); keep the default unless you
            are comparing prompt sets.

    Raises:
        ConfigError: if ``anthropic`` is not installed, no credentials are found, or a setting is invalid.
    """

    def __init__(
        self,
        model: str = "claude-sonnet-4-5",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        max_retries: int = 3,
        concurrency: int = 8,
        timeout: float = 60.0,
        cache_dir: str | Path | None = ".safety_gym_cache/judge",
        client: Any | None = None,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        max_tokens: int = 1024,
        prompt_version: str = PROMPT_VERSION,
    ) -> None:
        self.model, self.base_url, self.max_tokens, self.prompt_version = model, base_url, max_tokens, prompt_version
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._api_key = api_key
        self._sdk = require_sdk("anthropic")
        if client is None and api_key is None and not any(map(os.environ.get, _CREDENTIAL_VARIABLES)):
            raise ConfigError(
                "the Claude judge has no Anthropic credentials; set ANTHROPIC_API_KEY (or pass --api-key)"
            )
        config = RetryConfig(
            max_retries=max_retries, backoff_base=backoff_base, backoff_max=backoff_max, timeout=timeout
        )
        self._caller = ApiCaller(
            label=f"judge:anthropic:{model}", sdk=self._sdk, config=config, concurrency=concurrency,
            make_client=self._make_client, client=client, secrets=[api_key],
        )

    def __repr__(self) -> str:
        return f"ClaudeJudge(model={self.model!r}, base_url={self.base_url!r}, prompt_version={self.prompt_version!r})"

    def _make_client(self) -> Any:
        return self._sdk.AsyncAnthropic(
            api_key=self._api_key, base_url=self.base_url, max_retries=0, timeout=self._caller.config.timeout
        )

    def request(self, trajectory: Trajectory, category: str) -> dict[str, Any]:
        """The keyword arguments of ``messages.create`` that ask for a verdict (temperature 0)."""
        return {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": system_prompt(category),
            "messages": [{"role": "user", "content": user_prompt(trajectory, category)}],
            "extra_body": {"temperature": 0},  # the installed SDK has no typed `temperature` argument
        }

    def _cache_path(self, digest: str, category: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{digest}|{self.model}|{self.prompt_version}|{category}".encode()).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def _cached(self, path: Path | None, digest: str, category: str) -> JudgeVerdict | None:
        if path is None or not path.is_file():
            return None
        try:
            verdict = JudgeVerdict.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError):
            return None  # unreadable entry: judge again and overwrite it
        same = (verdict.trajectory_hash, verdict.judge_model, verdict.prompt_version, verdict.category)
        if same != (digest, self.model, self.prompt_version, category) or not verdict.judged:
            return None
        return verdict

    @staticmethod
    def _store(path: Path | None, verdict: JudgeVerdict) -> None:
        if path is None or not verdict.judged:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(verdict.model_dump_json(), encoding="utf-8")
        os.replace(temporary, path)

    async def judge(
        self, trajectory: Trajectory, category: str | None = None, *, episode_id: str | None = None
    ) -> JudgeVerdict:
        """Judge `trajectory` for `category` (default: its family's category); never raises on API failure.

        Args:
            trajectory: The episode to judge.
            category: A taxonomy category value; None: ``trajectory.category``.
            episode_id: The id to record; None: derived from the trajectory as ``safety-gym eval`` does.
        """
        category = category or trajectory.category
        if category not in RUBRICS:
            raise ConfigError(f"no judge rubric for category '{category}'; known: {', '.join(RUBRICS)}")
        digest = trajectory_hash(trajectory)
        episode_id = episode_id or episode_id_of(trajectory)
        path = self._cache_path(digest, category)
        cached = self._cached(path, digest, category)
        if cached is not None:
            return cached if cached.episode_id == episode_id else cached.model_copy(update={"episode_id": episode_id})
        base = {"episode_id": episode_id, "category": category, "judge_model": self.model,
                "prompt_version": self.prompt_version, "trajectory_hash": digest}
        request = self.request(trajectory, category)
        answer = ""
        for attempt in range(2):  # one retry when the answer cannot be parsed
            if attempt:
                repair = [{"role": "assistant", "content": answer or "?"}, {"role": "user", "content": _REPAIR}]
                request = {**request, "messages": [*request["messages"], *repair]}
            try:
                message = await self._caller.call(
                    lambda client, body=request: client.messages.create(**body), key=f"{digest}|{category}|{attempt}"
                )
            except PolicyError as error:
                return JudgeVerdict(**base, status="unjudged", error=str(error))
            answer = "".join(getattr(block, "text", "") for block in message.content if block.type == "text").strip()
            parsed = parse_answer(answer)
            if parsed is not None:
                violation, severity, rationale = parsed
                verdict = JudgeVerdict(**base, violation=violation, severity=severity, rationale=rationale,
                                       status="judged")
                self._store(path, verdict)
                return verdict
        excerpt = " ".join(answer.split())[:200]
        return JudgeVerdict(**base, status="unjudged", error=f"unparseable judge answer after 2 attempts: {excerpt!r}")

    async def judge_many(
        self,
        trajectories: Iterable[Trajectory],
        *,
        categories: Sequence[str | None] | None = None,
        episode_ids: Sequence[str | None] | None = None,
    ) -> list[JudgeVerdict]:
        """Judge every trajectory concurrently (at most ``concurrency`` requests in flight), in order.

        Args:
            trajectories: The episodes.
            categories: Per trajectory, the category to judge (None: its family's).
            episode_ids: Per trajectory, the id to record (None: derived).
        """
        items = list(trajectories)
        categories = list(categories) if categories is not None else [None] * len(items)
        episode_ids = list(episode_ids) if episode_ids is not None else [None] * len(items)
        if not len(items) == len(categories) == len(episode_ids):
            raise ConfigError("judge_many: trajectories, categories and episode_ids must have the same length")
        return list(await asyncio.gather(*(
            self.judge(trajectory, category, episode_id=episode_id)
            for trajectory, category, episode_id in zip(items, categories, episode_ids)
        )))
