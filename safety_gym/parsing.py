"""Turn whatever a policy produced into a canonical `AgentTurn`.

Accepted actions: an `AgentTurn`; an OpenAI assistant message dict; Anthropic content blocks
(dicts or SDK objects, or a Message with `.content`); or a raw completion string holding tool
calls as Hermes `<tool_call>{json}</tool_call>` tags, XML-style `<invoke name=...>` /
`<function=...>` tags, or a bare JSON object. Text without any tool-call marker is a plain reply.
Malformed input yields a `ParseResult` with an error message for the agent, never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safety_gym.types import AgentTurn, ToolCall, Unparseable

__all__ = ["ParseResult", "parse_action", "parse_completion"]

_HERMES = re.compile(r"<tool_call>(.*?)(?:</tool_call>|$)", re.DOTALL)
_INVOKE = re.compile(r'<invoke\s+name="([^"]+)"\s*>(.*?)</invoke>', re.DOTALL)
_INVOKE_PARAM = re.compile(r'<parameter\s+name="([^"]+)"\s*>(.*?)</parameter>', re.DOTALL)
_FUNCTION = re.compile(r"<function=([\w.-]+)>(.*?)</function>", re.DOTALL)
_FUNCTION_PARAM = re.compile(r"<parameter=([\w.-]+)>(.*?)</parameter>", re.DOTALL)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_MARKERS = ("<tool_call", "<invoke", "<function=", "<function_calls")

FORMAT_HELP = (
    'Call a tool as <tool_call>{"name": "TOOL", "arguments": {...}}</tool_call>, '
    "or reply with plain text (no tool call) to end your turn."
)


@dataclass(frozen=True)
class ParseResult:
    """Either a turn or an error message explaining what was expected."""

    turn: AgentTurn | None
    error: str | None = None


def parse_action(action: Any, *, call_id_prefix: str = "call") -> ParseResult:
    """Parse any supported action form. See the module docstring."""
    try:
        if isinstance(action, AgentTurn):
            return ParseResult(action)
        if isinstance(action, Unparseable):
            return ParseResult(None, action.error)
        if isinstance(action, str):
            return parse_completion(action, call_id_prefix=call_id_prefix)
        if isinstance(action, Mapping):
            return _parse_mapping(action, call_id_prefix)
        content = getattr(action, "content", None)
        if isinstance(action, Sequence) or isinstance(content, Sequence):
            blocks = action if isinstance(action, Sequence) else content
            return _parse_anthropic_blocks(blocks, call_id_prefix)
    except _Malformed as error:
        return ParseResult(None, f"{error} {FORMAT_HELP}")
    kind = type(action).__name__
    return ParseResult(
        None,
        f"Unsupported action of type {kind}: expected a string, an AgentTurn, an OpenAI assistant "
        "message dict or Anthropic content blocks.",
    )


def parse_completion(text: str, *, call_id_prefix: str = "call") -> ParseResult:
    """Parse a raw completion string."""
    try:
        for parser in _TEXT_PARSERS:
            result = parser(text, call_id_prefix)
            if result is not None:
                return result
    except _Malformed as error:
        return ParseResult(None, f"{error} {FORMAT_HELP}")
    if any(marker in text for marker in _MARKERS):
        return ParseResult(None, f"Found a tool-call tag but could not read it. {FORMAT_HELP}")
    return ParseResult(AgentTurn(text=text, raw=text))


class _Malformed(Exception):
    pass


def _call(name: Any, arguments: Any, call_id: Any, fallback_id: str) -> ToolCall:
    if not isinstance(name, str) or not name.strip():
        raise _Malformed(f"A tool call has no valid 'name' (received {name!r}).")
    if isinstance(arguments, str):
        arguments = _loads(arguments, f"the arguments of '{name}'") if arguments.strip() else {}
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, Mapping):
        raise _Malformed(f"The arguments of '{name}' must be a JSON object, received {type(arguments).__name__}.")
    identifier = call_id if isinstance(call_id, str) and call_id else fallback_id
    return ToolCall(id=identifier, name=name.strip(), arguments=dict(arguments))


def _loads(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        message = getattr(error, "msg", "too deeply nested")
        raise _Malformed(f"Could not parse {what} as JSON ({message}).") from None


def _calls_from_json(payload: Any, prefix: str, start: int = 0) -> list[ToolCall]:
    items = payload.get("tool_calls") if isinstance(payload, Mapping) and "tool_calls" in payload else payload
    items = items if isinstance(items, list) else [items]
    calls = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise _Malformed(f"Each tool call must be a JSON object, received {type(item).__name__}.")
        function = item.get("function") if isinstance(item.get("function"), Mapping) else item
        arguments = function.get("arguments", function.get("parameters", function.get("input")))
        calls.append(_call(function.get("name"), arguments, item.get("id"), f"{prefix}_{start + index}"))
    return calls


def _parse_hermes(text: str, prefix: str) -> ParseResult | None:
    bodies = _HERMES.findall(text)
    if not bodies:
        return None
    calls: list[ToolCall] = []
    for body in bodies:
        payload = _loads(body.strip(), "a <tool_call> block")
        calls += _calls_from_json(payload, prefix, start=len(calls))
    prose = _HERMES.sub("", text).strip()
    return ParseResult(AgentTurn(text=prose, tool_calls=calls, raw=text))


def _parse_tagged(
    pattern: re.Pattern[str], params: re.Pattern[str]
) -> Callable[[str, str], ParseResult | None]:
    def parse(text: str, prefix: str) -> ParseResult | None:
        matches = pattern.findall(text)
        if not matches:
            return None
        calls = []
        for index, (name, body) in enumerate(matches):
            arguments = {key: _tag_value(value) for key, value in params.findall(body)}
            calls.append(_call(name, arguments, None, f"{prefix}_{index}"))
        prose = re.sub(r"</?function_calls>", "", pattern.sub("", text)).strip()
        return ParseResult(AgentTurn(text=prose, tool_calls=calls, raw=text))

    return parse


def _tag_value(raw: str) -> Any:
    value = raw.strip()
    if value[:1] in "[{" or value in {"true", "false", "null"} or re.fullmatch(r"-?\d+(\.\d+)?", value):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _parse_json_text(text: str, prefix: str) -> ParseResult | None:
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    candidate = fenced.group(1) if fenced else stripped
    if not candidate.startswith(("{", "[")):
        return None
    try:
        payload = json.loads(candidate)
    except (json.JSONDecodeError, RecursionError):
        if candidate.startswith("{") and '"name"' in candidate:
            raise _Malformed("The reply looks like a JSON tool call but is not valid JSON.") from None
        return None
    if isinstance(payload, Mapping) and ("name" in payload or "tool_calls" in payload):
        return ParseResult(AgentTurn(tool_calls=_calls_from_json(payload, prefix), raw=text))
    if isinstance(payload, list) and payload and all(isinstance(p, Mapping) and "name" in p for p in payload):
        return ParseResult(AgentTurn(tool_calls=_calls_from_json(payload, prefix), raw=text))
    return None


_TEXT_PARSERS: list[Callable[[str, str], ParseResult | None]] = [
    _parse_hermes,
    _parse_tagged(_INVOKE, _INVOKE_PARAM),
    _parse_tagged(_FUNCTION, _FUNCTION_PARAM),
    _parse_json_text,
]


def _parse_mapping(message: Mapping[str, Any], prefix: str) -> ParseResult:
    if "role" in message or "tool_calls" in message or "content" in message:
        role = message.get("role", "assistant")
        if role != "assistant":
            raise _Malformed(f"Expected an assistant message, received role '{role}'.")
        content = message.get("content")
        if isinstance(content, list):
            return _parse_anthropic_blocks(content, prefix)
        calls = _calls_from_json(message.get("tool_calls") or [], prefix)
        text = content if isinstance(content, str) else ""
        return ParseResult(AgentTurn(text=text, tool_calls=calls))
    if "name" in message:
        return ParseResult(AgentTurn(tool_calls=_calls_from_json(message, prefix)))
    raise _Malformed("A dict action must be an OpenAI assistant message or a {name, arguments} tool call.")


def _parse_anthropic_blocks(blocks: Sequence[Any], prefix: str) -> ParseResult:
    texts: list[str] = []
    calls: list[ToolCall] = []
    for index, block in enumerate(blocks):
        get = block.get if isinstance(block, Mapping) else lambda key, b=block: getattr(b, key, None)
        kind = get("type")
        if kind == "text":
            texts.append(str(get("text") or ""))
        elif kind == "tool_use":
            calls.append(_call(get("name"), get("input"), get("id"), f"{prefix}_{index}"))
        elif kind in {"thinking", "redacted_thinking"}:
            continue
        else:
            raise _Malformed(f"Unsupported content block type {kind!r}; expected 'text' or 'tool_use'.")
    return ParseResult(AgentTurn(text="\n".join(texts), tool_calls=calls))
