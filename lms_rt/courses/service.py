"""The catalog and course authoring."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from pypika_tortoise.terms import LiteralValue
from slugify import slugify
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from lms_rt.audit import trail as audit
from lms_rt.auth.service import announce_access_changed
from lms_rt.courses.access import staffed_course_ids
from lms_rt.courses.catalog_cache import catalog_changed, forget_catalog
from lms_rt.courses.models import Course, CourseStaff, Lesson, Section
from lms_rt.courses.schemas import (
    CatalogQuery,
    CatalogSort,
    CourseCreate,
    CourseOut,
    CourseUpdate,
    InstructorOut,
    LessonCreate,
    LessonSummary,
    LessonUpdate,
    PriceFilter,
    SectionCreate,
    SectionUpdate,
    StaffAdd,
)
from lms_rt.courses.search import FullTextMatch, search_document
from lms_rt.db import PostCommit, atomic, refuse_nulls
from lms_rt.deps import Deps
from lms_rt.enrollments import events as enrollment_events
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.enrollments.progress import refresh_course_totals
from lms_rt.errors import Conflict, Forbidden, Invalid, NotFound
from lms_rt.files import cleanup
from lms_rt.users.models import Role, User

SORTS = {
    CatalogSort.NEWEST: ("-published_at", "-created_at", "id"),
    CatalogSort.TITLE: ("title", "id"),
    CatalogSort.POPULARITY: ("-enrollment_count", "-created_at", "id"),
    CatalogSort.RATING: ("-rating_average", "-rating_count", "id"),
}
MAX_SLUG_TRIES = 20


def now() -> datetime:
    return datetime.now(UTC)


def course_out(course: Course) -> CourseOut:
    """Needs ``instructor`` loaded (``select_related``), so lists cost one query."""
    return CourseOut(
        id=course.id,
        title=course.title,
        slug=course.slug,
        description=course.description,
        instructor=InstructorOut(id=course.instructor.id, full_name=course.instructor.full_name),
        category=course.category,
        difficulty=course.difficulty,
        price_amount=course.price_amount,
        currency=course.currency,
        is_free=course.price_amount == 0,
        is_published=course.is_published,
        published_at=course.published_at,
        archived_at=course.archived_at,
        thumbnail_url=course.thumbnail_url,
        estimated_duration_minutes=course.estimated_duration_minutes,
        metadata=course.metadata,
        enrollment_count=course.enrollment_count,
        rating_average=round(course.rating_average, 2),
        rating_count=course.rating_count,
        created_at=course.created_at,
        updated_at=course.updated_at,
    )


# --- catalog -------------------------------------------------------------------------------

# The columns of a catalog item, read as plain rows (no model instances), the instructor's
# name joined in the same query.
CATALOG_COLUMNS = (
    "id",
    "title",
    "slug",
    "description",
    "instructor_id",
    "instructor__full_name",
    "category",
    "difficulty",
    "price_amount",
    "currency",
    "is_published",
    "published_at",
    "archived_at",
    "thumbnail_url",
    "estimated_duration_minutes",
    "metadata",
    "enrollment_count",
    "rating_average",
    "rating_count",
    "created_at",
    "updated_at",
)


def catalog_item(row: dict[str, Any]) -> dict[str, Any]:
    """A row as ``CourseOut`` serialises it, key for key. Ids become text here (asyncpg's
    UUID type is not one orjson knows); orjson encodes the enum and times."""
    return {
        "id": str(row["id"]),
        "title": row["title"],
        "slug": row["slug"],
        "description": row["description"],
        "instructor": {"id": str(row["instructor_id"]), "full_name": row["instructor__full_name"]},
        "category": row["category"],
        "difficulty": row["difficulty"],
        "price_amount": row["price_amount"],
        "currency": row["currency"],
        "is_free": row["price_amount"] == 0,
        "is_published": row["is_published"],
        "published_at": row["published_at"],
        "archived_at": row["archived_at"],
        "thumbnail_url": row["thumbnail_url"],
        "estimated_duration_minutes": row["estimated_duration_minutes"],
        "metadata": row["metadata"],
        "enrollment_count": row["enrollment_count"],
        "rating_average": round(row["rating_average"], 2),
        "rating_count": row["rating_count"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _search_words(q: str | None) -> str | None:
    """Both search backends split the text on whitespace: one spelling per search."""
    words = " ".join(q.split()) if q else ""
    return words or None


def catalog_key(query: CatalogQuery) -> tuple[Any, ...]:
    """What a page of the published catalog depends on, each in one spelling per meaning
    (an empty category filters nothing): equal keys, equal pages."""
    return (
        query.category or None,
        query.difficulty,
        query.instructor_id,
        query.price,
        _search_words(query.q),
        query.sort,
        query.limit,
        query.offset,
    )


def keyed_catalog_query(query: CatalogQuery) -> CatalogQuery:
    """The query as its key spells it, so a cached page depends on nothing but the key."""
    return query.model_copy(
        update={"category": query.category or None, "q": _search_words(query.q)}
    )


async def catalog(
    deps: Deps, user: User | None, query: CatalogQuery
) -> tuple[list[dict[str, Any]], int]:
    """The page's items and the total: the page in one query whatever its size, then the
    count only when the page does not already tell it (a short page is the last one)."""
    courses = await _catalog_courses(deps, user, query)
    rows = (
        await courses.order_by(*SORTS[query.sort])
        .offset(query.offset)
        .limit(query.limit)
        .values(*CATALOG_COLUMNS)
    )
    if len(rows) < query.limit and (rows or query.offset == 0):
        total = query.offset + len(rows)
    else:
        total = await courses.count()
    return [catalog_item(row) for row in rows], total


async def catalog_body(deps: Deps, user: User | None, query: CatalogQuery) -> bytes:
    """The encoded ``Page[CourseOut]``."""
    items, total = await catalog(deps, user, query)
    page = {"items": items, "total": total, "limit": query.limit, "offset": query.offset}
    return orjson.dumps(page, option=orjson.OPT_UTC_Z)


async def _catalog_courses(deps: Deps, user: User | None, query: CatalogQuery) -> QuerySet[Course]:
    courses: QuerySet[Course] = Course.all()
    if query.published:
        courses = courses.filter(is_published=True, archived_at=None)
    else:
        if user is None:
            raise Forbidden("Sign in as course staff to list drafts")
        courses = courses.filter(is_published=False)
        if user.role != Role.ADMIN:
            courses = courses.filter(id__in=await staffed_course_ids(user))
    if query.category:
        courses = courses.filter(category=query.category)
    if query.difficulty:
        courses = courses.filter(difficulty=query.difficulty)
    if query.instructor_id:
        courses = courses.filter(instructor_id=query.instructor_id)
    if query.price == PriceFilter.FREE:
        courses = courses.filter(price_amount=0)
    elif query.price == PriceFilter.PAID:
        courses = courses.filter(price_amount__gt=0)
    if query.q and query.q.strip():
        courses = _search(deps, courses, query.q)
    return courses


def _search(deps: Deps, courses: QuerySet[Course], text: str) -> QuerySet[Course]:
    if deps.settings.is_sqlite:
        words = text.lower().split()
        for word in words:
            courses = courses.filter(search_document__contains=word)
        return courses
    # A literal TRUE (not a bound parameter) lets even a generic plan use the GIN index.
    return courses.annotate(matches=FullTextMatch("search_document", text)).filter(
        matches=LiteralValue("TRUE")
    )


# --- courses -------------------------------------------------------------------------------


async def _free_slug(model: type[Course] | type[Lesson], base: str, **scope: object) -> str:
    base = base or "untitled"
    for n in range(1, MAX_SLUG_TRIES + 1):
        candidate = base if n == 1 else f"{base}-{n}"
        if not await model.filter(slug=candidate, **scope).exists():
            return candidate
    return f"{base}-{uuid.uuid4().hex[:8]}"


async def create_course(deps: Deps, user: User, data: CourseCreate) -> Course:
    if data.slug is not None and await Course.filter(slug=data.slug).exists():
        raise Conflict("This slug is taken", details=[{"field": "slug", "message": "taken"}])
    slug = data.slug or await _free_slug(Course, slugify(data.title, max_length=200))
    values = data.model_dump(exclude={"slug", "thumbnail_url"})
    try:
        course = await Course.create(
            **values,
            slug=slug,
            thumbnail_url=str(data.thumbnail_url) if data.thumbnail_url else None,
            instructor=user,
            search_document=search_document(data.title, data.description),
        )
    except IntegrityError as exc:
        raise Conflict("This slug is taken; try again or pick one") from exc
    await course.fetch_related("instructor")
    return course


async def update_course(deps: Deps, course: Course, data: CourseUpdate) -> Course:
    changes = data.model_dump(exclude_unset=True)
    if "thumbnail_url" in changes and changes["thumbnail_url"] is not None:
        changes["thumbnail_url"] = str(changes["thumbnail_url"])
    refuse_nulls(Course, changes)
    new_slug = changes.get("slug")
    if new_slug and new_slug != course.slug:
        taken = Course.filter(slug=new_slug).exclude(id=course.id)
        if await taken.exists():
            raise Conflict("This slug is taken", details=[{"field": "slug", "message": "taken"}])
    if not changes:
        return await Course.get(id=course.id).select_related("instructor")
    title = changes.get("title", course.title)
    description = changes.get("description", course.description)
    changes["search_document"] = search_document(title, description)
    try:
        async with atomic(deps) as effects:
            await Course.filter(id=course.id).update(**changes)
            if course.is_published:
                effects.publish(
                    f"course:{course.id}", "course.updated", {"course_id": str(course.id)}
                )
            # Read after the write, not from ``course``: a publication that committed
            # meanwhile is seen here, so the change cannot slip past the catalog cache.
            listed = await _listed(course.id).exists()
            if listed:
                catalog_changed(effects, course.id)
    except IntegrityError as exc:
        raise Conflict("This slug is taken") from exc
    if listed:
        forget_catalog(deps)
    return await Course.get(id=course.id).select_related("instructor")


def _listed(course_id: uuid.UUID) -> QuerySet[Course]:
    return Course.filter(id=course_id, is_published=True, archived_at=None)


async def delete_course(deps: Deps, course: Course) -> bool:
    """Deleted when nobody ever enrolled; otherwise archived (students keep access)."""
    try:
        async with atomic(deps) as effects:
            # Whether the course was listed or not, it is not any more.
            catalog_changed(effects, course.id)
            if await Enrollment.filter(course_id=course.id).exists():
                archived = await Course.filter(id=course.id, archived_at=None).update(
                    archived_at=now()
                )
                effects.publish(f"course:{course.id}", "course.updated", {"archived": True})
                if archived:
                    await audit.record(
                        "course.archived",
                        "course",
                        course.id,
                        before={"archived": False},
                        after={"archived": True, "title": course.title},
                    )
                return False
            files = await cleanup.keys_of(course_id=course.id)
            await audit.record(
                "course.deleted",
                "course",
                course.id,
                before={"title": course.title, "slug": course.slug},
            )
            await course.delete()
    finally:
        forget_catalog(deps)
    await cleanup.delete_objects(deps, files)
    return True


async def publish_course(deps: Deps, course: Course) -> Course:
    if course.archived_at is not None:
        raise Conflict("An archived course cannot be published again")
    if not await Lesson.filter(course_id=course.id, is_published=True).exists():
        raise Conflict(
            "A course needs at least one published lesson before it can be published",
            details=[{"reason": "no_published_lessons"}],
        )
    async with atomic(deps) as effects:
        published = await Course.filter(id=course.id, is_published=False).update(
            is_published=True, published_at=course.published_at or now()
        )
        if published:
            effects.publish(f"course:{course.id}", "course.updated", {"is_published": True})
            catalog_changed(effects, course.id)
    if published:
        forget_catalog(deps)
    return await Course.get(id=course.id).select_related("instructor")


async def unpublish_course(deps: Deps, course: Course) -> Course:
    async with atomic(deps) as effects:
        unpublished = await Course.filter(id=course.id, is_published=True).update(
            is_published=False
        )
        if unpublished:
            effects.publish(f"course:{course.id}", "course.updated", {"is_published": False})
            catalog_changed(effects, course.id)
    if unpublished:
        forget_catalog(deps)
    return await Course.get(id=course.id).select_related("instructor")


# --- staff ---------------------------------------------------------------------------------


async def list_staff(course: Course) -> list[tuple[User, str, bool]]:
    owner = await User.get(id=course.instructor_id)
    rows = await CourseStaff.filter(course_id=course.id).select_related("user").order_by("added_at")
    return [(owner, "instructor", True), *((row.user, row.role.value, False) for row in rows)]


async def add_staff(course: Course, data: StaffAdd) -> None:
    user = await User.filter(email=data.email, is_active=True).first()
    if user is None:
        raise NotFound("No active account has this email")
    if user.role == Role.STUDENT:
        raise Conflict("Students cannot be course staff; an admin can change their role first")
    if user.id == course.instructor_id:
        raise Conflict("The course's owner is already its instructor")
    try:
        await CourseStaff.create(course=course, user=user, role=data.role)
    except IntegrityError as exc:
        raise Conflict("Already on this course's staff") from exc


async def remove_staff(deps: Deps, course: Course, user_id: uuid.UUID) -> None:
    async with atomic(deps):
        if not await CourseStaff.filter(course_id=course.id, user_id=user_id).delete():
            raise NotFound("Not on this course's staff")
        announce_access_changed(user_id)


# --- sections ------------------------------------------------------------------------------


async def create_section(course: Course, data: SectionCreate) -> Section:
    order = data.order
    if order is None:
        order = await Section.filter(course_id=course.id).count()
    return await Section.create(course=course, title=data.title, order=order)


async def course_section(course: Course, section_id: uuid.UUID) -> Section:
    section = await Section.filter(id=section_id, course_id=course.id).first()
    if section is None:
        raise NotFound("No such section in this course")
    return section


async def update_section(section: Section, data: SectionUpdate) -> Section:
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if changes:
        await Section.filter(id=section.id).update(**changes)
    return await Section.get(id=section.id)


# --- lessons -------------------------------------------------------------------------------


async def course_lesson(course: Course, lesson_id: str) -> Lesson:
    try:
        lesson = await Lesson.filter(id=uuid.UUID(lesson_id), course_id=course.id).first()
    except ValueError:
        lesson = await Lesson.filter(slug=lesson_id, course_id=course.id).first()
    if lesson is None:
        raise NotFound("No such lesson in this course")
    return lesson


async def _check_section(course: Course, section_id: uuid.UUID | None) -> None:
    if (
        section_id is not None
        and not await Section.filter(id=section_id, course_id=course.id).exists()
    ):
        raise Invalid(
            "section_id is not a section of this course",
            details=[{"field": "section_id", "message": "not in this course"}],
        )


async def create_lesson(deps: Deps, course: Course, data: LessonCreate) -> Lesson:
    await _check_section(course, data.section_id)
    if data.slug is not None and await Lesson.filter(course_id=course.id, slug=data.slug).exists():
        raise Conflict("A lesson of this course has this slug")
    slug = data.slug or await _free_slug(
        Lesson, slugify(data.title, max_length=200), course_id=course.id
    )
    values = data.model_dump(exclude={"slug", "video_url", "section_id"})
    try:
        async with atomic(deps) as effects:
            order = await Lesson.filter(course_id=course.id).count()
            lesson = await Lesson.create(
                **values,
                course=course,
                section_id=data.section_id,
                slug=slug,
                order=order,
                video_url=str(data.video_url) if data.video_url else None,
            )
            if lesson.is_published:
                await _lessons_changed(course, effects, lesson)
    except IntegrityError as exc:
        raise Conflict("A lesson of this course has this slug") from exc
    return lesson


async def update_lesson(deps: Deps, course: Course, lesson: Lesson, data: LessonUpdate) -> Lesson:
    changes = data.model_dump(exclude_unset=True)
    refuse_nulls(Lesson, changes)
    if "section_id" in changes:
        await _check_section(course, changes["section_id"])
    if changes.get("video_url") is not None:
        changes["video_url"] = str(changes["video_url"])
    if changes.get("slug") and changes["slug"] != lesson.slug:
        taken = Lesson.filter(course_id=course.id, slug=changes["slug"]).exclude(id=lesson.id)
        if await taken.exists():
            raise Conflict("A lesson of this course has this slug")
    if not changes:
        return lesson
    from lms_rt.assignments.authoring import check_lesson_type

    async with atomic(deps) as effects:
        if "type" in changes:
            await check_lesson_type(lesson.id, changes["type"])
        await Lesson.filter(id=lesson.id).update(**changes)
        updated = await Lesson.get(id=lesson.id)
        if updated.is_published != lesson.is_published or (
            updated.is_optional != lesson.is_optional
        ):
            await _lessons_changed(course, effects, updated if updated.is_published else None)
    return updated


async def delete_lesson(deps: Deps, course: Course, lesson: Lesson) -> None:
    """409 while the lesson's assignment has submissions: graded work is never cascaded away."""
    from lms_rt.assignments.authoring import check_lesson_deletable

    async with atomic(deps) as effects:
        await check_lesson_deletable(lesson.id)
        files = await cleanup.keys_of(lesson_id=lesson.id)
        await lesson.delete()
        if lesson.is_published:
            await _lessons_changed(course, effects, None)
    await cleanup.delete_objects(deps, files)


