"""``openai:<model>@<base_url>``: any OpenAI-compatible chat-completions server (vLLM, SGLang...)."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from safety_gym.policies.base import EpisodeView, PolicyError
from safety_gym.policies.conversation import to_openai_messages, turn_from_openai
from safety_gym.policies.retry import ApiCaller, RetryConfig, require_sdk
from safety_gym.types import AgentTurn, Unparseable

__all__ = ["OpenAIPolicy"]


class OpenAIPolicy:
    """Plays each turn with one ``chat.completions.create`` call with the env's tools.

    vLLM needs ``--enable-auto-tool-choice --tool-call-parser <parser>`` for structured tool calls;
    without it (or when its parser fails) the reply text is parsed as `SafetyEnv` parses raw
    completions, so tagged tool calls still work and malformed ones become format errors.

    Args:
        model: The served model name.
        base_url: The server's base URL, usually ending in ``/v1``.
        api_key: The key; None: ``OPENAI_API_KEY``, else ``"EMPTY"`` (what vLLM and SGLang accept).
            It never appears in records or error messages.
        temperature: Sampling temperature; None (the default) sends none, so the server's default
            applies (vLLM: the model's generation config), the distribution a checkpoint is
            trained and deployed with.
        max_tokens: Output token limit per turn (sent as ``max_tokens``, which vLLM/SGLang accept).
        max_retries: Retries after the first attempt (see `safety_gym.policies.retry`).
        timeout: Seconds per attempt.
        concurrency: Requests in flight at most, shared by every episode this object plays.
        backoff_base: First retry wait in seconds (doubling each retry).
        backoff_max: Cap of any single wait, including a server's ``retry-after``.
        extra_body: Extra request fields (e.g. vLLM's ``top_k``, ``chat_template_kwargs``).
        text_tool_calls: Parse tool calls from the text when the server returned none.
        client: A ready ``AsyncOpenAI`` client to use instead of building one.

    Raises:
        ConfigError: if the ``openai`` package is missing or a setting is invalid.
    """

    def __init__(
        self,
        model: str,
        base_url: str,
        *,
        api_key: str | None = None,
        temperature: float | None = None,
        max_tokens: int = 2048,
        max_retries: int = 4,
        timeout: float = 60.0,
        concurrency: int = 16,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        extra_body: dict[str, Any] | None = None,
        text_tool_calls: bool = True,
        client: Any | None = None,
    ) -> None:
        self.spec = f"openai:{model}@{_without_credentials(base_url)}"
        self.model, self.base_url, self.temperature, self.max_tokens = model, base_url, temperature, max_tokens
        self.extra_body, self.text_tool_calls = dict(extra_body or {}), text_tool_calls
        self._api_key = api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"
        self._sdk = require_sdk("openai")
        config = RetryConfig(
            max_retries=max_retries, backoff_base=backoff_base, backoff_max=backoff_max, timeout=timeout
        )
        self._caller = ApiCaller(
            label=self.spec, sdk=self._sdk, config=config, concurrency=concurrency,
            make_client=self._make_client, client=client, secrets=[self._api_key],
        )

    def __repr__(self) -> str:
        return f"OpenAIPolicy(model={self.model!r}, base_url={self.base_url!r})"

    def _make_client(self) -> Any:
        return self._sdk.AsyncOpenAI(
            api_key=self._api_key, base_url=self.base_url, max_retries=0, timeout=self._caller.config.timeout
        )

    def request(self, view: EpisodeView) -> dict[str, Any]:
        """The keyword arguments of ``chat.completions.create`` for the next turn of `view`."""
        request: dict[str, Any] = {
            "model": self.model,
            "messages": to_openai_messages(view.transcript),
            "max_tokens": self.max_tokens,
        }
        if view.tools:
            request["tools"] = [spec.to_openai() for spec in view.tools]
            request["tool_choice"] = "auto"
        if self.temperature is not None:
            request["temperature"] = self.temperature
        if self.extra_body:
            request["extra_body"] = dict(self.extra_body)
        return request

    async def act(self, view: EpisodeView) -> AgentTurn | Unparseable:
        """Request the next turn; raises `PolicyError` when the API fails (after retries)."""
        request = self.request(view)
        completion = await self._caller.call(
            lambda client: client.chat.completions.create(**request),
            key=f"{view.env_id}|{view.seed}|{view.sample}|{view.turn}",
        )
        choices = getattr(completion, "choices", None) or []
        if not choices:
            raise PolicyError(f"{self.spec}: the server returned a completion without choices")
        choice = choices[0]
        return turn_from_openai(
            choice.message,
            finish_reason=choice.finish_reason,
            call_id_prefix=f"call_{view.turn + 1}",
            text_tool_calls=self.text_tool_calls,
        )


def _without_credentials(url: str) -> str:
    """The URL with any ``user:password@`` removed, so records never store credentials."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))
