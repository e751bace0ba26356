"""What the API policies share: SDK import, per-event-loop clients, a concurrency limit, retries.

Retry semantics (the SDK clients are built with ``max_retries=0``, so this loop is the only one):

* retried: HTTP 408, 409, 429 and every 5xx (500, 502, 503, 504, 529 overloaded...), timeouts
  (the SDK's or the per-attempt ``asyncio`` bound) and connection errors; a server's
  ``x-should-retry: true|false`` header overrides the status;
* not retried: other 4xx (400, 401, 403, 404, 413, 422...) and responses that cannot be read
  (invalid JSON, unexpected shape); other exceptions (programming errors) propagate unchanged;
* wait before retry ``n`` (0-based): the server's ``retry-after-ms`` / ``retry-after`` when present,
  else ``backoff_base * 2**n`` scaled by a deterministic jitter in [0.5, 1) derived from the
  call's key (episode and turn), so concurrent episodes spread out yet reruns are reproducible;
  every wait is capped at ``backoff_max``;
* at most ``1 + max_retries`` attempts, then `PolicyError`. Its message names the policy spec
  (hence the model), the status or failure and the attempt count; known secrets (the API key)
  are redacted from it, and the SDK exception is not chained (it holds the request).

The concurrency semaphore bounds requests in flight (not sleeping retries) per event loop; SDK
clients are also created once per event loop, since their connection pools are bound to one.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import importlib
import json
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

from safety_gym.errors import ConfigError
from safety_gym.policies.base import PolicyError

__all__ = ["ApiCaller", "Failure", "RetryConfig", "backoff_delay", "classify", "redact", "require_sdk"]

T = TypeVar("T")
_RETRYABLE_STATUSES = frozenset({408, 409, 429})
_DETAIL_LIMIT = 300


def require_sdk(name: str) -> ModuleType:
    """Import an optional provider SDK, or raise a `ConfigError` naming the extra to install."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ConfigError(f"the '{name}' package is required: pip install 'agentic-safety-gym[{name}]'") from None


@dataclass(frozen=True)
class RetryConfig:
    """Retry and timeout settings (seconds)."""

    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigError(f"max_retries must be >= 0, received {self.max_retries}")
        if self.backoff_base < 0 or self.backoff_max < 0:
            raise ConfigError("backoff_base and backoff_max must be >= 0")
        if self.timeout <= 0:
            raise ConfigError(f"timeout must be > 0 seconds, received {self.timeout}")


@dataclass(frozen=True)
class Failure:
    """A classified API failure."""

    retryable: bool
    summary: str
    retry_after: float | None = None


def classify(error: BaseException, sdk: ModuleType, *, timeout: float) -> Failure | None:
    """Classify an exception raised by an SDK call; None when it is not an API failure."""
    if isinstance(error, (asyncio.TimeoutError, sdk.APITimeoutError)):
        return Failure(True, f"request timed out (timeout {timeout:g}s)")
    if isinstance(error, sdk.APIConnectionError):
        return Failure(True, f"connection error ({error})")
    if isinstance(error, sdk.APIStatusError):
        status, headers = error.status_code, error.response.headers
        retryable = status in _RETRYABLE_STATUSES or status >= 500
        retryable = {"true": True, "false": False}.get(headers.get("x-should-retry", ""), retryable)
        return Failure(retryable, f"HTTP {status}{_detail(error.body)}", _retry_after(headers))
    if isinstance(error, sdk.APIError):
        return Failure(False, f"{type(error).__name__}: {error}")
    if isinstance(error, json.JSONDecodeError):
        return Failure(False, f"the response is not valid JSON ({error.msg})")
    return None


def _detail(body: object) -> str:
    error = body.get("error", body) if isinstance(body, Mapping) else None
    if isinstance(error, Mapping):
        parts = [str(error[key]) for key in ("type", "message") if error.get(key)]
        text = ": ".join(parts)
    else:
        text = str(body) if body else ""
    text = " ".join(text.split())
    if len(text) > _DETAIL_LIMIT:
        text = text[:_DETAIL_LIMIT] + "..."
    return f" ({text})" if text else ""