async def _lessons_changed(course: Course, effects: PostCommit, published: Lesson | None) -> None:
    """The set of published lessons changed: every enrollment's totals follow, and those
    that this completes (a required lesson went away) are announced like any completion."""
    for completed in await refresh_course_totals(course.id):
        enrollment_events.enrollment_completed(effects, completed)
    if published is not None and course.is_published:
        effects.publish(
            f"course:{course.id}",
            "lesson.published",
            {"lesson_id": str(published.id), "title": published.title},
        )


async def reorder_lessons(course: Course, lesson_ids: list[uuid.UUID], deps: Deps) -> None:
    """All-or-nothing: the list must name every lesson of the course exactly once."""
    current = set(await Lesson.filter(course_id=course.id).values_list("id", flat=True))
    if len(lesson_ids) != len(set(lesson_ids)) or set(lesson_ids) != current:
        raise Invalid(
            "lesson_ids must list every lesson of the course exactly once",
            details=[
                {
                    "field": "lesson_ids",
                    "missing": sorted(str(i) for i in current - set(lesson_ids)),
                    "unknown": sorted(str(i) for i in set(lesson_ids) - current),
                }
            ],
        )
    async with atomic(deps):
        for position, lesson_id in enumerate(lesson_ids):
            await Lesson.filter(id=lesson_id).update(order=position)


