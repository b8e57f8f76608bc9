"""Browser tests: a real ``lms-rt serve`` process and headless Debian Chromium driven by
Playwright. They skip cleanly where Chromium or the playwright package is missing, and need
the services (the server process and the test share PostgreSQL and Redis)."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness.servers import ServerProcess, server_env

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium as SETUP-NOTES.md has it; never `playwright install` (no downloads here).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every wait in a browser test is bounded: a hung page fails in seconds, not minutes.
TIMEOUT_MS = 15_000
HERE = Path(__file__).parent


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    for item in items:
        if reason is not None and item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
async def server(client: Any, settings: Any, tmp_path: Path) -> AsyncIterator[ServerProcess]:
    """One real server on the test's database, started after ``client`` has reset it."""
    process = ServerProcess(server_env(settings), tmp_path, "e2e-server")
    process.env["LMS_BASE_URL"] = process.url
    await process.start()
    yield process
    await process.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    try:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()
    finally:
        await playwright.stop()


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    """Screenshots of every page the test visits, kept with the test's tmp folder."""
    folder = tmp_path / "test-output"
    folder.mkdir()
    return folder
