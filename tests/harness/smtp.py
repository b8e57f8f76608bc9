"""A real SMTP server (aiosmtpd) on a fixed port that tests can take down and bring back."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.harness.services import free_port


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.received]

    def __enter__(self) -> SmtpServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
