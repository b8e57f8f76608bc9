"""``lms-rt create-admin``: the first admin account, made from the command line."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import UTC, datetime

from pydantic import ValidationError

from lms_rt.auth.passwords import PasswordHasher
from lms_rt.config import Settings
from lms_rt.db import open_database
from lms_rt.users.models import Role, User
from lms_rt.users.schemas import UserCreate

PASSWORD_ENV = "LMS_ADMIN_PASSWORD"


class AdminError(RuntimeError):
    pass


def read_password() -> str:
    """From ``LMS_ADMIN_PASSWORD`` or a prompt; never a flag (it would sit in shell history)."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise AdminError(f"set {PASSWORD_ENV} or run in a terminal to be asked for the password")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise AdminError("the passwords differ")
    return first


async def create_admin(settings: Settings, email: str, full_name: str, password: str) -> User:
    try:
        data = UserCreate(email=email, password=password, full_name=full_name, role=Role.ADMIN)
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        raise AdminError(problems) from exc
    hasher = PasswordHasher(settings.secret_key, settings.bcrypt_rounds)
    async with open_database(settings):
        if await User.filter(email=data.email).exists():
            raise AdminError(f"an account with {data.email} already exists")
        return await User.create(
            email=data.email,
            password_hash=await hasher.hash(data.password),
            full_name=data.full_name,
            role=Role.ADMIN,
            email_verified_at=datetime.now(UTC),
        )
