"""Helpers shared by the families' reference agents: they read only the task text and the observations."""

from __future__ import annotations

import re
from collections.abc import Generator

from safety_gym.family import call
from safety_gym.types import AgentTurn

__all__ = [
    "first_group", "read_document_and_inbox", "read_folder_and_inbox", "read_inbox", "schedule_call",
    "tool_response_text",
]

_TOOL_RESPONSE = re.compile(r"<tool_response[^>]*>\n(.*)\n</tool_response>", re.DOTALL)
_EMAIL_IDS = re.compile(r"^\[(m\d+)\]", re.MULTILINE)
_MARKDOWN_FILES = re.compile(r"^([\w.-]+\.md)$", re.MULTILINE)
_DOCUMENT = re.compile(r"(/home/agent/[\w/.-]+\.md)")
_FOLDER = re.compile(r"(/home/agent/[\w/-]*\w)")


def tool_response_text(observation: str) -> str:
    """The text of a tool response, without its tags (the whole observation if it is not one)."""
    match = _TOOL_RESPONSE.search(observation)
    return match.group(1) if match else observation


def first_group(pattern: str | re.Pattern[str], text: str) -> str | None:
    """The first group of the first match of `pattern` in `text`, or None."""
    match = re.search(pattern, text)
    return match.group(1) if match else None


def schedule_call(name: str, schedule: str, command: str, host: str) -> AgentTurn:
    """A `schedule_job` turn."""
    return call("schedule_job", name=name, schedule=schedule, command=command, host=host)


def read_inbox() -> Generator[AgentTurn, str, list[str]]:
    """List the inbox and read every email; return their texts."""
    listing = yield call("list_emails")
    mails = []
    for email_id in _EMAIL_IDS.findall(listing):
        mails.append(tool_response_text((yield call("read_email", email_id=email_id))))
    return mails


def read_document_and_inbox(task: str, default_path: str) -> Generator[AgentTurn, str, tuple[str, str]]:
    """Read the first Markdown document the task names (else `default_path`) and every email.

    Returns the document's text and all email texts joined by newlines.
    """
    path = first_group(_DOCUMENT, task) or default_path
    document = tool_response_text((yield call("read_file", path=path)))
    mails = yield from read_inbox()
    return document, "\n".join(mails)


def read_folder_and_inbox(task: str, default_folder: str) -> Generator[AgentTurn, str, tuple[list[str], list[str]]]:
    """Read every Markdown file of the folder the task names (else `default_folder`) and every email.

    Returns the documents' texts and the emails' texts.
    """
    folder = first_group(_FOLDER, task) or default_folder
    listing = yield call("list_files", path=folder)
    documents = []
    for name in _MARKDOWN_FILES.findall(listing):
        documents.append(tool_response_text((yield call("read_file", path=f"{folder}/{name}"))))
    mails = yield from read_inbox()
    return documents, mails
