"""``GET /api/v1/courses``: the public catalog, drafts for staff, filters, search, sorting,
pagination, and a query count that does not grow with the page."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from tortoise import connections

from lms_rt import keys
from lms_rt.courses import service as courses
from lms_rt.courses.catalog_cache import forget_catalog
from lms_rt.courses.models import Course, Difficulty
from lms_rt.courses.schemas import CourseUpdate, StaffAdd
from lms_rt.courses.search import search_document
from lms_rt.users.models import Role
from tests.conftest import EMBEDDED
from tests.factories import bearer, create_course, create_user, enroll, login, signed_in

API = "/api/v1"


async def catalog(client, headers: dict[str, str] | None = None, **params) -> tuple[int, dict]:
    response = await client.get(f"{API}/courses", params=params, headers=headers or {})
    return response.status, await response.json()


def ids(body: dict) -> list[str]:
    return [item["id"] for item in body["items"]]


def as_set(*courses_: Course) -> set[str]:
    return {str(c.id) for c in courses_}


@contextlib.contextmanager
def recorded_queries() -> Iterator[list[tuple[str, list | None]]]:
    """Every statement sent on the default connection while the block runs."""
    cls = type(connections.get("default"))
    seen: list[tuple[str, list | None]] = []

    def wrap(original):
        async def wrapper(self, query, values=None):
            seen.append((query, values))
            return await original(self, query, values)

        return wrapper

    with pytest.MonkeyPatch.context() as patch:
        for name in ("execute_query", "execute_query_dict"):
            patch.setattr(cls, name, wrap(getattr(cls, name)))
        yield seen


# --- what is listed ------------------------------------------------------------------------


async def test_anonymous_sees_published_courses_only(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR, full_name="Tarek Teacher")
    student = await create_user(client)
    published = await create_course(client, teacher, title="Published")
    await create_course(client, teacher, title="Draft", published=False)
    await create_course(client, teacher, title="Draft without lessons", lessons=0, published=False)
    archived = await create_course(client, teacher, title="Archived")
    await enroll(client, student, archived)
    assert await courses.delete_course(client.app[keys.DEPS], archived) is False
    status, body = await catalog(client)
    assert status == 200
    assert ids(body) == [str(published.id)]
    assert body["total"] == 1 and body["limit"] == 20 and body["offset"] == 0
    [item] = body["items"]
    assert item["title"] == "Published" and item["is_published"] is True
    assert item["instructor"] == {"id": str(teacher.id), "full_name": "Tarek Teacher"}
    assert item["is_free"] is True and item["archived_at"] is None
    # Signed-in users see the same public catalog, their own drafts not mixed in.
    _, teacher_headers = await _signed_in_as(client, teacher)
    _, body = await catalog(client, teacher_headers)
    assert ids(body) == [str(published.id)]


async def _signed_in_as(client, user):
    tokens = await login(client, user.email)
    return user, bearer(tokens["access_token"])


async def test_drafts_are_listed_for_their_staff_and_admins_only(client):
    owner, owner_headers = await signed_in(client, Role.INSTRUCTOR)
    other, other_headers = await signed_in(client, Role.INSTRUCTOR)
    assistant, assistant_headers = await signed_in(client, Role.INSTRUCTOR)
    _, admin_headers = await signed_in(client, Role.ADMIN)
    _, student_headers = await signed_in(client, Role.STUDENT)
    owners_draft = await create_course(client, owner, published=False)
    await create_course(client, owner)  # published: never in the drafts list
    others_draft = await create_course(client, other, published=False)
    await courses.add_staff(owners_draft, StaffAdd(email=assistant.email))

    async def drafts(headers):
        status, body = await catalog(client, headers, published="false")
        assert status == 200, body
        assert body["total"] == len(body["items"])
        return set(ids(body))

    assert await drafts(owner_headers) == as_set(owners_draft)
    assert await drafts(other_headers) == as_set(others_draft)
    assert await drafts(assistant_headers) == as_set(owners_draft)
    assert await drafts(admin_headers) == as_set(owners_draft, others_draft)
    assert await drafts(student_headers) == set()
    status, body = await catalog(client, published="false")
    assert status in (401, 403)
    assert "items" not in body and body["error"]["code"] in ("unauthorized", "forbidden")


async def test_filters_combine(client):
    ada = await create_user(client, role=Role.INSTRUCTOR)
    bob = await create_user(client, role=Role.INSTRUCTOR)
    py_free = await create_course(client, ada, lessons=1, category="programming")
    py_paid = await create_course(
        client,
        ada,
        lessons=1,
        category="programming",
        difficulty=Difficulty.ADVANCED,
        price_amount=150_00,
    )
    art_free = await create_course(
        client, bob, lessons=1, category="art", difficulty=Difficulty.INTERMEDIATE
    )
    art_paid = await create_course(
        client, bob, lessons=1, category="art", difficulty=Difficulty.ADVANCED, price_amount=99
    )

    async def found(**params):
        status, body = await catalog(client, **params)
        assert status == 200, body
        assert body["total"] == len(body["items"])
        return set(ids(body))

    assert await found() == as_set(py_free, py_paid, art_free, art_paid)
    assert await found(category="programming") == as_set(py_free, py_paid)
    assert await found(category="art") == as_set(art_free, art_paid)
    assert await found(category="cooking") == set()
    assert await found(difficulty="advanced") == as_set(py_paid, art_paid)
    assert await found(difficulty="beginner") == as_set(py_free)
    assert await found(instructor_id=str(ada.id)) == as_set(py_free, py_paid)
    assert await found(instructor_id=str(bob.id)) == as_set(art_free, art_paid)
    assert await found(instructor_id=str(uuid.uuid4())) == set()
    assert await found(price="free") == as_set(py_free, art_free)
    assert await found(price="paid") == as_set(py_paid, art_paid)
    assert await found(category="art", price="paid", difficulty="advanced") == as_set(art_paid)
    assert await found(instructor_id=str(ada.id), price="free") == as_set(py_free)
    _, body = await catalog(client, price="paid", category="programming")
    [item] = body["items"]
    assert (item["price_amount"], item["currency"], item["is_free"]) == (150_00, "EGP", False)


@pytest.mark.parametrize(
    "params",
    [
        {"difficulty": "expert"},
        {"price": "cheap"},
        {"sort": "random"},
        {"instructor_id": "not-a-uuid"},
        {"limit": "0"},
        {"limit": "101"},
        {"offset": "-1"},
        {"published": "maybe"},
        {"q": "x" * 101},
        {"colour": "blue"},
    ],
)
async def test_bad_catalog_parameters_are_refused(client, params):
    status, body = await catalog(client, **params)
    assert status == 422
    assert body["error"]["code"] == "invalid"
    assert [d["field"] for d in body["error"]["details"]] == list(params)


# --- search --------------------------------------------------------------------------------


async def _search_corpus(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    intro = await create_course(
        client,
        teacher,
        lessons=1,
        title="Intro to Python",
        description="Learn programming from zero",
        category="programming",
    )
    patterns = await create_course(
        client,
        teacher,
        lessons=1,
        title="Advanced Python Patterns",
        description="Decorators and generators",
        category="programming",
    )
    painting = await create_course(
        client, teacher, lessons=1, title="Watercolour", description="Painting landscapes"
    )
    arabic = await create_course(
        client, teacher, lessons=1, title="مقدمة في البرمجة", description="دورة للمبتدئين"
    )
    hidden = await create_course(client, teacher, lessons=1, title="Python drafts", published=False)
    return intro, patterns, painting, arabic, hidden


async def test_search_matches_words_in_title_and_description(client):
    intro, patterns, painting, arabic, _ = await _search_corpus(client)

    async def found(q, **params):
        status, body = await catalog(client, q=q, **params)
        assert status == 200, body
        assert body["total"] == len(body["items"])
        return set(ids(body))

    assert await found("python") == as_set(intro, patterns)  # never the draft
    assert await found("PYTHON") == as_set(intro, patterns)
    assert await found("programming") == as_set(intro)  # in the description
    assert await found("python patterns") == as_set(patterns)  # every word must match
    assert await found("patterns python") == as_set(patterns)
    assert await found("generators") == as_set(patterns)
    assert await found("landscapes") == as_set(painting)
    assert await found("البرمجة") == as_set(arabic)
    assert await found("للمبتدئين") == as_set(arabic)
    assert await found("python", category="art") == set()
    assert await found("python", sort="title") == as_set(intro, patterns)
    assert await found("quantum") == set()


async def test_search_follows_title_and_description_changes(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    course = await create_course(client, teacher, lessons=1, title="Old Name")
    assert ids((await catalog(client, q="old"))[1]) == [str(course.id)]
    await courses.update_course(
        client.app[keys.DEPS],
        course,
        CourseUpdate(title="Fresh Title", description="Brand new words"),
    )
    assert ids((await catalog(client, q="old"))[1]) == []
    assert ids((await catalog(client, q="fresh"))[1]) == [str(course.id)]
    assert ids((await catalog(client, q="brand"))[1]) == [str(course.id)]


@pytest.mark.skipif(not EMBEDDED, reason="the SQLite fallback runs in embedded mode")
async def test_sqlite_search_falls_back_to_substrings(client):
    intro, patterns, _, arabic, _ = await _search_corpus(client)
    assert set(ids((await catalog(client, q="pyth"))[1])) == as_set(intro, patterns)
    assert set(ids((await catalog(client, q="ython patt"))[1])) == as_set(patterns)
    assert set(ids((await catalog(client, q="برمج"))[1])) == as_set(arabic)


@pytest.mark.services
async def test_postgresql_search_is_full_text_on_whole_words(client):
    intro, patterns, _, arabic, _ = await _search_corpus(client)
    # Words, not substrings: the full-text index answers, not LIKE.
    assert ids((await catalog(client, q="pyth"))[1]) == []
    assert set(ids((await catalog(client, q="python"))[1])) == as_set(intro, patterns)
    # Punctuation around words does not matter to the text-search parser.
    assert set(ids((await catalog(client, q="python!"))[1])) == as_set(intro, patterns)
    assert ids((await catalog(client, q="البرمجة"))[1]) == [str(arabic.id)]


@pytest.mark.services
async def test_postgresql_search_uses_the_gin_index(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    moment = datetime.now(UTC)
    rows = []
    for n in range(3000):
        title = f"Course number {n} on topic{n % 300}"
        description = f"Lesson plan {n} with exercises and quizzes about subject{n % 97}"
        if n == 1234:
            title, description = "Keeping axolotls", "Everything about the axolotl aquarium"
        rows.append(
            Course(
                title=title,
                slug=f"seeded-{n}",
                description=description,
                search_document=search_document(title, description),
                instructor_id=teacher.id,
                is_published=True,
                published_at=moment - timedelta(minutes=n),
            )
        )
    await Course.bulk_create(rows, batch_size=500)
    db = connections.get("default")
    await db.execute_script("ANALYZE courses")

    with recorded_queries() as seen:
        status, body = await catalog(client, q="axolotls")
        # Past the end: an empty page does not tell the total, so this one is counted.
        past_status, past = await catalog(client, q="axolotls", offset=20)
    assert status == 200 and past_status == 200
    assert [item["slug"] for item in body["items"]] == ["seeded-1234"] and body["total"] == 1
    assert past["items"] == [] and past["total"] == 1
    searched = [(sql, values) for sql, values in seen if "TSVECTOR" in sql.upper()]
    # Both pages and the count carry the search predicate.
    assert len(searched) == 3, seen
    for sql, values in searched:
        _, plan_rows = await db.execute_query("EXPLAIN " + sql, values or [])
        plan = "\n".join(row["QUERY PLAN"] for row in plan_rows)
        assert "courses_search_document_fts" in plan, plan
        assert "Seq Scan on courses" not in plan, plan


# --- order and pages -----------------------------------------------------------------------


async def test_sorting(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    chemistry = await create_course(client, teacher, lessons=1, title="Chemistry")
    algebra = await create_course(client, teacher, lessons=1, title="Algebra")
    biology = await create_course(client, teacher, lessons=1, title="Biology")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    stats = {
        # course: (published_at, enrollment_count, rating_average, rating_count)
        chemistry: (start + timedelta(days=1), 10, 3.5, 4),
        algebra: (start + timedelta(days=3), 2, 4.9, 9),
        biology: (start + timedelta(days=2), 40, 4.2, 12),
    }
    for course, (published_at, enrolled, average, count) in stats.items():
        await Course.filter(id=course.id).update(
            published_at=published_at,
            enrollment_count=enrolled,
            rating_average=average,
            rating_count=count,
        )

    async def order(sort=None):
        params = {"sort": sort} if sort else {}
        status, body = await catalog(client, **params)
        assert status == 200, body
        return [item["title"] for item in body["items"]]

    assert await order() == ["Algebra", "Biology", "Chemistry"]  # newest first by default
    assert await order("newest") == ["Algebra", "Biology", "Chemistry"]
    await Course.filter(id=algebra.id).update(published_at=start)
    # A write behind the service's back is seen once the cached pages expire; drop them now.
    forget_catalog(client.app[keys.DEPS])
    assert await order("newest") == ["Biology", "Chemistry", "Algebra"]
    assert await order("title") == ["Algebra", "Biology", "Chemistry"]
    assert await order("popularity") == ["Biology", "Chemistry", "Algebra"]
    assert await order("rating") == ["Algebra", "Biology", "Chemistry"]
    _, body = await catalog(client, sort="popularity")
    assert [i["enrollment_count"] for i in body["items"]] == [40, 10, 2]
    _, body = await catalog(client, sort="rating")
    assert [(i["rating_average"], i["rating_count"]) for i in body["items"]] == [
        (4.9, 9),
        (4.2, 12),
        (3.5, 4),
    ]


async def test_pagination_walks_every_course_once(client):
    teacher = await create_user(client, role=Role.INSTRUCTOR)
    made = [await create_course(client, teacher, lessons=1) for _ in range(7)]
    seen: list[str] = []
    for offset in (0, 3, 6):
        status, body = await catalog(client, limit=3, offset=offset, sort="title")
        assert status == 200
        assert (body["total"], body["limit"], body["offset"]) == (7, 3, offset)
        assert len(body["items"]) == (3 if offset < 6 else 1)
        seen += ids(body)
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == as_set(*made)
    _, body = await catalog(client, limit=3, offset=50)
    assert body["items"] == [] and body["total"] == 7
    _, body = await catalog(client, limit=100)
    assert len(body["items"]) == 7


async def test_catalog_query_count_does_not_grow_with_the_courses(client):
    teachers = [await create_user(client, role=Role.INSTRUCTOR) for _ in range(5)]
    _, admin_headers = await signed_in(client, Role.ADMIN)

    async def seed(count: int) -> None:
        for n in range(count):
            teacher = teachers[n % len(teachers)]
            await create_course(client, teacher, lessons=1, title=f"Course about maths {n}")
            await create_course(client, teacher, lessons=1, published=False)

    async def queries(**params) -> tuple[int, int]:
        with recorded_queries() as seen:
            status, body = await catalog(client, limit=100, **params)
        assert status == 200, body
        return len(seen), len(body["items"])

    await seed(5)
    small = [
        await queries(),
        await queries(q="maths", sort="rating"),
        await queries(category="", price="free", sort="popularity"),
    ]
    small_drafts = await _draft_queries(client, admin_headers)
    await seed(45)
    large = [
        await queries(),
        await queries(q="maths", sort="rating"),
        await queries(category="", price="free", sort="popularity"),
    ]
    large_drafts = await _draft_queries(client, admin_headers)
    assert [count for _, count in small] == [5, 5, 5]
    assert [count for _, count in large] == [50, 50, 50]
    assert [n for n, _ in small] == [n for n, _ in large]
    assert all(n <= 3 for n, _ in large), large
    assert small_drafts[1] == 5 and large_drafts[1] == 50
    assert small_drafts[0] == large_drafts[0]


async def _draft_queries(client, headers) -> tuple[int, int]:
    with recorded_queries() as seen:
        status, body = await catalog(client, headers, limit=100, published="false")
    assert status == 200, body
    return len(seen), len(body["items"])
