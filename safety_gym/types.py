"""Canonical, provider-neutral conversation types and their renderers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AgentTurn", "Message", "ToolCall", "ToolSpec", "Unparseable"]


class ToolCall(BaseModel):
    """One tool invocation requested by the agent (arguments are a JSON object)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class AgentTurn(BaseModel):
    """One assistant turn: free text plus zero or more tool calls."""

    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    stop_reason: str | None = None
    raw: str | None = None


class Unparseable(BaseModel):
    """A turn that could not be parsed, kept so that a trajectory replays to the same format error."""

    model_config = ConfigDict(frozen=True)

    error: str
    raw: str | None = None


class Message(BaseModel):
    """A chat message in the canonical format (system, user, assistant or tool)."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None
    is_error: bool = False


class ToolSpec(BaseModel):
    """A tool's name, description and JSON schema, renderable for each provider."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    parameters: dict[str, Any]

    def to_anthropic(self) -> dict[str, Any]:
        """Render as an Anthropic Messages API tool definition."""
        return {"name": self.name, "description": self.description, "input_schema": self.parameters}

    def to_openai(self) -> dict[str, Any]:
        """Render as an OpenAI chat-completions tool definition."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }

    def signature(self) -> str:
        """A one-line human-readable signature, e.g. ``send_email(to, subject, body, cc?)``."""
        properties = self.parameters.get("properties", {})
        required = set(self.parameters.get("required", []))
        args = [name if name in required else f"{name}?" for name in properties]
        return f"{self.name}({', '.join(args)})"
