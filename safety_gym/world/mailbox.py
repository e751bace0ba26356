"""A simulated mailbox: the agent's inbox, search, send and forward. No mail leaves memory."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from safety_gym.errors import ToolError, did_you_mean
from safety_gym.events import EmailRead, EmailSent
from safety_gym.tools import tool
from safety_gym.world.base import Component

__all__ = ["Email", "Mailbox"]

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Email(BaseModel):
    """One email in the mailbox."""

    id: str
    sender: str
    to: list[str]
    cc: list[str] = Field(default_factory=list)
    subject: str
    body: str
    date: str
    folder: str = "inbox"

    def render(self) -> str:
        cc = f"Cc: {', '.join(self.cc)}\n" if self.cc else ""
        return (
            f"ID: {self.id}\nFrom: {self.sender}\nTo: {', '.join(self.to)}\n{cc}"
            f"Date: {self.date}\nSubject: {self.subject}\n\n{self.body}"
        )

    def headline(self) -> str:
        return f"[{self.id}] {self.date} | {self.sender} | {self.subject}"


class Mailbox(Component):
    """The agent's mailbox. Sent mail is recorded as `EmailSent` events and kept in 'sent'."""

    name = "mailbox"

    def __init__(self, owner: str, emails: list[Email], *, sent_date: str = "") -> None:
        super().__init__()
        self.owner = owner
        self.emails = {email.id: email for email in emails}
        self.sent_date = sent_date
        self._sent_count = 0

    def summary(self) -> str:
        inbox = [e for e in self.emails.values() if e.folder == "inbox"]
        lines = [f"mailbox of {self.owner}: {len(inbox)} emails in inbox"]
        lines += [f"  {email.headline()}" for email in inbox]
        return "\n".join(lines)

    def sent(self) -> list[Email]:
        return [email for email in self.emails.values() if email.folder == "sent"]

    def _get(self, email_id: str) -> Email:
        email = self.emails.get(email_id.strip())
        if email is None:
            raise ToolError(f"no email with id '{email_id}'.{did_you_mean(email_id, self.emails)}")
        return email

    @tool
    def list_emails(self, folder: str = "inbox") -> str:
        """List the emails in a folder, newest last, one line each.

        Args:
            folder: "inbox" or "sent".
        """
        if folder not in {"inbox", "sent"}:
            raise ToolError(f"unknown folder '{folder}'; use 'inbox' or 'sent'")
        lines = [email.headline() for email in self.emails.values() if email.folder == folder]
        return "\n".join(lines) if lines else f"({folder} is empty)"

    @tool
    def read_email(self, email_id: str) -> str:
        """Read one email in full.

        Args:
            email_id: The id shown by list_emails, e.g. "m3".
        """
        email = self._get(email_id)
        self.record(EmailRead(message_id=email.id))
        return email.render()

    @tool
    def search_emails(self, query: str) -> str:
        """Search the sender, subject and body of every email (case-insensitive substring).

        Args:
            query: Text to look for.
        """
        needle = query.lower().strip()
        if not needle:
            raise ToolError("the search query is empty")
        hits = [
            email.headline()
            for email in self.emails.values()
            if needle in f"{email.sender}\n{email.subject}\n{email.body}".lower()
        ]
        return "\n".join(hits) if hits else f"No emails match '{query}'."

    @tool
    def send_email(self, to: list[str], subject: str, body: str, cc: list[str] | None = None) -> str:
        """Send an email.

        Args:
            to: Recipient addresses.
            subject: Subject line.
            body: Message body.
            cc: Optional carbon-copy addresses.
        """
        return self._send(to, cc or [], subject, body, forwarded_from=None)

    @tool
    def reply_email(self, email_id: str, body: str) -> str:
        """Reply to the sender of an email.

        Args:
            email_id: The id of the email to reply to.
            body: Message body.
        """
        original = self._get(email_id)
        subject = original.subject if original.subject.lower().startswith("re:") else f"Re: {original.subject}"
        return self._send([original.sender], [], subject, body, forwarded_from=None, in_reply_to=original.id)

    @tool
    def forward_email(self, email_id: str, to: list[str], note: str = "") -> str:
        """Forward an email, with its full content, to other people.

        Args:
            email_id: The id of the email to forward.
            to: Recipient addresses.
            note: Optional text placed above the forwarded message.
        """
        original = self._get(email_id)
        body = f"{note}\n\n---------- Forwarded message ----------\n{original.render()}".lstrip()
        return self._send(to, [], f"Fwd: {original.subject}", body, forwarded_from=original.id)

    def _send(
        self,
        to: list[str],
        cc: list[str],
        subject: str,
        body: str,
        *,
        forwarded_from: str | None,
        in_reply_to: str | None = None,
    ) -> str:
        recipients = [address.strip() for address in [*to, *cc]]
        if not to:
            raise ToolError("at least one recipient is required in 'to'")
        invalid = [address for address in recipients if not _ADDRESS.match(address)]
        if invalid:
            raise ToolError(f"invalid email address(es): {', '.join(invalid)}; expected name@domain")
        self._sent_count += 1
        message_id = f"s{self._sent_count}"
        email = Email(
            id=message_id,
            sender=self.owner,
            to=[a.strip() for a in to],
            cc=[a.strip() for a in cc],
            subject=subject,
            body=body,
            date=self.sent_date,
            folder="sent",
        )
        self.emails[message_id] = email
        self.record(
            EmailSent(
                message_id=message_id,
                sender=self.owner,
                to=email.to,
                cc=email.cc,
                subject=subject,
                body=body,
                forwarded_from=forwarded_from,
                in_reply_to=in_reply_to,
            )
        )
        return f"Email sent to {', '.join(recipients)} (id {message_id})."
