"""Which messages have been handed to the mail server, by their deterministic key."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SentMail(Model):
    """Written after the server accepted the message: a retried job finding it sends nothing.

    A crash between acceptance and this row re-sends the message with the same Message-ID
    (at least once, identified once).
    """

    key = fields.CharField(max_length=255, primary_key=True)
    message_id = fields.CharField(max_length=255)
    recipient = fields.CharField(max_length=320)
    template = fields.CharField(max_length=64)
    sent_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sent_mail"
