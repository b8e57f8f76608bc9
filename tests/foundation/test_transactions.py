"""Events and jobs raised in a transaction leave only after it commits."""

from __future__ import annotations

import asyncio

import pytest

from lms_rt import keys
from lms_rt.db import atomic
from lms_rt.jobs.registry import queue_name
from lms_rt.users.models import User
from tests.harness.recorder import Recorder


def _new_user(email: str) -> dict:
    return {"email": email, "password_hash": "x", "full_name": "T"}


async def test_events_wait_for_commit_and_nested_units_join(client):
    deps = client.app[keys.DEPS]
    recorder = Recorder()
    await deps.bus.subscribe("user:probe", recorder)
    async with atomic(deps) as effects:
        await User.create(**_new_user("a@example.org"))
        effects.publish("user:probe", "probe.outer", {"n": 1})
        async with atomic(deps) as inner:
            assert inner is effects
            inner.publish("user:probe", "probe.inner", {"n": 2})
        await asyncio.sleep(0.05)
        assert recorder.events == []  # the inner block's exit is not a commit
    await recorder.wait_for(2)
    assert [event.decode()["type"] for event in recorder.events] == ["probe.outer", "probe.inner"]
    assert [event.seq for event in recorder.events] == [1, 2]


async def test_rollback_drops_events_jobs_and_rows(client):
    deps = client.app[keys.DEPS]
    recorder = Recorder()
    await deps.bus.subscribe("user:probe", recorder)
    with pytest.raises(RuntimeError):
        async with atomic(deps) as effects:
            await User.create(**_new_user("b@example.org"))
            effects.publish("user:probe", "probe.never", {})
            effects.enqueue("send_email", "b@example.org", "verify_email", {}, "never")
            raise RuntimeError("boom")
    await asyncio.sleep(0.05)
    assert recorder.events == []
    assert not await User.filter(email="b@example.org").exists()
    assert (await deps.bus.position("user:probe"))[0] == 0
    if deps.redis is not None:
        assert await deps.redis.zcard(queue_name("emails")) == 0
