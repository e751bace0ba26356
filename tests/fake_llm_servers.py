"""Local fake LLM servers for tests: the Anthropic Messages API and OpenAI chat completions.

Each server is a `ThreadingHTTPServer` on 127.0.0.1 (port 0) in a daemon thread. It records every
request it receives and answers from a queue of canned replies first (fault injection: 429 with
``retry-after``, 500, 529...), then from a responder function that decides the reply from the
request (e.g. a scripted agent that plays tool calls). Nothing here reaches the internet.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "AnthropicAgent",
    "FakeAnthropicServer",
    "FakeOpenAIServer",
    "OpenAIAgent",
    "RecordedRequest",
    "Reply",
    "anthropic_error",
    "anthropic_message",
    "openai_completion",
    "openai_error",
]

@dataclass
class Reply:
    """One HTTP response: status, JSON body (or raw text), headers, and an optional delay first."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class RecordedRequest:
    """What the server received."""

    path: str
    headers: dict[str, str]
    body: Any


Responder = Callable[[RecordedRequest], Reply]


class _FakeServer:
    """The shared machinery; subclasses fix the endpoint path and the SDK base URL."""

    path = "/"
    base_path = ""

    def __init__(self, responder: Responder | None = None) -> None:
        self.responder = responder
        self.queue: deque[Reply] = deque()
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def base_url(self) -> str:
        """The base URL to give the SDK client."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.base_path}"

    def push(self, *replies: Reply) -> None:
        """Queue canned replies, served before the responder is consulted."""
        self.queue.extend(replies)

    def __enter__(self) -> _FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            queued = self.queue.popleft() if self.queue else None
        if request.path != self.path:
            return Reply(404, {"error": {"type": "not_found_error", "message": f"no route {request.path}"}})
        if queued is not None:
            return queued
        if self.responder is None:
            return Reply(500, {"error": {"type": "api_error", "message": "no scripted reply left"}})
        return self.responder(request)

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode()
                try:
                    body: Any = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = raw
                request = RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                try:
                    reply = server._reply(request)
                    time.sleep(reply.delay)
                    payload = (reply.body if isinstance(reply.body, str) else json.dumps(reply.body)).encode()
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)
                finally:
                    server._done()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the access log
                return

        return Handler


class FakeAnthropicServer(_FakeServer):
    """A fake ``POST /v1/messages``; give the SDK ``base_url=server.base_url``."""

    path = "/v1/messages"


class FakeOpenAIServer(_FakeServer):
    """A fake ``POST /v1/chat/completions``; give the SDK ``base_url=server.base_url`` (ends in /v1)."""

    path = "/v1/chat/completions"
    base_path = "/v1"


# ---- Anthropic bodies ----


def anthropic_message(
    content: list[dict[str, Any]], stop_reason: str = "end_turn", model: str = "fake"
) -> dict[str, Any]:
    """A Messages API response body."""
    return {
        "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": content,
        "stop_reason": stop_reason, "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 5},
    }


def anthropic_error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    """An Anthropic-shaped error reply (e.g. 429 rate_limit_error, 529 overloaded_error)."""
    return Reply(status, {"type": "error", "error": {"type": kind, "message": message}}, headers or {})


class AnthropicAgent:
    """A responder that plays `steps` in order, one per request it answers (a single episode).

    A step is a list of (tool name, input) pairs, answered with `tool_use` blocks whose ids are
    ``toolu_<step>_<index>``, or a string: a final text reply with ``end_turn``.
    """

    def __init__(self, steps: Sequence[list[tuple[str, Any]] | str]) -> None:
        self.steps = list(steps)
        self.calls = 0

    def __call__(self, request: RecordedRequest) -> Reply:
        index, self.calls = self.calls, self.calls + 1
        step = self.steps[min(index, len(self.steps) - 1)]
        if isinstance(step, str):
            return Reply(200, anthropic_message([{"type": "text", "text": step}], model=request.body["model"]))
        blocks: list[dict[str, Any]] = [{"type": "text", "text": f"Step {index}."}]
        blocks += [{"type": "tool_use", "id": f"toolu_{index}_{n}", "name": name, "input": arguments}
                   for n, (name, arguments) in enumerate(step)]
        return Reply(200, anthropic_message(blocks, stop_reason="tool_use", model=request.body["model"]))


# ---- OpenAI bodies ----


def openai_completion(message: dict[str, Any], finish_reason: str = "stop", model: str = "fake") -> dict[str, Any]:
    """A chat-completions response body with one choice."""
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def openai_error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    """An OpenAI-shaped error reply."""
    return Reply(status, {"error": {"message": message, "type": "server_error", "code": None}}, headers or {})


class OpenAIAgent:
    """Like `AnthropicAgent` for chat completions: tool call ids are ``call_<step>_<index>``.

    Arguments given as a string are sent verbatim (to inject invalid JSON).
    """

    def __init__(self, steps: Sequence[list[tuple[str, Any]] | str]) -> None:
        self.steps = list(steps)
        self.calls = 0

    def __call__(self, request: RecordedRequest) -> Reply:
        index, self.calls = self.calls, self.calls + 1
        step = self.steps[min(index, len(self.steps) - 1)]
        if isinstance(step, str):
            return Reply(200, openai_completion({"content": step}, model=request.body["model"]))
        calls = [
            {"id": f"call_{index}_{n}", "type": "function", "function": {"name": name, "arguments": _json(arguments)}}
            for n, (name, arguments) in enumerate(step)
        ]
        body = openai_completion({"content": None, "tool_calls": calls}, "tool_calls", model=request.body["model"])
        return Reply(200, body)


def _json(arguments: Any) -> str:
    return arguments if isinstance(arguments, str) else json.dumps(arguments)
