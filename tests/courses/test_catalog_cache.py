"""The published catalog served from each process's short cache: the same bytes as a fresh
read, changes shown at once, ``ETag``/``If-None-Match``, drafts and bad queries never cached."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from lms_rt import keys
from lms_rt.courses import service as courses
from lms_rt.courses.catalog_cache import CHANGED, CHANNEL, DEFAULT_TTL_SECONDS, catalog_cache
from lms_rt.courses.models import Difficulty
from lms_rt.courses.schemas import CatalogQuery
from lms_rt.realtime.bus import Event
from lms_rt.users.models import Role
from tests.courses.test_catalog import recorded_queries
from tests.factories import create_course, create_user, enroll, signed_in

API = "/api/v1"


async def get_catalog(client, headers: dict[str, str] | None = None, **params) -> Any:
    return await client.get(f"{API}/courses", params=params, headers=headers or {})


async def titles(client, **params) -> list[str]:
    response = await get_catalog(client, limit=100, **params)
    assert response.status == 200
    return [item["title"] for item in (await response.json())["items"]]


async def listening(client) -> None:
    """Until its cache listens for changes, a process keeps pages for their TTL only, and the
    moment it starts listening drops what it read before: tests counting hits wait for it.
    Leaves the first page of the catalog cached."""
    assert (await get_catalog(client)).status == 200
    cache = catalog_cache(client.app[keys.DEPS])
    deadline = time.monotonic() + 5
    while not cache.following:
        assert time.monotonic() < deadline, "the catalog cache never subscribed"
        await asyncio.sleep(0.01)
    assert (await get_catalog(client)).status == 200


class Heard:
    """A bus listener keeping what arrives on a channel."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def on_event(self, event: Event) -> None:
        self.events.append(event.decode())

    def on_reset(self, channel: str) -> None:
        pass

    async def until(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.events


async def _varied_catalog(client):
    ada = await create_user(client, role=Role.INSTRUCTOR, full_name="Ada Lovelace")
    bob = await create_user(client, role=Role.INSTRUCTOR, full_name="Bob Builder")
    made = [
        await create_course(
            client,
            ada,
            lessons=1,
            title="Intro to Python",
            description="Learn programming from zero",
            category="programming",
            metadata={"language": "en", "tags": ["python"]},
        ),
        await create_course(
            client,
            ada,
            lessons=1,
            title="Advanced Python Patterns",
            description="Decorators and generators",
            category="programming",
            difficulty=Difficulty.ADVANCED,
            price_amount=150_00,
        ),
        await create_course(
            client, bob, lessons=1, title="Watercolour", category="art", price_amount=99
        ),
        await create_course(client, bob, lessons=1, title="مقدمة في البرمجة", category="art"),
    ]
    await create_course(client, ada, title="Python draft", published=False)
    return ada, bob, made


PARAMS = [
    {},
    {"limit": "2"},
    {"limit": "2", "offset": "2"},
    {"limit": "3", "offset": "3", "sort": "title"},
    {"sort": "popularity"},
    {"sort": "rating"},
    {"category": "programming"},
    {"category": "art", "price": "paid"},
    {"difficulty": "advanced"},
    {"price": "free", "sort": "title"},
    {"q": "python"},
    {"q": "python patterns", "sort": "title"},
    {"q": "البرمجة"},
    {"q": "quantum"},
    {"offset": "50"},
]


async def test_cached_pages_are_the_bytes_of_a_fresh_read(client):
    ada, _, _ = await _varied_catalog(client)
    deps = client.app[keys.DEPS]
    await listening(client)
    for params in [*PARAMS, {"instructor_id": str(ada.id), "price": "free"}]:
        first = await get_catalog(client, **params)
        assert first.status == 200, await first.text()
        with recorded_queries() as seen:
            again = await get_catalog(client, **params)
        assert seen == [], (params, seen)  # served from the cache
        body = await again.read()
        assert body == await first.read()
        assert again.headers["ETag"] == first.headers["ETag"]
        fresh = await courses.catalog_body(deps, None, CatalogQuery.model_validate(params))
        assert body == fresh, params


async def test_catalog_items_are_the_courses_as_their_own_page_shows_them(client):
    await _varied_catalog(client)
    body = await (await get_catalog(client, limit=100)).json()
    assert len(body["items"]) == 4
    for item in body["items"]:
        page = await (await client.get(f"{API}/courses/{item['id']}")).json()
        assert item == {key: page[key] for key in item}


async def test_equivalent_queries_share_one_entry(client):
    await _varied_catalog(client)
    await listening(client)
    first = await get_catalog(client, q="python patterns")
    for params in (
        {"q": "  python   patterns "},
        {"q": "python patterns", "category": ""},
        {"q": "python\tpatterns", "sort": "newest", "limit": "20", "offset": "0"},
    ):
        with recorded_queries() as seen:
            response = await get_catalog(client, **params)
        assert seen == [] and response.headers["ETag"] == first.headers["ETag"], params
    assert [i["title"] for i in (await first.json())["items"]] == ["Advanced Python Patterns"]


async def test_signed_in_callers_share_the_public_pages(client):
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    await create_course(client, teacher, title="Listed")
    await create_course(client, teacher, title="Own draft", published=False)
    await listening(client)
    anonymous = await get_catalog(client)
    with recorded_queries() as seen:
        signed = await get_catalog(client, headers)
    assert signed.headers["ETag"] == anonymous.headers["ETag"]
    assert await signed.read() == await anonymous.read()
    # The session is still checked (one lookup); the page itself costs nothing.
    assert not any("courses" in sql for sql, _ in seen), seen


async def test_bad_tokens_are_refused_before_any_cached_page(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    await create_course(client, teacher)
    assert (await get_catalog(client)).status == 200
    response = await get_catalog(client, {"Authorization": "Bearer not-a-token"})
    assert response.status == 401
    assert "ETag" not in response.headers


# --- changes -------------------------------------------------------------------------------


async def test_changes_show_at_once_and_are_announced(client):
    deps = client.app[keys.DEPS]
    heard = Heard()
    await deps.bus.subscribe(CHANNEL, heard)
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    kept = await create_course(client, teacher, title="Kept")
    draft = await create_course(client, teacher, title="Draft", published=False)
    await heard.until(1)
    announced = len(heard.events)
    assert await titles(client) == ["Kept"]
    assert await titles(client, q="draft") == []

    response = await client.post(f"{API}/courses/{draft.id}/publish", headers=headers)
    assert response.status == 200
    assert sorted(await titles(client)) == ["Draft", "Kept"]
    assert await titles(client, q="draft") == ["Draft"]

    response = await client.patch(
        f"{API}/courses/{draft.id}", json={"title": "Renamed"}, headers=headers
    )
    assert response.status == 200
    assert sorted(await titles(client)) == ["Kept", "Renamed"]
    assert await titles(client, q="draft") == []
    assert await titles(client, q="renamed") == ["Renamed"]

    response = await client.post(f"{API}/courses/{draft.id}/unpublish", headers=headers)
    assert response.status == 200
    assert await titles(client) == ["Kept"]
    assert await titles(client, q="renamed") == []

    student = await create_user(client)
    await enroll(client, student, kept)
    response = await client.delete(f"{API}/courses/{kept.id}", headers=headers)
    assert response.status == 200 and (await response.json())["archived_at"]
    assert await titles(client) == []

    gone = await create_course(client, teacher, title="Gone soon")
    assert await titles(client) == ["Gone soon"]
    response = await client.delete(f"{API}/courses/{gone.id}", headers=headers)
    assert response.status == 204
    assert await titles(client) == []

    # Publish, rename, unpublish, archive; then publish and delete: one event each.
    events = await heard.until(announced + 6)
    assert [e["type"] for e in events[announced:]] == [CHANGED] * 6
    changed = [e["data"]["course_id"] for e in events[announced:]]
    assert changed == [str(draft.id)] * 3 + [str(kept.id), str(gone.id), str(gone.id)]


async def test_draft_edits_leave_the_cached_pages_alone(client):
    deps = client.app[keys.DEPS]
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    await create_course(client, teacher, title="Listed")
    draft = await create_course(client, teacher, title="Draft", published=False)
    await listening(client)
    before = await get_catalog(client)
    response = await client.patch(
        f"{API}/courses/{draft.id}", json={"description": "Work in progress"}, headers=headers
    )
    assert response.status == 200
    assert len(catalog_cache(deps)) == 1
    with recorded_queries() as seen:
        after = await get_catalog(client)
    assert seen == [] and after.headers["ETag"] == before.headers["ETag"]


@pytest.mark.slow
async def test_counts_changed_without_an_event_show_once_the_page_expires(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="Popular")
    await listening(client)
    response = await get_catalog(client)
    assert (await response.json())["items"][0]["enrollment_count"] == 0
    await enroll(client, await create_user(client), course)
    response = await get_catalog(client)
    # Served up to max-age stale: an enrollment does not drop the cached pages...
    assert (await response.json())["items"][0]["enrollment_count"] == 0
    max_age = int(response.headers["Cache-Control"].split("max-age=")[1])
    assert max_age <= DEFAULT_TTL_SECONDS
    # ...and no longer than that.
    await asyncio.sleep(max_age + 1)
    response = await get_catalog(client)
    assert (await response.json())["items"][0]["enrollment_count"] == 1


# --- validators ----------------------------------------------------------------------------


async def test_etag_and_if_none_match(client):
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, title="Cached")
    response = await get_catalog(client)
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    cache_control = response.headers["Cache-Control"]
    assert cache_control.startswith("public, max-age=")
    assert 0 <= int(cache_control.split("=")[1]) <= DEFAULT_TTL_SECONDS

    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = await get_catalog(client, {"If-None-Match": sent})
        assert response.status == 304, sent
        assert await response.read() == b""
        assert response.headers["ETag"] == etag
        assert response.headers["Cache-Control"].startswith("public, max-age=")
    response = await get_catalog(client, {"If-None-Match": '"something-else"'})
    assert response.status == 200 and response.headers["ETag"] == etag
    # Another query is another page with its own tag.
    other = await get_catalog(client, {"If-None-Match": etag}, sort="title", limit=1)
    assert other.status == 200 and other.headers["ETag"] != etag

    await client.patch(f"{API}/courses/{course.id}", json={"title": "Changed"}, headers=headers)
    response = await get_catalog(client, {"If-None-Match": etag})
    assert response.status == 200
    assert response.headers["ETag"] != etag
    assert [i["title"] for i in (await response.json())["items"]] == ["Changed"]


# --- what is never cached ------------------------------------------------------------------


async def test_drafts_never_reach_anyone_through_the_cache(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    _, student_headers = await signed_in(client)
    await create_course(client, owner, title="Public")
    await create_course(client, owner, title="Secret draft", published=False)
    await listening(client)
    cache = catalog_cache(client.app[keys.DEPS])
    pages = len(cache)

    for headers in (owner_headers, admin_headers):
        drafts = await get_catalog(client, headers, published="false", limit=100)
        assert drafts.status == 200
        assert [i["title"] for i in (await drafts.json())["items"]] == ["Secret draft"]
        assert drafts.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in drafts.headers
    assert len(cache) == pages
    for headers in (None, student_headers, owner_headers):
        public = await get_catalog(client, headers, limit=100)
        assert [i["title"] for i in (await public.json())["items"]] == ["Public"]
    response = await get_catalog(client, student_headers, published="false")
    assert response.status == 200 and (await response.json())["items"] == []
    response = await get_catalog(client, published="false")
    assert response.status in (401, 403)
    assert len(cache) == pages + 1  # the public page of 100, once for all three callers


@pytest.mark.parametrize(
    "params",
    [
        {"difficulty": "expert"},
        {"sort": "random"},
        {"limit": "101"},
        {"offset": "-1"},
        {"q": "x" * 101},
        {"published": "maybe"},
        {"colour": "blue"},
        {"q": "python", "colour": "blue"},
    ],
)
async def test_bad_queries_are_refused_and_not_cached(client, params):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    await create_course(client, teacher, title="Python")
    await listening(client)
    cache = catalog_cache(client.app[keys.DEPS])
    assert len(cache) == 1
    for _ in range(2):
        with recorded_queries() as seen:
            response = await get_catalog(client, **params)
        assert response.status == 422
        assert (await response.json())["error"]["code"] == "invalid"
        assert "ETag" not in response.headers and "Cache-Control" not in response.headers
        assert seen == []
    assert len(cache) == 1
