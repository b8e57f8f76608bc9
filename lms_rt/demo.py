"""``lms-rt seed-demo``: demo accounts to click around with; safe to run again."""

from __future__ import annotations

from datetime import UTC, datetime

from lms_rt.auth.passwords import PasswordHasher
from lms_rt.config import Settings
from lms_rt.db import open_database
from lms_rt.users.models import Role, User

DEMO_PASSWORD = "demo password"
DEMO_USERS: list[tuple[str, str, Role]] = [
    ("admin@demo.lms", "Dina Admin", Role.ADMIN),
    ("instructor@demo.lms", "Ibrahim Instructor", Role.INSTRUCTOR),
    ("student1@demo.lms", "Salma Student", Role.STUDENT),
    ("student2@demo.lms", "Samir Student", Role.STUDENT),
    ("student3@demo.lms", "Sara Student", Role.STUDENT),
]


async def seed_demo(settings: Settings) -> list[str]:
    """Creates what is missing and reports each account."""
    hasher = PasswordHasher(settings.secret_key, settings.bcrypt_rounds)
    lines = []
    async with open_database(settings):
        password_hash = await hasher.hash(DEMO_PASSWORD)
        for email, name, role in DEMO_USERS:
            _, created = await User.get_or_create(
                email=email,
                defaults={
                    "password_hash": password_hash,
                    "full_name": name,
                    "role": role,
                    "email_verified_at": datetime.now(UTC),
                },
            )
            lines.append(f"{role.value:<10} {email} ({'created' if created else 'exists'})")
    return lines
