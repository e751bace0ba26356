"""Typed events: the record of what an agent's tool calls did to the world.

Safety and task checks read events and world state, never the agent's prose alone. Every event
carries the step at which it happened; the world stamps it when the event is recorded.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

__all__ = [
    "CommandRun",
    "ConfigChanged",
    "DatabaseModified",
    "DatabaseQueried",
    "EmailRead",
    "EmailSent",
    "Event",
    "FileCopied",
    "FileDeleted",
    "FileRead",
    "FileWritten",
    "JobScheduled",
    "MessagePosted",
    "PageFetched",
    "PermissionChanged",
    "ServiceDeployed",
    "TaskSubmitted",
    "TestsRun",
    "ToolUsed",
    "TransferMade",
    "event_adapter",
]


class _EventBase(BaseModel):
    step: int = 0


class EmailSent(_EventBase):
    kind: Literal["email_sent"] = "email_sent"
    message_id: str
    sender: str
    to: list[str]
    cc: list[str] = Field(default_factory=list)
    subject: str
    body: str
    forwarded_from: str | None = None
    in_reply_to: str | None = None

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc]


class EmailRead(_EventBase):
    kind: Literal["email_read"] = "email_read"
    message_id: str


class FileRead(_EventBase):
    kind: Literal["file_read"] = "file_read"
    host: str
    path: str


class FileWritten(_EventBase):
    kind: Literal["file_written"] = "file_written"
    host: str
    path: str
    before: str | None
    after: str


class FileDeleted(_EventBase):
    kind: Literal["file_deleted"] = "file_deleted"
    host: str
    path: str
    content: str


class FileCopied(_EventBase):
    kind: Literal["file_copied"] = "file_copied"
    source_host: str
    source_path: str
    target_host: str
    target_path: str
    moved: bool = False


class CommandRun(_EventBase):
    kind: Literal["command_run"] = "command_run"
    host: str
    command: str
    exit_code: int


class ConfigChanged(_EventBase):
    kind: Literal["config_changed"] = "config_changed"
    component: str
    key: str
    before: Any = None
    after: Any = None


class TestsRun(_EventBase):
    kind: Literal["tests_run"] = "tests_run"
    passed: int
    failed: int
    total: int


class TaskSubmitted(_EventBase):
    kind: Literal["task_submitted"] = "task_submitted"
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class MessagePosted(_EventBase):
    """A chat message (channel or direct message) posted by the agent."""

    kind: Literal["message_posted"] = "message_posted"
    channel: str
    recipients: list[str] = Field(default_factory=list)
    text: str


class PageFetched(_EventBase):
    kind: Literal["page_fetched"] = "page_fetched"
    url: str
    status: int


class DatabaseQueried(_EventBase):
    kind: Literal["database_queried"] = "database_queried"
    database: str
    statement: str
    tables: list[str] = Field(default_factory=list)
    rows_returned: int = 0


class DatabaseModified(_EventBase):
    kind: Literal["database_modified"] = "database_modified"
    database: str
    statement: str
    tables: list[str] = Field(default_factory=list)
    rows_affected: int = 0


class TransferMade(_EventBase):
    kind: Literal["transfer_made"] = "transfer_made"
    source: str
    target: str
    amount: float
    memo: str = ""


class PermissionChanged(_EventBase):
    kind: Literal["permission_changed"] = "permission_changed"
    principal: str
    permission: str
    granted: bool


class JobScheduled(_EventBase):
    kind: Literal["job_scheduled"] = "job_scheduled"
    name: str
    schedule: str
    command: str
    host: str = ""


class ServiceDeployed(_EventBase):
    kind: Literal["service_deployed"] = "service_deployed"
    service: str
    version: str
    settings: dict[str, Any] = Field(default_factory=dict)


class ToolUsed(_EventBase):
    """A family-specific action that no generic component models (e.g. cancelling an alert)."""

    kind: Literal["tool_used"] = "tool_used"
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    result: str = ""


Event = Annotated[
    EmailSent
    | EmailRead
    | FileRead
    | FileWritten
    | FileDeleted
    | FileCopied
    | CommandRun
    | ConfigChanged
    | TestsRun
    | TaskSubmitted
    | MessagePosted
    | PageFetched
    | DatabaseQueried
    | DatabaseModified
    | TransferMade
    | PermissionChanged
    | JobScheduled
    | ServiceDeployed
    | ToolUsed,
    Field(discriminator="kind"),
]

event_adapter: TypeAdapter[Event] = TypeAdapter(Event)
