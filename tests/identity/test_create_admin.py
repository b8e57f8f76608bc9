"""`lms-rt create-admin` end to end: the real command, then sign in over the API."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from lms_rt.users.models import Role, User
from tests.factories import bearer, login

LMS_RT = str(Path(sys.executable).with_name("lms-rt"))


async def _create_admin(settings, email: str, password: str | None) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        LMS_DATABASE_URL=settings.database_url,
        LMS_DATA_DIR=str(settings.data_dir),
        LMS_SECRET_KEY=settings.secret_key,
        LMS_BCRYPT_ROUNDS="4",
    )
    if password is not None:
        env["LMS_ADMIN_PASSWORD"] = password
    process = await asyncio.create_subprocess_exec(
        LMS_RT,
        "create-admin",
        "--email",
        email,
        "--name",
        "Head Admin",
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


async def test_create_admin_then_sign_in(client, settings):
    code, output = await _create_admin(settings, "Boss@Example.org", "admin pass phrase")
    assert code == 0, output
    user = await User.get(email="boss@example.org")
    assert user.role == Role.ADMIN and user.email_verified_at is not None
    tokens = await login(client, "boss@example.org", "admin pass phrase")
    listing = await client.get("/api/v1/users", headers=bearer(tokens["access_token"]))
    assert listing.status == 200


async def test_create_admin_refuses_duplicates_weak_passwords_and_no_password(client, settings):
    assert (await _create_admin(settings, "boss@example.org", "admin pass phrase"))[0] == 0
    code, output = await _create_admin(settings, "BOSS@example.org", "admin pass phrase")
    assert code != 0 and "already exists" in output
    code, output = await _create_admin(settings, "other@example.org", "short")
    assert code != 0 and "password" in output
    code, output = await _create_admin(settings, "third@example.org", None)
    assert code != 0 and "LMS_ADMIN_PASSWORD" in output
    assert await User.filter(role=Role.ADMIN).count() == 1


async def test_seed_demo_is_repeatable_and_accounts_sign_in(client, settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        LMS_DATABASE_URL=settings.database_url,
        LMS_DATA_DIR=str(settings.data_dir),
        LMS_SECRET_KEY=settings.secret_key,
        LMS_BCRYPT_ROUNDS="4",
    )
    for expected in ("created", "exists"):
        result = await asyncio.create_subprocess_exec(
            LMS_RT, "seed-demo", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        output, _ = await result.communicate()
        assert result.returncode == 0, output
        assert output.decode().count(expected) == 7
    from lms_rt.demo import DEMO_PASSWORD
    from lms_rt.enrollments.models import Enrollment

    assert await Enrollment.filter(completed_lessons_count__gt=0).count() >= 2
    tokens = await login(client, "instructor@demo.lms", DEMO_PASSWORD)
    me = await (await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))).json()
    assert me["role"] == "instructor"
