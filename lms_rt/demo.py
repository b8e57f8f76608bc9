"""``lms-rt seed-demo``: demo accounts and courses to click around with; safe to run again."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import UTC, datetime

from lms_rt.config import Settings
from lms_rt.courses import service as courses
from lms_rt.courses.models import Course, Difficulty, Lesson, LessonType
from lms_rt.courses.schemas import CourseCreate, LessonCreate, SectionCreate
from lms_rt.deps import Deps
from lms_rt.enrollments import service as enrollments
from lms_rt.enrollments.models import Enrollment, EnrollmentSource
from lms_rt.resources import open_deps
from lms_rt.users.models import Role, User

DEMO_PASSWORD = "demo password"
DEMO_USERS: list[tuple[str, str, Role]] = [
    ("admin@demo.lms", "Dina Admin", Role.ADMIN),
    ("instructor@demo.lms", "Ibrahim Instructor", Role.INSTRUCTOR),
    ("student1@demo.lms", "Salma Student", Role.STUDENT),
    ("student2@demo.lms", "Samir Student", Role.STUDENT),
    ("student3@demo.lms", "Sara Student", Role.STUDENT),
]
DEMO_COURSES: list[dict[str, object]] = [
    {
        "title": "Python for Beginners",
        "description": "Variables, loops and functions: write your first programs in Python.",
        "category": "programming",
        "difficulty": Difficulty.BEGINNER,
        "sections": {
            "Getting started": ["Installing Python", "Your first program"],
            "Core ideas": ["Variables and types", "Loops", "Functions"],
        },
    },
    {
        "title": "Data Analysis with SQL",
        "description": "Query, join and aggregate real data sets with SQL.",
        "category": "data",
        "difficulty": Difficulty.INTERMEDIATE,
        "sections": {
            "Querying": ["SELECT and WHERE", "Sorting and limits"],
            "Combining": ["Joins", "Grouping and aggregates"],
        },
    },
]


async def seed_demo(settings: Settings) -> list[str]:
    """Creates what is missing and reports each account and course."""
    async with AsyncExitStack() as stack, open_deps(settings, stack) as deps:
        lines = await _users(deps)
        instructor = await User.get(email="instructor@demo.lms")
        students = await User.filter(role=Role.STUDENT, email__endswith="@demo.lms").order_by(
            "email"
        )
        for spec in DEMO_COURSES:
            course, created = await _course(deps, instructor, spec)
            lines.append(f"course     {course.slug} ({'created' if created else 'exists'})")
            if created:
                await _class(deps, course, students)
    return lines


async def _users(deps: Deps) -> list[str]:
    password_hash = await deps.auth.hasher.hash(DEMO_PASSWORD)
    lines = []
    for email, name, role in DEMO_USERS:
        _, created = await User.get_or_create(
            email=email,
            defaults={
                "password_hash": password_hash,
                "full_name": name,
                "role": role,
                "email_verified_at": datetime.now(UTC),
            },
        )
        lines.append(f"{role.value:<10} {email} ({'created' if created else 'exists'})")
    return lines


async def _course(deps: Deps, instructor: User, spec: dict[str, object]) -> tuple[Course, bool]:
    existing = await Course.filter(title=str(spec["title"]), instructor_id=instructor.id).first()
    if existing is not None:
        return existing, False
    course = await courses.create_course(
        deps,
        instructor,
        CourseCreate(
            title=str(spec["title"]),
            description=str(spec["description"]),
            category=str(spec["category"]),
            difficulty=Difficulty(str(spec["difficulty"])),
        ),
    )
    sections = spec["sections"]
    assert isinstance(sections, dict)
    for section_title, lesson_titles in sections.items():
        section = await courses.create_section(course, SectionCreate(title=section_title))
        for position, title in enumerate(lesson_titles):
            await courses.create_lesson(
                deps,
                course,
                LessonCreate(
                    title=title,
                    section_id=section.id,
                    type=LessonType.TEXT,
                    content=f"# {title}\n\nThe lesson text of “{title}”.",
                    duration_minutes=10,
                    is_preview=position == 0,
                    is_published=True,
                ),
            )
    await courses.publish_course(deps, course)
    return course, True


async def _class(deps: Deps, course: Course, students: list[User]) -> None:
    """Enroll the demo students with different amounts of progress."""
    lessons = await Lesson.filter(course_id=course.id, is_published=True).order_by("order")
    for done, student in enumerate(students):
        enrollment = await enrollments.admit(deps, student, course, EnrollmentSource.STAFF)
        fresh = await Enrollment.get(id=enrollment.id)
        for lesson in lessons[:done]:
            await enrollments.complete_lesson(deps, student, fresh, lesson.id)
