"""``lms-rt worker --concurrency N``: how many jobs one worker runs at once, per queue."""

from __future__ import annotations

import os
import subprocess

from tests.harness.servers import LMS_RT


def _worker(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(LMS_DATA_DIR=str(tmp_path / "var"), LMS_LOG_JSON="false")
    return subprocess.run(
        [LMS_RT, "worker", *args], env=env, capture_output=True, text=True, timeout=30
    )


def test_concurrency_is_checked_like_the_setting_it_overrides(tmp_path):
    refused = _worker(tmp_path, "--concurrency", "0")
    assert refused.returncode == 1
    assert "configuration error" in refused.stderr and "worker_concurrency" in refused.stderr
    # A valid value gets as far as the next check: the embedded default has no queue to serve.
    accepted = _worker(tmp_path, "--concurrency", "4")
    assert accepted.returncode == 1
    assert "needs LMS_REDIS_URL" in accepted.stderr
    assert "--concurrency N" in _worker(tmp_path, "--help").stdout