def unlock_time(enrolled_at: datetime, lesson: Lesson) -> datetime | None:
    if lesson.available_after_days <= 0:
        return None
    return enrolled_at + timedelta(days=lesson.available_after_days)


def lesson_summary(lesson: Lesson, enrollment: Enrollment | None, staff: bool) -> LessonSummary:
    available_at = unlock_time(enrollment.enrolled_at, lesson) if enrollment else None
    return LessonSummary(
        id=lesson.id,
        section_id=lesson.section_id,
        title=lesson.title,
        slug=lesson.slug,
        type=lesson.type,
        order=lesson.order,
        duration_minutes=lesson.duration_minutes,
        is_preview=lesson.is_preview,
        is_optional=lesson.is_optional,
        is_published=lesson.is_published,
        available_after_days=lesson.available_after_days,
        available_at=available_at,
        locked=not staff and not _can_read(lesson, enrollment),
    )


def _can_read(lesson: Lesson, enrollment: Enrollment | None) -> bool:
    if lesson.is_preview:
        return True
    if enrollment is None or enrollment.status not in (
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.COMPLETED,
    ):
        return False
    unlocks = unlock_time(enrollment.enrolled_at, lesson)
    return unlocks is None or unlocks <= now()


async def readable_lesson(user: User | None, course: Course, lesson: Lesson, staff: bool) -> None:
    """Content is for staff, enrolled students once a drip lesson unlocks, and previews."""
    if staff:
        return
    if not lesson.is_published:
        raise NotFound("No such lesson in this course")
    enrollment = await viewer_enrollment(user, course)
    if _can_read(lesson, enrollment):
        return
    if enrollment is not None and enrollment.status in (
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.COMPLETED,
    ):
        unlocks = unlock_time(enrollment.enrolled_at, lesson)
        raise Forbidden(
            "This lesson unlocks later",
            details=[
                {"reason": "drip_locked", "available_at": unlocks.isoformat() if unlocks else None}
            ],
        )
    raise Forbidden(
        "Enroll in the course to read this lesson", details=[{"reason": "not_enrolled"}]
    )


async def viewer_enrollment(user: User | None, course: Course) -> Enrollment | None:
    if user is None:
        return None
    return await Enrollment.filter(student_id=user.id, course_id=course.id).first()


async def outline(
    user: User | None, course: Course, staff: bool
) -> tuple[list[tuple[Section, list[LessonSummary]]], list[LessonSummary], Enrollment | None]:
    enrollment = await viewer_enrollment(user, course)
    lessons = Lesson.filter(course_id=course.id)
    if not staff:
        lessons = lessons.filter(is_published=True)
    summaries = [
        lesson_summary(lesson, enrollment, staff) for lesson in await lessons.order_by("order")
    ]
    sections = await Section.filter(course_id=course.id).order_by("order")
    by_section: dict[uuid.UUID | None, list[LessonSummary]] = {}
    for summary in summaries:
        by_section.setdefault(summary.section_id, []).append(summary)
    return (
        [(section, by_section.get(section.id, [])) for section in sections],
        by_section.get(None, []),
        enrollment,
    )
