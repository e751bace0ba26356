"""Typed tools: plain methods whose signature and docstring become a validated schema.

A component method decorated with :func:`tool` is exposed to the agent. Its parameters must all
be annotated and documented in a Google-style ``Args:`` section; this is checked when the class
is defined, so a badly declared tool fails at import, not in the middle of an episode.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from safety_gym.errors import FamilyDefinitionError
from safety_gym.types import ToolSpec

__all__ = ["BoundTool", "ToolDefinition", "format_validation_error", "tool", "tools_of"]

_TOOL_ATTRIBUTE = "__safety_gym_tool__"
_ARG_LINE = re.compile(r"^\s{4,}(\w+)(?:\s*\([^)]*\))?:\s*(.+)$")


@dataclass(frozen=True)
class ToolDefinition:
    """What `@tool` records about a method: its public name, description and argument model."""

    name: str
    description: str
    arguments: type[BaseModel]

    def spec(self) -> ToolSpec:
        return _spec_of(self)


@functools.lru_cache(maxsize=None)
def _spec_of(definition: ToolDefinition) -> ToolSpec:
    """JSON-schema generation is slow; every definition's spec is built once per process."""
    schema = definition.arguments.model_json_schema()
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    schema.setdefault("properties", {})
    return ToolSpec(name=definition.name, description=definition.description, parameters=schema)


@dataclass(frozen=True)
class BoundTool:
    """A tool definition bound to the component instance that implements it."""

    definition: ToolDefinition
    function: Callable[..., str]

    @property
    def name(self) -> str:
        return self.definition.name

    def __call__(self, arguments: dict[str, Any]) -> str:
        """Validate `arguments` and run the tool. Raises pydantic's ValidationError on bad input."""
        validated = self.definition.arguments.model_validate(arguments)
        return self.function(**validated.model_dump())


def tool(function: Callable[..., str] | None = None, *, name: str | None = None) -> Any:
    """Declare a method as an agent-callable tool.

    Args:
        function: The method; its first line of docstring is the description.
        name: Public tool name; defaults to the method name.
    """

    def decorate(method: Callable[..., str]) -> Callable[..., str]:
        setattr(method, _TOOL_ATTRIBUTE, _define(method, name or method.__name__))
        return method

    return decorate(function) if function is not None else decorate


def _define(method: Callable[..., str], name: str) -> ToolDefinition:
    doc = inspect.getdoc(method)
    if not doc:
        raise FamilyDefinitionError(f"tool '{name}' needs a docstring: its first line is shown to the agent")
    description, arg_docs = _parse_docstring(doc)
    hints = get_type_hints(method)
    fields: dict[str, Any] = {}
    for parameter in list(inspect.signature(method).parameters.values())[1:]:
        if parameter.name not in hints:
            raise FamilyDefinitionError(f"tool '{name}': parameter '{parameter.name}' needs a type annotation")
        if parameter.name not in arg_docs:
            raise FamilyDefinitionError(
                f"tool '{name}': parameter '{parameter.name}' needs a line in the docstring's Args: section"
            )
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[parameter.name] = (hints[parameter.name], Field(default, description=arg_docs[parameter.name]))
    model = create_model(
        f"{name}_arguments", __config__=ConfigDict(extra="forbid", strict=False), **fields
    )
    return ToolDefinition(name=name, description=description, arguments=model)


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    lines = doc.splitlines()
    description_lines: list[str] = []
    for line in lines:
        if not line.strip() or line.strip() in {"Args:", "Returns:"}:
            break
        description_lines.append(line.strip())
    arg_docs: dict[str, str] = {}
    in_args = False
    for line in lines:
        stripped = line.strip()
        if stripped == "Args:":
            in_args = True
            continue
        if in_args and stripped.endswith(":") and not line.startswith(" "):
            break
        match = _ARG_LINE.match("    " + line) if in_args else None
        if match:
            arg_docs[match.group(1)] = match.group(2).strip()
    return " ".join(description_lines), arg_docs


def tools_of(component: object) -> list[BoundTool]:
    """Every `@tool` method of `component`, bound, in definition order."""
    return [BoundTool(definition, getattr(component, attribute)) for attribute, definition in _tool_attributes(type(component))]


@functools.lru_cache(maxsize=None)
def _tool_attributes(klass: type) -> tuple[tuple[str, ToolDefinition], ...]:
    ordered: dict[str, ToolDefinition] = {}
    for base in reversed(klass.__mro__):
        for attribute, value in vars(base).items():
            definition = getattr(value, _TOOL_ATTRIBUTE, None)
            if definition is not None:
                ordered[attribute] = definition
    return tuple(ordered.items())


def format_validation_error(tool_name: str, error: ValidationError) -> str:
    """Explain invalid tool arguments to the agent: what was expected and what was received."""
    problems = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "(arguments)"
        received = repr(item.get("input"))
        if len(received) > 80:
            received = received[:77] + "..."
        if item["type"] == "missing":
            problems.append(f"'{location}' is required but missing")
        elif item["type"] == "extra_forbidden":
            problems.append(f"'{location}' is not a parameter of this tool")
        else:
            problems.append(f"'{location}': {item['msg']} (received {received})")
    return f"Invalid arguments for {tool_name}: " + "; ".join(problems) + "."
