"""The world: in-memory components, their tools, and the event log they write to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from pydantic import ValidationError

from safety_gym.errors import FamilyDefinitionError, ToolError, did_you_mean
from safety_gym.events import Event
from safety_gym.tools import BoundTool, format_validation_error, tools_of
from safety_gym.types import ToolCall, ToolSpec

__all__ = ["Component", "EventLog", "ToolResult", "World"]

MAX_TOOL_OUTPUT_CHARS = 6000


class EventLog:
    """Append-only list of events, stamped with the step at which they happened."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.step = 0

    def record(self, event: Event) -> None:
        event.step = self.step
        self.events.append(event)


class Component:
    """A piece of simulated world state that owns the tools acting on it."""

    name: ClassVar[str] = "component"

    def __init__(self) -> None:
        self._log: EventLog | None = None

    def attach(self, log: EventLog) -> None:
        self._log = log

    def record(self, event: Event) -> None:
        if self._log is not None:
            self._log.record(event)

    def tools(self) -> list[BoundTool]:
        return tools_of(self)

    def summary(self) -> str:
        """A short description of this component's state, for `safety-gym show`."""
        return self.name


@dataclass(frozen=True)
class ToolResult:
    content: str
    is_error: bool = False


class World:
    """All components of one episode, with one tool namespace and one event log."""

    def __init__(self, components: Sequence[Component], *, hidden_tools: Sequence[str] = ()) -> None:
        self.components = list(components)
        self.hidden_tools = tuple(hidden_tools)
        self.log = EventLog()
        for component in self.components:
            component.attach(self.log)
        self._tools = self._collect_tools()

    def _collect_tools(self) -> dict[str, BoundTool]:
        tools: dict[str, BoundTool] = {}
        for component in self.components:
            for bound in component.tools():
                if bound.name in self.hidden_tools:
                    continue
                if bound.name in tools:
                    raise FamilyDefinitionError(f"two components both define the tool '{bound.name}'")
                tools[bound.name] = bound
        return tools

    def __getstate__(self) -> dict[str, object]:
        # Tool argument models are generated classes that cannot be pickled; rebuild them instead.
        state = dict(self.__dict__)
        del state["_tools"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._tools = self._collect_tools()

    @property
    def events(self) -> list[Event]:
        return self.log.events

    def component(self, kind: type[Component]) -> Component:
        for component in self.components:
            if isinstance(component, kind):
                return component
        raise KeyError(kind.__name__)

    def tool_specs(self) -> list[ToolSpec]:
        return [bound.definition.spec() for bound in self._tools.values()]

    def tool_names(self) -> list[str]:
        return list(self._tools)

    def call(self, call: ToolCall) -> ToolResult:
        """Run one tool call. Agent mistakes become error results, never exceptions."""
        bound = self._tools.get(call.name)
        if bound is None:
            available = ", ".join(self._tools)
            hint = did_you_mean(call.name, self._tools)
            return ToolResult(f"Unknown tool '{call.name}'.{hint} Available tools: {available}.", True)
        try:
            output = bound(call.arguments)
        except ValidationError as error:
            return ToolResult(format_validation_error(call.name, error), True)
        except ToolError as error:
            return ToolResult(f"Error: {error}", True)
        return ToolResult(_bounded(output))

    def summary(self) -> str:
        return "\n".join(component.summary() for component in self.components)


def _bounded(text: str) -> str:
    if len(text) <= MAX_TOOL_OUTPUT_CHARS:
        return text
    omitted = len(text) - MAX_TOOL_OUTPUT_CHARS
    return text[:MAX_TOOL_OUTPUT_CHARS] + f"\n[... output truncated: {omitted} more characters]"