def _retry_after(headers: Mapping[str, str]) -> float | None:
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is not None:
                return max(0.0, email.utils.mktime_tz(parsed) - time.time())
    return None


def backoff_delay(attempt: int, config: RetryConfig, *, retry_after: float | None = None, key: str = "") -> float:
    """Seconds to wait before retry number `attempt` (0-based). See the module docstring."""
    if retry_after is not None:
        return min(retry_after, config.backoff_max)
    digest = hashlib.sha256(f"{key}|{attempt}".encode()).digest()
    jitter = 0.5 + 0.5 * int.from_bytes(digest[:8], "big") / 2**64
    return min(config.backoff_base * 2.0**attempt, config.backoff_max) * jitter


def redact(text: str, secrets: Iterable[object]) -> str:
    """Replace every secret string (at least 4 characters) found in `text` with ``***``."""
    for secret in secrets:
        if isinstance(secret, str) and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


class ApiCaller:
    """Runs SDK calls for one policy object: lazy per-loop client, semaphore, retry loop.

    Args:
        label: Names the caller in errors (the policy spec, e.g. ``anthropic:<model>``).
        sdk: The SDK module (``anthropic`` or ``openai``), for its exception classes.
        config: Retry and timeout settings.
        concurrency: Requests in flight at most (per event loop), across all episodes.
        make_client: Builds an SDK async client (called once per event loop).
        client: A ready client to use instead of `make_client` (tests, custom transports).
        secrets: Strings to redact from error messages (besides the client's own key).
        sleep: The coroutine used to wait between attempts.
    """

    def __init__(
        self,
        *,
        label: str,
        sdk: ModuleType,
        config: RetryConfig,
        concurrency: int,
        make_client: Callable[[], Any],
        client: Any | None = None,
        secrets: Iterable[str | None] = (),
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if concurrency < 1:
            raise ConfigError(f"concurrency must be at least 1, received {concurrency}")
        self.label, self.sdk, self.config, self.concurrency = label, sdk, config, concurrency
        self._make_client, self._client, self._sleep = make_client, client, sleep
        self._secrets = [secret for secret in secrets if secret]
        self._per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, asyncio.Semaphore]] = (
            weakref.WeakKeyDictionary()
        )

    def _state(self) -> tuple[Any, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        state = self._per_loop.get(loop)
        if state is None:
            client = self._client if self._client is not None else self._make_client()
            state = self._per_loop[loop] = (client, asyncio.Semaphore(self.concurrency))
        return state

    async def call(self, send: Callable[[Any], Awaitable[T]], *, key: str = "") -> T:
        """Await ``send(client)`` with the concurrency limit and retries; raise `PolicyError` on failure.

        Args:
            send: Makes one request with the given client.
            key: Identifies the call (episode and turn) for the deterministic backoff jitter.
        """
        client, semaphore = self._state()
        attempts = self.config.max_retries + 1
        failure = Failure(False, "no attempt made")
        for attempt in range(attempts):
            try:
                async with semaphore:
                    return await asyncio.wait_for(send(client), self.config.timeout)
            except Exception as error:  # noqa: BLE001 - classified below; CancelledError passes through
                classified = classify(error, self.sdk, timeout=self.config.timeout)
                if classified is None:
                    raise
                failure = classified
            if not failure.retryable:
                raise PolicyError(self._message(client, f"{failure.summary}; not retried")) from None
            if attempt + 1 < attempts:
                await self._sleep(backoff_delay(attempt, self.config, retry_after=failure.retry_after, key=key))
        raise PolicyError(self._message(client, f"{failure.summary}; gave up after {attempts} attempts")) from None

    def _message(self, client: Any, text: str) -> str:
        secrets = [*self._secrets, getattr(client, "api_key", None), getattr(client, "auth_token", None)]
        return redact(f"{self.label}: {text}", secrets)
