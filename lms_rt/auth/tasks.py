"""Jobs of the auth domain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from lms_rt.auth.models import OneTimeToken, TokenPurpose
from lms_rt.auth.tokens import random_token, token_hash
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.users.models import User


async def send_password_reset(ctx: dict[str, Any], email: str) -> None:
    """Look the address up and, for an active account, mail a single-use reset link.

    Runs as a job so the HTTP answer is identical whether or not the account exists. Running it
    twice mails two links, each valid on its own; the request is idempotent to the user.
    """
    deps: Deps = ctx["deps"]
    user = await User.filter(email=email, is_active=True).first()
    if user is None:
        return
    raw = random_token()
    minutes = deps.settings.reset_token_minutes
    async with atomic(deps) as effects:
        await OneTimeToken.create(
            user=user,
            purpose=TokenPurpose.RESET_PASSWORD,
            token_hash=token_hash(raw),
            expires_at=datetime.now(UTC) + timedelta(minutes=minutes),
        )
        effects.enqueue(
            "send_email",
            user.email,
            "reset_password",
            {
                "name": user.full_name,
                "reset_url": f"{deps.settings.base_url}/reset-password?token={raw}",
                "valid_minutes": minutes,
            },
            f"reset_password:{token_hash(raw)}",
        )
