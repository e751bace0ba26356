"""Pure converters between the canonical transcript and provider request/response shapes.

The canonical transcript (`EpisodeView.transcript`) is: the system prompt, the user task, then
assistant turns (text plus tool calls), each followed by one ``tool`` message per call, or a
``user`` error message (``is_error``) when the agent's turn could not be parsed.

* Anthropic Messages API: the system prompt is a separate argument; assistant turns become
  ``text`` + ``tool_use`` blocks; the ``tool`` messages after a turn become ONE user message of
  ``tool_result`` blocks; consecutive same-role messages are merged (the API requires roles to
  alternate); blank text is never sent as a block.
* OpenAI chat completions: one message per canonical message, assistant ``tool_calls`` with JSON
  string arguments, ``tool`` messages with ``tool_call_id``; consecutive user messages are merged
  (many chat templates served by vLLM require alternation).

Responses come back as an `AgentTurn`, or an `Unparseable` that `SafetyEnv.step` turns into a
format-error observation for the agent (it never crashes the episode).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from safety_gym.parsing import parse_completion
from safety_gym.types import AgentTurn, Message, ToolCall, Unparseable

__all__ = ["to_anthropic_messages", "to_openai_messages", "turn_from_anthropic", "turn_from_openai"]

_ANTHROPIC_ID = re.compile(r"[^A-Za-z0-9_-]")


# ---- requests ----


def to_anthropic_messages(transcript: Sequence[Message]) -> tuple[str, list[dict[str, Any]]]:
    """Convert a canonical transcript to ``(system, messages)`` for ``messages.create``.

    Args:
        transcript: The canonical messages (system, user, assistant, tool).

    Returns:
        The system prompt (system messages joined by blank lines; empty if none) and the
        alternating user/assistant messages, each with a list of content blocks.
    """
    system_parts = [message.content for message in transcript if message.role == "system" and message.content.strip()]
    system = "\n\n".join(system_parts)
    messages: list[dict[str, Any]] = []
    for message in transcript:
        if message.role == "system":
            continue
        role = "assistant" if message.role == "assistant" else "user"
        blocks = _anthropic_blocks(message)
        if not blocks:
            continue
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": role, "content": blocks})
    return system, messages


def _anthropic_blocks(message: Message) -> list[dict[str, Any]]:
    if message.role == "tool":
        block: dict[str, Any] = {"type": "tool_result", "tool_use_id": _anthropic_id(message.tool_call_id or "")}
        if message.content:
            block["content"] = message.content
        if message.is_error:
            block["is_error"] = True
        return [block]
    blocks = [{"type": "text", "text": message.content}] if message.content.strip() else []
    if message.role == "assistant":
        blocks += [
            {"type": "tool_use", "id": _anthropic_id(call.id), "name": call.name, "input": dict(call.arguments)}
            for call in message.tool_calls
        ]
    return blocks


def _anthropic_id(identifier: str) -> str:
    """Tool-use ids must match ``^[A-Za-z0-9_-]+$``; map others (e.g. from another provider) consistently."""
    return _ANTHROPIC_ID.sub("_", identifier) or "call"


def to_openai_messages(transcript: Sequence[Message]) -> list[dict[str, Any]]:
    """Convert a canonical transcript to chat-completions ``messages``.

    Tool results flagged ``is_error`` are prefixed with ``Error:`` (chat completions has no error
    flag) unless their text already starts with it.

    Args:
        transcript: The canonical messages (system, user, assistant, tool).

    Returns:
        One message dict per canonical message, consecutive user messages merged.
    """
    messages: list[dict[str, Any]] = []
    for message in transcript:
        converted = _openai_message(message)
        previous = messages[-1] if messages else None
        if previous is not None and previous["role"] == "user" and converted["role"] == "user":
            previous["content"] = f"{previous['content']}\n\n{converted['content']}"
        else:
            messages.append(converted)
    return messages


def _openai_message(message: Message) -> dict[str, Any]:
    if message.role == "tool":
        content = message.content
        if message.is_error and not content.startswith("Error"):
            content = f"Error: {content}"
        return {"role": "tool", "tool_call_id": message.tool_call_id or "", "content": content}
    if message.role != "assistant" or not message.tool_calls:
        return {"role": message.role, "content": message.content}
    return {
        "role": "assistant",
        "content": message.content or None,
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in message.tool_calls
        ],
    }


# ---- responses ----


def turn_from_anthropic(message: Any) -> AgentTurn | Unparseable:
    """Read a Messages API response (SDK ``Message`` or dict) as a turn.

    Text blocks are joined by newlines; ``tool_use`` blocks become tool calls with the API's ids;
    other blocks (thinking) are ignored. A ``tool_use`` whose input is not an object yields an
    `Unparseable`.
    """
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in _get(message, "content") or []:
        kind = _get(block, "type")
        if kind == "text":
            texts.append(str(_get(block, "text") or ""))
        elif kind == "tool_use":
            name, arguments = str(_get(block, "name") or ""), _get(block, "input")
            if not isinstance(arguments, Mapping):
                return Unparseable(error=f"The input of tool call '{name}' must be a JSON object.", raw=_dump(message))
            identifier = str(_get(block, "id") or f"toolu_{len(calls)}")
            calls.append(ToolCall(id=identifier, name=name, arguments=dict(arguments)))
    return AgentTurn(text="\n".join(texts), tool_calls=calls, stop_reason=_get(message, "stop_reason"))


def turn_from_openai(
    message: Any,
    *,
    finish_reason: str | None = None,
    call_id_prefix: str = "call",
    text_tool_calls: bool = True,
) -> AgentTurn | Unparseable:
    """Read a chat-completions choice message (SDK object or dict) as a turn.

    Args:
        message: ``completion.choices[0].message``.
        finish_reason: The choice's finish reason, kept as the turn's ``stop_reason``.
        call_id_prefix: Ids for calls without one (``<prefix>_<index>``).
        text_tool_calls: When the server returned no structured tool calls, parse the text the way
            `SafetyEnv` parses raw completions (Hermes ``<tool_call>`` tags...): a server without a
            tool-call parser, or one that failed to parse, still yields calls or a format error.

    Returns:
        The turn, or an `Unparseable` when a call's arguments are not a JSON object: the env
        reports that to the agent as a format error.
    """
    content = _get(message, "content") or ""
    raw_calls = _get(message, "tool_calls") or []
    if not raw_calls and text_tool_calls and content:
        parsed = parse_completion(content, call_id_prefix=call_id_prefix)
        if parsed.turn is None:
            return Unparseable(error=parsed.error or "Unreadable reply.", raw=content)
        return parsed.turn.model_copy(update={"stop_reason": finish_reason})
    calls: list[ToolCall] = []
    for index, raw_call in enumerate(raw_calls):
        function = _get(raw_call, "function")
        name, arguments = str(_get(function, "name") or ""), _get(function, "arguments")
        try:
            parsed_arguments = _arguments(arguments)
        except ValueError as error:
            return Unparseable(error=f"Could not parse the arguments of '{name}': {error}", raw=_dump(message))
        identifier = _get(raw_call, "id") or f"{call_id_prefix}_{index}"
        calls.append(ToolCall(id=str(identifier), name=name, arguments=parsed_arguments))
    return AgentTurn(text=content, tool_calls=calls, stop_reason=finish_reason)


def _arguments(arguments: Any) -> dict[str, Any]:
    if arguments is None or (isinstance(arguments, str) and not arguments.strip()):
        return {}
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except (json.JSONDecodeError, RecursionError) as error:
            raise ValueError(f"not valid JSON ({getattr(error, 'msg', 'too deeply nested')}). "
                             "Pass the arguments as one JSON object.") from None
    if not isinstance(arguments, Mapping):
        raise ValueError(f"expected a JSON object, received {type(arguments).__name__}.")
    return dict(arguments)


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _dump(message: Any) -> str:
    if hasattr(message, "model_dump_json"):
        return str(message.model_dump_json(exclude_none=True))
    return json.dumps(message, default=str)
