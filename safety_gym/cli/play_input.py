"""Parsing one line typed by a person playing the agent in `safety-gym play`.

Accepted lines:

- ``TOOL {"key": value}``: a tool call with JSON arguments.
- ``TOOL key=value key2="quoted value"``: shell-style arguments; a value that parses as JSON is
  decoded (``to='["a@b.com"]'`` is a list), except for parameters the tool declares as strings.
- ``TOOL``: a tool call without arguments.
- A raw ``<tool_call>...</tool_call>`` or JSON tool-call line, passed to the environment as is.
- ``say TEXT``: a plain reply without tool calls (this ends the episode).
- ``help``, ``tools``, ``quit``.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from safety_gym.errors import did_you_mean
from safety_gym.types import AgentTurn, ToolCall, ToolSpec

__all__ = ["FORMAT_HINT", "INPUT_HELP", "Action", "Command", "InputError", "PlayerInput", "parse_line"]

CommandName = Literal["help", "tools", "quit", "blank"]

INPUT_HELP = """\
Type one line per turn:
  TOOL {"key": "value"}       a tool call with JSON arguments
                              e.g. read_email {"email_id": "m1"}
  TOOL key=value key2="a b"   shell-style arguments; JSON values are decoded
                              e.g. send_email to='["a@b.com"]' subject=Hi body="Hello there"
  TOOL                        a tool call without arguments, e.g. list_emails
  <tool_call>{"name": "TOOL", "arguments": {...}}</tool_call>  or that bare JSON object
  say TEXT                    a plain reply without a tool call (ends the episode)
  tools | help | quit         list the tools, show this help, stop and see the summary"""

FORMAT_HINT = (
    'Expected: TOOL {"key": ...} | TOOL key=value ... | <tool_call>...</tool_call> | say TEXT | help | tools | quit'
)

_RAW_PREFIXES = ("<", "{", "[", "```")
_COMMANDS: dict[str, CommandName] = {"help": "help", "?": "help", "tools": "tools", "quit": "quit", "exit": "quit"}


@dataclass(frozen=True)
class Action:
    """Something to send to `env.step`: an `AgentTurn`, or a raw completion string."""

    action: AgentTurn | str


@dataclass(frozen=True)
class Command:
    """A command for the player's terminal itself, not for the environment."""

    name: CommandName


@dataclass(frozen=True)
class InputError:
    """A line that could not be understood, with what was wrong."""

    message: str


PlayerInput = Action | Command | InputError


def parse_line(line: str, tools: Sequence[ToolSpec]) -> PlayerInput:
    """Interpret one typed line against the tools of the current episode. Never raises."""
    text = line.strip()
    if not text:
        return Command("blank")
    if text.startswith(_RAW_PREFIXES):
        return Action(text)
    head, _, rest = text.partition(" ")
    keyword = head.lower()
    if keyword in _COMMANDS:
        return Command(_COMMANDS[keyword])
    if keyword == "say":
        if not rest.strip():
            return InputError("`say` needs the text of your reply, e.g. say I have finished.")
        return Action(AgentTurn(text=rest.strip()))
    specs = {tool.name: tool for tool in tools}
    if head not in specs:
        hint = did_you_mean(head, specs)
        return InputError(f"Unknown tool or command '{head}'.{hint} Type `tools` to list the tools.")
    arguments = _parse_arguments(rest.strip(), specs[head])
    if isinstance(arguments, InputError):
        return arguments
    return Action(AgentTurn(tool_calls=[ToolCall(id=f"call_{head}", name=head, arguments=arguments)]))


def _parse_arguments(rest: str, spec: ToolSpec) -> dict[str, Any] | InputError:
    if not rest:
        return {}
    if rest.startswith("{"):
        return _json_arguments(rest, spec.name)
    try:
        tokens = shlex.split(rest)
    except ValueError as error:
        return InputError(f"Could not split the arguments of '{spec.name}' ({error}); check the quotes.")
    properties = spec.parameters.get("properties", {})
    arguments: dict[str, Any] = {}
    for token in tokens:
        key, separator, raw = token.partition("=")
        if not separator or not key:
            return InputError(f"Argument '{token}' of '{spec.name}' is not key=value. Usage: {spec.signature()}")
        arguments[key] = _decode(raw, properties.get(key, {}))
    return arguments


def _json_arguments(rest: str, name: str) -> dict[str, Any] | InputError:
    try:
        arguments = json.loads(rest)
    except json.JSONDecodeError as error:
        return InputError(f"The arguments of '{name}' are not valid JSON ({error.msg} at column {error.colno}).")
    if not isinstance(arguments, dict):
        return InputError(f"The arguments of '{name}' must be a JSON object, not {type(arguments).__name__}.")
    return arguments


def _decode(raw: str, schema: Mapping[str, Any]) -> Any:
    """A value as typed: JSON when it parses as JSON, unless the parameter is declared a string."""
    if schema.get("type") == "string":
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw
