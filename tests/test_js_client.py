"""The browser client for /ws (web/static/lms-realtime.js) is tested with Node's built-in test
runner, against a fake socket and fake timers. It runs from here so `make test` and CI cover it
with everything else; the JS tests need Node 20 but no npm packages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JS_TESTS = ROOT / "tests" / "js"


def test_js_client_node_tests_pass() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH: the JS client tests (tests/js/) need Node 20 or later")
    result = subprocess.run(
        [node, "--test", "tests/js/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # The suite runs in well under a second; this bounds a hung test, not a slow one.
        timeout=120,
        check=False,
    )
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, f"node --test {JS_TESTS.relative_to(ROOT)} failed:\n{output}"
    assert "# fail 0" in result.stdout, output
