"""The storage interface itself, on both backends: the old whole-object calls and streaming."""

from __future__ import annotations

import pytest

from lms_rt import keys
from lms_rt.errors import NotFound
from tests.files.helpers import stored_objects


class Boom(RuntimeError):
    pass


async def test_whole_objects_round_trip(files_client):
    client = await files_client()
    storage = client.app[keys.STORAGE]
    await storage.put("certificates/abc.pdf", b"%PDF-1.7 data", "application/pdf")
    assert await storage.exists("certificates/abc.pdf")
    assert await storage.get("certificates/abc.pdf") == b"%PDF-1.7 data"
    assert await storage.size("certificates/abc.pdf") == 13
    await storage.put("certificates/abc.pdf", b"replaced", "application/pdf")
    assert await storage.get("certificates/abc.pdf") == b"replaced"
    await storage.delete("certificates/abc.pdf")
    await storage.delete("certificates/abc.pdf")  # deleting twice is fine
    assert not await storage.exists("certificates/abc.pdf")
    with pytest.raises(NotFound):
        await storage.get("certificates/abc.pdf")
    with pytest.raises(NotFound):
        await storage.size("certificates/abc.pdf")


async def test_a_stream_that_fails_stores_nothing(files_client):
    client = await files_client()
    storage = client.app[keys.STORAGE]

    async def failing():
        yield b"a" * 1024
        raise Boom

    with pytest.raises(Boom):
        await storage.put_stream("uploads/x/failed", failing(), "text/plain")
    assert await stored_objects(client) == []

    async def chunks():
        for piece in (b"one ", b"two ", b"three"):
            yield piece

    await storage.put_stream("uploads/x/ok", chunks(), "text/plain")
    assert await storage.get("uploads/x/ok") == b"one two three"
    assert await stored_objects(client) == ["uploads/x/ok"]
