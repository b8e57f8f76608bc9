"""A small world for the API fuzzer: real objects of every kind a path can name.

A published course with lessons and a section, a quiz with questions and a student's attempt,
an assignment with a submission, a live session, an announcement, a file, a data export, a
certificate, and the three users the fuzzer signs in as (student, instructor, admin) plus a
bystander student the admin's user operations may act on. Everything is made through the
app's services or its API, as the other test folders do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient

from lms_rt.auth.models import AuthSession
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.tasks import issue_certificate
from lms_rt.courses.models import LessonType
from lms_rt.notifications.models import Notification
from lms_rt.users.models import Role, User
from tests.assignments.helpers import create_assignment
from tests.certificates.helpers import complete_course, job_context
from tests.factories import DEFAULT_PASSWORD, course_lessons, create_lesson, signed_in
from tests.files.helpers import png, uploaded
from tests.live.helpers import live_lesson
from tests.quizzes.helpers import (
    API,
    course_with_staff,
    create_quiz,
    short,
    single,
    start,
    student_in,
    true_false,
)

ROLES = (Role.STUDENT, Role.INSTRUCTOR, Role.ADMIN)


@dataclass
class World:
    users: dict[Role, User]
    password: str
    # Path parameter name -> real values of it; "session_id" is split by the path it is in.
    ids: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, *values: Any) -> None:
        self.ids.setdefault(name, []).extend(str(v) for v in values)

    def real_values(self, path: str, name: str) -> list[str]:
        if name == "session_id":
            name = "live_session_id" if "/live/" in path else "auth_session_id"
        return self.ids.get(name, [])


async def _ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status == status, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def build_world(client: TestClient) -> World:
    teacher, teacher_headers, course = await course_with_staff(client, lessons=2)
    student, student_headers, enrollment = await student_in(client, course)
    bystander, bystander_headers, other_enrollment = await student_in(client, course)
    admin, _ = await signed_in(client, Role.ADMIN)
    world = World(
        users={Role.STUDENT: student, Role.INSTRUCTOR: teacher, Role.ADMIN: admin},
        password=DEFAULT_PASSWORD,
    )
    lessons = await course_lessons(course)
    world.add("course", course.id, course.slug)
    world.add("course_id", course.id)
    world.add("lesson", *(lesson.id for lesson in lessons))
    world.add("lesson_id", *(lesson.id for lesson in lessons))
    world.add("enrollment_id", enrollment.id, other_enrollment.id)
    world.add("user_id", bystander.id)
    world.add("student_id", student.id, bystander.id)

    section = await _ok(
        await client.post(
            f"{API}/courses/{course.id}/sections",
            json={"title": "Part one"},
            headers=teacher_headers,
        )
    )
    world.add("section_id", section["id"])

    quiz, questions = await create_quiz(
        client, teacher_headers, course, [single(), true_false(), short()], time_limit_minutes=30
    )
    world.add("quiz_id", quiz["id"])
    world.add("question_id", *(q["id"] for q in questions))
    attempt = await start(client, quiz, student_headers)
    other_attempt = await start(client, quiz, bystander_headers)
    world.add("attempt_id", attempt["id"], other_attempt["id"])

    assignment_lesson = await create_lesson(
        client, course, type=LessonType.ASSIGNMENT, title="Essay"
    )
    world.add("lesson_id", assignment_lesson.id)
    assignment = await _ok(await create_assignment(client, teacher_headers, assignment_lesson))
    world.add("assignment_id", assignment["id"])
    submission = await _ok(
        await client.post(
            f"{API}/assignments/{assignment['id']}/submissions",
            json={"body": "My essay"},
            headers=student_headers,
        )
    )
    world.add("submission_id", submission["id"])

    live = await live_lesson(client, teacher_headers, course)
    world.add("live_session_id", live["id"])
    sessions = await AuthSession.filter(user_id__in=[student.id, teacher.id, admin.id])
    world.add("auth_session_id", *(s.id for s in sessions))

    await _ok(
        await client.post(
            f"{API}/courses/{course.id}/announcements",
            json={"title": "Welcome", "body": "Read the first lesson."},
            headers=teacher_headers,
        )
    )
    notifications = await Notification.filter(user_id__in=[student.id, teacher.id])
    world.add("notification_id", *(n.id for n in notifications))

    avatar = await uploaded(client, student_headers, png())
    world.add("file_id", avatar["id"])
    export = await _ok(await client.post(f"{API}/users/me/export", headers=student_headers), 202)
    world.add("export_id", export["id"])

    completed = await complete_course(
        client, teacher=(teacher, teacher_headers), student=(student, student_headers)
    )
    # Run directly: draining the inline queue would wait for the quiz's deferred close job.
    await issue_certificate(job_context(client), str(completed.enrollment.id))
    certificate = await Certificate.get(enrollment_id=completed.enrollment.id)
    world.add("certificate_id", certificate.id)
    world.add("number", certificate.number)
    world.add("course", completed.course.id)
    world.add("enrollment_id", completed.enrollment.id)
    return world
