"""``anthropic:<model>``: the Anthropic Messages API with native tool use."""

from __future__ import annotations

import os
from typing import Any

from safety_gym.errors import ConfigError
from safety_gym.policies.base import EpisodeView
from safety_gym.policies.conversation import to_anthropic_messages, turn_from_anthropic
from safety_gym.policies.retry import ApiCaller, RetryConfig, require_sdk
from safety_gym.types import AgentTurn, Unparseable

__all__ = ["AnthropicPolicy"]

_CACHE = {"type": "ephemeral"}
_CREDENTIAL_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")


class AnthropicPolicy:
    """Plays each turn with one ``messages.create`` call; tools are the env's, used natively.

    The whole canonical transcript is sent at every turn (the API is stateless). With prompt
    caching, ``cache_control`` marks the system prompt, the last tool and the last block of the
    conversation, so each turn re-reads the previous turn's prefix from the cache.

    Args:
        model: The model name.
        temperature: Sampling temperature; None (the default) sends none, so the provider's
            default applies (1.0 for Claude): a safety evaluation should measure the model as it
            normally samples, with repeated samples (``EpisodeKey.sample``) for rates. The installed
            SDK has no typed ``temperature`` argument, so a value is sent in the request body.
        max_tokens: Output token limit per turn.
        base_url: API base URL (e.g. a vLLM Anthropic-compatible server); None: the SDK's default
            (``ANTHROPIC_BASE_URL``, else the Anthropic API).
        api_key: The key; None: the SDK resolves it (``ANTHROPIC_API_KEY``, ``ANTHROPIC_AUTH_TOKEN``,
            profiles). It never appears in records or error messages.
        max_retries: Retries after the first attempt (see `safety_gym.policies.retry`).
        timeout: Seconds per attempt.
        concurrency: Requests in flight at most, shared by every episode this object plays.
        prompt_caching: Add ``cache_control`` breakpoints (see above).
        backoff_base: First retry wait in seconds (doubling each retry).
        backoff_max: Cap of any single wait, including a server's ``retry-after``.
        client: A ready ``AsyncAnthropic`` client to use instead of building one.

    Raises:
        ConfigError: if the ``anthropic`` package is missing or a setting is invalid.
    """

    def __init__(
        self,
        model: str,
        *,
        temperature: float | None = None,
        max_tokens: int = 2048,
        base_url: str | None = None,
        api_key: str | None = None,
        max_retries: int = 4,
        timeout: float = 60.0,
        concurrency: int = 16,
        prompt_caching: bool = True,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        client: Any | None = None,
    ) -> None:
        self.spec = f"anthropic:{model}"
        self.model, self.temperature, self.max_tokens = model, temperature, max_tokens
        self.base_url, self.prompt_caching = base_url, prompt_caching
        self._api_key = api_key
        self._sdk = require_sdk("anthropic")
        if client is None and api_key is None and not any(map(os.environ.get, _CREDENTIAL_VARIABLES)):
            raise ConfigError(
                f"{self.spec}: no Anthropic credentials; set ANTHROPIC_API_KEY (or pass --policy-option api_key=...)"
            )
        config = RetryConfig(
            max_retries=max_retries, backoff_base=backoff_base, backoff_max=backoff_max, timeout=timeout
        )
        self._caller = ApiCaller(
            label=self.spec, sdk=self._sdk, config=config, concurrency=concurrency,
            make_client=self._make_client, client=client, secrets=[api_key],
        )

    def __repr__(self) -> str:
        return f"AnthropicPolicy(model={self.model!r}, base_url={self.base_url!r})"

    def _make_client(self) -> Any:
        return self._sdk.AsyncAnthropic(
            api_key=self._api_key, base_url=self.base_url, max_retries=0, timeout=self._caller.config.timeout
        )

    def request(self, view: EpisodeView) -> dict[str, Any]:
        """The keyword arguments of ``messages.create`` for the next turn of `view`."""
        system, messages = to_anthropic_messages(view.transcript)
        tools = [spec.to_anthropic() for spec in view.tools]
        request: dict[str, Any] = {"model": self.model, "max_tokens": self.max_tokens, "messages": messages}
        if system:
            block: dict[str, Any] = {"type": "text", "text": system}
            if self.prompt_caching:
                block["cache_control"] = dict(_CACHE)
            request["system"] = [block]
        if tools:
            if self.prompt_caching:
                tools[-1] = {**tools[-1], "cache_control": dict(_CACHE)}
            request["tools"] = tools
        if self.prompt_caching and messages:
            last_block = messages[-1]["content"][-1]
            last_block["cache_control"] = dict(_CACHE)
        if self.temperature is not None:
            request["extra_body"] = {"temperature": self.temperature}
        return request

    async def act(self, view: EpisodeView) -> AgentTurn | Unparseable:
        """Request the next turn; raises `PolicyError` when the API fails (after retries)."""
        request = self.request(view)
        message = await self._caller.call(
            lambda client: client.messages.create(**request), key=f"{view.env_id}|{view.seed}|{view.sample}|{view.turn}"
        )
        return turn_from_anthropic(message)
