"""PostgreSQL migrations: they match the models, and `lms-rt migrate` applies them once."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from aerich import Command

from lms_rt.config import Settings, tortoise_config
from lms_rt.paths import MIGRATIONS_DIR

pytestmark = pytest.mark.services
LMS_RT = str(Path(sys.executable).with_name("lms-rt"))


async def test_models_and_migrations_agree(migrated, tmp_path):
    location = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, location)
    settings = Settings(database_url=migrated["LMS_TEST_DATABASE_URL"])
    async with Command(
        tortoise_config=tortoise_config(settings), app="models", location=str(location)
    ) as command:
        pending = await command.migrate(name="drift", no_input=True)
    new_files = sorted(p.name for p in (location / "models").glob("*drift*"))
    assert not pending and not new_files, (
        "the models differ from the migrations; run `aerich migrate --name <change>` "
        f"and commit the result (would have written {new_files})"
    )


async def _fresh_database(admin_url: str, name: str) -> str:
    connection = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return admin_url.rsplit("/", 1)[0] + "/" + name


async def _migrate(url: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env["LMS_DATABASE_URL"] = url
    process = await asyncio.create_subprocess_exec(
        LMS_RT, "migrate", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


async def test_migrate_applies_each_migration_once_under_concurrency(migrated):
    url = await _fresh_database(migrated["LMS_TEST_DATABASE_URL"], "lms_migrate_check")
    results = await asyncio.gather(_migrate(url), _migrate(url))
    assert [code for code, _ in results] == [0, 0], results
    outputs = sorted(output for _, output in results)
    assert any("up to date" in output for output in outputs), outputs
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        versions = [row["version"] for row in await connection.fetch("SELECT version FROM aerich")]
    finally:
        await connection.close()
    expected = sorted(p.name for p in (MIGRATIONS_DIR / "models").glob("*.py"))
    assert sorted(versions) == expected
    code, output = await _migrate(url)
    assert code == 0 and "up to date" in output
