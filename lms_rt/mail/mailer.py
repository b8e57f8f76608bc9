"""Sending mail: SMTP when configured, else ``.eml`` files in the outbox folder.

Every message carries a deterministic ``Message-ID`` derived from what it is about, so a
message re-sent after a crash is recognisably the same message.
"""

from __future__ import annotations

import abc
import asyncio
import hashlib
import os
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import aiosmtplib

from lms_rt.config import Settings
from lms_rt.mail.render import RenderedMail

MESSAGE_ID_DOMAIN = "lms-rt.mail"


def message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{MESSAGE_ID_DOMAIN}>"


def build_message(sender: str, to: str, mail: RenderedMail, key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(key)
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message


class Mailer(abc.ABC):
    def __init__(self, sender: str) -> None:
        self.sender = sender

    @abc.abstractmethod
    async def send(self, message: EmailMessage) -> None: ...

    def compose(self, to: str, mail: RenderedMail, key: str) -> EmailMessage:
        return build_message(self.sender, to, mail, key)


class SmtpMailer(Mailer):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings.mail_from)
        self.settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self.settings
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username or None,
            password=s.smtp_password or None,
            start_tls=s.smtp_starttls and not s.smtp_tls,
            use_tls=s.smtp_tls,
            timeout=30,
        )


class OutboxMailer(Mailer):
    """Writes each message to ``<outbox>/<message id hash>.eml``; a re-send overwrites it."""

    def __init__(self, sender: str, folder: Path) -> None:
        super().__init__(sender)
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message)

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:32]
        target = self.folder / f"{name}.eml"
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(message.as_bytes())
        os.replace(temporary, target)


def make_mailer(settings: Settings) -> Mailer:
    if settings.smtp_host:
        return SmtpMailer(settings)
    return OutboxMailer(settings.mail_from, settings.outbox_dir)
