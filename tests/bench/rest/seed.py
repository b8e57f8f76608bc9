"""The data of rest_catalog.py, written straight into the database in bulk (no HTTP, no bcrypt).

- one instructor and ``COURSES`` published courses of theirs, with titles, descriptions,
  categories, prices and ratings drawn (deterministically) from realistic pools;
- the first course has 3 sections of 5 published lessons each: the course page's outline;
- ``STUDENTS`` students, each with one sign-in session and an active enrollment in that course,
  and for each an access token and the progress path of one of its lessons.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from slugify import slugify

from lms_rt.auth.models import AuthSession
from lms_rt.auth.tokens import TokenIssuer
from lms_rt.config import Settings
from lms_rt.courses.models import Course, Difficulty, Lesson, LessonType, Section
from lms_rt.courses.search import search_document
from lms_rt.db import open_database
from lms_rt.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from lms_rt.migrate import migrate
from lms_rt.users.models import Role, User

COURSES = 10_000
STUDENTS = 500
SECTIONS = 3
LESSONS_PER_SECTION = 5
BATCH = 1_000
# A password hash no password matches: these accounts only ever hold minted tokens.
NO_PASSWORD = "!"

TOPICS: dict[str, list[str]] = {
    "Programming": [
        "Python", "JavaScript", "TypeScript", "Go", "Rust", "Java", "C#", "Kotlin", "Swift",
        "SQL", "Django", "React", "Node.js", "Flutter", "Algorithms and Data Structures",
    ],
    "Data Science": [
        "Pandas", "Machine Learning", "Deep Learning", "Statistics", "Data Visualization",
        "Natural Language Processing", "Time Series Forecasting", "Power BI", "Excel for Analysts",
    ],
    "Design": [
        "Figma", "UX Research", "Typography", "Adobe Illustrator", "Motion Design",
        "Design Systems", "Logo Design", "Color Theory",
    ],
    "Business": [
        "Project Management", "Negotiation", "Financial Modeling", "Startup Fundraising",
        "Product Management", "Accounting", "Supply Chain Management", "Agile and Scrum",
    ],
    "Marketing": [
        "SEO", "Content Marketing", "Email Marketing", "Social Media Advertising", "Copywriting",
        "Brand Strategy", "Google Analytics", "Growth Marketing",
    ],
    "Languages": [
        "Arabic", "English Grammar", "French", "German", "Spanish", "Business English",
        "IELTS Preparation", "Japanese",
    ],
    "Cloud & DevOps": [
        "Docker", "Kubernetes", "AWS", "Terraform", "Linux Administration", "CI/CD Pipelines",
        "Azure", "Site Reliability Engineering",
    ],
    "Mathematics": [
        "Linear Algebra", "Calculus", "Probability", "Discrete Mathematics", "Number Theory",
        "Differential Equations",
    ],
    "Photography": [
        "Portrait Photography", "Adobe Lightroom", "Street Photography", "Photo Editing",
        "Smartphone Photography",
    ],
    "Music": ["Guitar", "Piano", "Music Theory", "Music Production", "Songwriting", "Oud"],
    "Health & Fitness": ["Nutrition", "Yoga", "Strength Training", "Mindfulness", "Running"],
    "Personal Development": [
        "Time Management", "Public Speaking", "Productivity", "Critical Thinking", "Leadership",
        "Emotional Intelligence",
    ],
}  # fmt: skip

TITLES: list[tuple[str, Difficulty | None]] = [
    ("{topic} for Beginners", Difficulty.BEGINNER),
    ("The Complete {topic} Course", None),
    ("{topic}: From Zero to Hero", Difficulty.BEGINNER),
    ("Mastering {topic}", Difficulty.ADVANCED),
    ("Practical {topic} in {n} Projects", Difficulty.INTERMEDIATE),
    ("Advanced {topic}", Difficulty.ADVANCED),
    ("{topic} Essentials", Difficulty.BEGINNER),
    ("{topic} Masterclass {year}", None),
    ("Hands-On {topic}", Difficulty.INTERMEDIATE),
    ("{topic} Crash Course", Difficulty.BEGINNER),
    ("Professional {topic} Bootcamp", None),
    ("Introduction to {topic}", Difficulty.BEGINNER),
    ("{topic} Deep Dive", Difficulty.ADVANCED),
    ("{topic} for Professionals", Difficulty.INTERMEDIATE),
]

OPENINGS = [
    "Learn {topic} step by step, with {hours} hours of video, quizzes and hands-on exercises.",
    "A practical {topic} course built around real problems rather than toy examples.",
    "Everything you need to become confident with {topic}, explained clearly and at your pace.",
    "Go beyond the basics of {topic} and learn how experienced practitioners really work.",
]
SENTENCES = [
    "You will build {n} real-world projects and get feedback along the way.",
    "Each section ends with a short quiz so you can check your understanding before moving on.",
    "No prior experience is required: we start from the very basics and build up.",
    "Ideal for professionals who want to sharpen their {category} skills.",
    "Includes downloadable resources, cheat sheets and a certificate of completion.",
    "Taught by an instructor with more than ten years of industry experience.",
    "Lessons are short and focused, so you can learn a little every day.",
    "We cover common mistakes and how to avoid them, with worked examples.",
    "By the end you will have a portfolio piece you can show to employers.",
    "Updated for {year} with the latest tools and best practices.",
]
REQUIREMENTS = [
    "A computer with internet access",
    "Curiosity",
    "Basic English",
    "No prior knowledge",
]
PRICES = [19_900, 29_900, 49_900, 79_900, 99_900, 149_900]

OUTLINE: list[tuple[str, list[str]]] = [
    (
        "Getting Started",
        ["Welcome", "Setting Up Your Tools", "Your First Program", "How to Get Help",
         "Quiz: The Basics"],
    ),
    (
        "Core Concepts",
        ["Variables and Types", "Control Flow", "Functions", "Collections", "Error Handling"],
    ),
    (
        "Building a Project",
        ["Planning the Project", "Writing the Core", "Testing It", "Packaging and Sharing",
         "Where to Go Next"],
    ),
]  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    course_id: str
    courses: int
    lessons: int
    instructor_name: str
    # For each student: its access token and the path of one lesson's progress.
    progress: list[tuple[str, str]]


def _course(rng: random.Random, index: int, instructor: User, now: datetime) -> Course:
    category = rng.choice(list(TOPICS))
    topic = rng.choice(TOPICS[category])
    template, difficulty = rng.choice(TITLES)
    year = rng.choice([2024, 2025, 2026])
    title = template.format(topic=topic, n=rng.randint(3, 12), year=year)
    fill = {"topic": topic, "category": category.lower(), "year": year}
    sentences = rng.sample(SENTENCES, rng.randint(2, 4))
    description = " ".join(
        [
            rng.choice(OPENINGS).format(hours=rng.randint(2, 40), **fill),
            *(s.format(n=rng.randint(3, 10), **fill) for s in sentences),
        ]
    )
    slug = f"{slugify(title, max_length=190)}-{index + 1}"
    free = rng.random() < 0.35
    rating_count = rng.randint(0, 2_000)
    return Course(
        title=title,
        slug=slug,
        description=description,
        search_document=search_document(title, description),
        instructor=instructor,
        category=category,
        difficulty=difficulty or rng.choice(list(Difficulty)),
        price_amount=0 if free else rng.choice(PRICES),
        currency="EGP" if rng.random() < 0.8 else "USD",
        is_published=True,
        published_at=now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
        thumbnail_url=f"https://cdn.example.org/thumbnails/{slug}.jpg",
        estimated_duration_minutes=rng.randint(6, 300) * 10,
        metadata={
            "language": rng.choice(["en", "en", "en", "ar", "fr"]),
            "tags": [topic.lower(), category.lower()],
            "requirements": rng.sample(REQUIREMENTS, 2),
        },
        enrollment_count=rng.randint(0, 5_000),
        rating_count=rating_count,
        rating_average=round(rng.uniform(3.2, 5.0), 2) if rating_count else 0.0,
    )


def _outline(course: Course) -> tuple[list[Section], list[Lesson]]:
    sections: list[Section] = []
    lessons: list[Lesson] = []
    for s, (section_title, titles) in enumerate(OUTLINE[:SECTIONS]):
        section = Section(course_id=course.id, title=section_title, order=s)
        sections.append(section)
        for title in titles[:LESSONS_PER_SECTION]:
            order = len(lessons)
            video = order % 3 != 2
            lessons.append(
                Lesson(
                    course_id=course.id,
                    section_id=section.id,
                    title=title,
                    slug=slugify(title),
                    description=f"{title}: what it is, why it matters and how to practise it.",
                    content="" if video else f"# {title}\n\n" + "Read this carefully. " * 40,
                    type=LessonType.VIDEO if video else LessonType.TEXT,
                    order=order,
                    duration_minutes=5 + (order * 7) % 20,
                    video_url=f"https://cdn.example.org/videos/{order}.mp4" if video else None,
                    is_preview=order == 0,
                    is_published=True,
                )
            )
    return sections, lessons


async def seed(settings: Settings) -> Seeded:
    """Migrate, then write everything in a few bulk inserts; returns what the load needs."""
    # In a task of its own: aerich leaves its (closed) Tortoise context in the caller's
    # context variables, where open_database below would find it instead of its own.
    await asyncio.create_task(migrate(settings))
    rng = random.Random(20_261_125)
    now = datetime.now(UTC)
    async with open_database(settings):
        instructor = await User.create(
            email="instructor@bench.example.org",
            password_hash=NO_PASSWORD,
            full_name="Nadia El-Sayed",
            role=Role.INSTRUCTOR,
        )
        courses = [_course(rng, i, instructor, now) for i in range(COURSES)]
        course = courses[0]
        course.enrollment_count = STUDENTS
        await Course.bulk_create(courses, batch_size=BATCH)
        sections, lessons = _outline(course)
        await Section.bulk_create(sections)
        await Lesson.bulk_create(lessons)

        students = [
            User(
                email=f"student-{i}@bench.example.org",
                password_hash=NO_PASSWORD,
                full_name=f"Student {i}",
                role=Role.STUDENT,
            )
            for i in range(STUDENTS)
        ]
        await User.bulk_create(students, batch_size=BATCH)
        expires = now + timedelta(days=1)
        sessions = [AuthSession(user_id=u.id, expires_at=expires) for u in students]
        await AuthSession.bulk_create(sessions, batch_size=BATCH)
        enrollments = [
            Enrollment(
                student_id=u.id,
                course_id=course.id,
                status=EnrollmentStatus.ACTIVE,
                source=EnrollmentSource.FREE,
                total_lessons_count=len(lessons),
            )
            for u in students
        ]
        await Enrollment.bulk_create(enrollments, batch_size=BATCH)

        issuer = TokenIssuer(settings)
        progress = []
        for i, (student, session, enrollment) in enumerate(
            zip(students, sessions, enrollments, strict=True)
        ):
            token, _ = issuer.access(str(student.id), str(session.id), Role.STUDENT.value)
            lesson = lessons[i % len(lessons)]
            progress.append(
                (token, f"/api/v1/enrollments/{enrollment.id}/lessons/{lesson.id}/progress")
            )
    return Seeded(
        course_id=str(course.id),
        courses=len(courses),
        lessons=len(lessons),
        instructor_name=instructor.full_name,
        progress=progress,
    )
