"""Everything the service holds about one user, as JSON-ready documents per domain.

Secrets are never part of it (password hash, MFA secrets, token hashes); other people's
personal data is not either (a chat export holds the user's own messages, not the room's).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from lms_rt.assignments.models import Submission
from lms_rt.auth.models import AuthSession
from lms_rt.certificates.models import Certificate
from lms_rt.enrollments.models import Enrollment, LessonProgress
from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.gradebook.book import load_book
from lms_rt.live.models import LiveAnswer, LiveAttendance, LiveMessage, LiveParticipant
from lms_rt.notifications.models import Notification, NotificationPreference
from lms_rt.payments.models import Payment, Refund, Subscription
from lms_rt.quizzes.models import AttemptAnswer, QuizAttempt
from lms_rt.users.models import User

Document = list[dict[str, Any]] | dict[str, Any]

PROFILE_FIELDS = (
    "id", "email", "full_name", "role", "is_active", "email_verified_at", "last_login_at",
    "timezone", "profile", "mfa_enabled", "created_at", "updated_at",
)  # fmt: skip


async def profile(user: User) -> dict[str, Any]:
    [row] = await User.filter(id=user.id).values(*PROFILE_FIELDS)
    return row


async def learning(user_id: uuid.UUID) -> dict[str, Document]:
    enrollments = await Enrollment.filter(student_id=user_id).values(
        "id", "course_id", "course__title", "status", "source", "enrolled_at", "completed_at",
        "progress_percentage", "completed_lessons_count", "total_lessons_count", "rating",
        "review",
    )  # fmt: skip
    progress = await LessonProgress.filter(enrollment__student_id=user_id).values(
        "enrollment_id", "lesson_id", "lesson__title", "status", "started_at", "completed_at",
        "time_spent_seconds", "completion_percentage", "last_position_seconds",
    )  # fmt: skip
    return {"enrollments": enrollments, "progress": progress}


async def assessments(user_id: uuid.UUID) -> dict[str, Document]:
    attempts = await QuizAttempt.filter(student_id=user_id).values(
        "id", "quiz_id", "quiz__title", "number", "status", "started_at", "submitted_at",
        "closed_by", "score", "max_score", "percentage", "passed", "graded_at",
    )  # fmt: skip
    answers = await AttemptAnswer.filter(attempt__student_id=user_id).values(
        "attempt_id", "question_id", "question__text", "payload", "saved_at", "points_awarded",
        "is_correct", "feedback", "graded_at",
    )  # fmt: skip
    submissions = await Submission.filter(student_id=user_id).values(
        "id", "assignment_id", "assignment__title", "attempt", "body", "url", "file_ids",
        "submitted_at", "is_late", "days_late", "status", "raw_score", "penalty_percent",
        "score", "rubric_scores", "feedback", "graded_at", "returned_at",
    )  # fmt: skip
    return {"quiz_attempts": attempts, "quiz_answers": answers, "submissions": submissions}


async def live(user_id: uuid.UUID) -> dict[str, Document]:
    participations = await LiveParticipant.filter(user_id=user_id).values(
        "session_id", "session__title", "display_name", "joined_at", "score", "correct_count",
        "answer_ms", "kicked_at",
    )  # fmt: skip
    answers = await LiveAnswer.filter(participant__user_id=user_id).values(
        "session_id", "question_id", "question_index", "choice", "received_at", "elapsed_ms",
        "correct", "points",
    )  # fmt: skip
    messages = await LiveMessage.filter(author_id=user_id).values(
        "session_id", "kind", "text", "created_at", "upvotes", "answered", "hidden_by_host"
    )
    attendance = await LiveAttendance.filter(user_id=user_id).values(
        "session_id", "joined_at", "left_at"
    )
    return {
        "participations": participations,
        "answers": answers,
        "messages": messages,
        "attendance": attendance,
    }


async def grades(user_id: uuid.UUID, now: datetime) -> list[dict[str, Any]]:
    """The student's own gradebook row in each course they are graded in, as they see it."""
    course_ids = await Enrollment.filter(student_id=user_id).values_list("course_id", flat=True)
    documents = []
    for course_id in course_ids:
        book = await load_book(course_id, now, [user_id])  # type: ignore[arg-type]
        if book.rows:
            documents.append(
                {
                    "course_id": str(course_id),
                    "columns": [c.model_dump(mode="json") for c in book.columns],
                    "grades": book.rows[0].model_dump(mode="json"),
                }
            )
    return documents


async def certificates(user_id: uuid.UUID) -> list[dict[str, Any]]:
    return await Certificate.filter(student_id=user_id).values(
        "id", "number", "course_id", "course_title", "student_name", "instructor_name",
        "completion_date", "issued_at", "is_revoked", "revoked_at", "revoke_reason",
    )  # fmt: skip


async def payments(user_id: uuid.UUID) -> dict[str, Document]:
    rows = await Payment.filter(user_id=user_id).values(
        "id", "provider", "provider_reference", "kind", "course_id", "amount", "currency",
        "amount_refunded", "status", "failure_reason", "created_at", "processed_at",
    )  # fmt: skip
    refunds = await Refund.filter(payment__user_id=user_id).values(
        "id", "payment_id", "amount", "reason", "created_at"
    )
    subscriptions = await Subscription.filter(user_id=user_id).values(
        "id", "plan_id", "plan__name", "status", "current_period_end", "paid_through",
        "cancel_at_period_end", "created_at",
    )  # fmt: skip
    return {"payments": rows, "refunds": refunds, "subscriptions": subscriptions}


async def inbox(user_id: uuid.UUID) -> dict[str, Document]:
    notifications = await Notification.filter(user_id=user_id).values(
        "id", "type", "title", "body", "link", "data", "created_at", "read_at"
    )
    preferences = await NotificationPreference.filter(user_id=user_id).values("type", "delivery")
    return {"notifications": notifications, "preferences": preferences}


async def sessions(user_id: uuid.UUID) -> list[dict[str, Any]]:
    return await AuthSession.filter(user_id=user_id).values(
        "id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip"
    )


# Copied into the export: what the user uploaded about themselves.
OWN_UPLOADS = (FilePurpose.AVATAR, FilePurpose.SUBMISSION)
# Listed (name, size, date) but not copied: uploaded by the user as course staff, they are
# the course's content, and may be large.
COURSE_UPLOADS = (FilePurpose.LESSON_ATTACHMENT, FilePurpose.COURSE_THUMBNAIL)


async def uploaded_files(user_id: uuid.UUID) -> list[StoredFile]:
    """Files the user uploaded. Never what the server made for them (exports of their data,
    certificate PDFs, which ``certificates.json`` describes) nor submission archives, which
    hold other students' work."""
    return await StoredFile.filter(
        owner_id=user_id, purpose__in=[*OWN_UPLOADS, *COURSE_UPLOADS]
    ).order_by("created_at", "id")


async def documents(user: User, now: datetime) -> dict[str, Document]:
    """One document per file name inside the export."""
    return {
        "profile.json": await profile(user),
        "learning.json": await learning(user.id),
        "assessments.json": await assessments(user.id),
        "grades.json": await grades(user.id, now),
        "live_sessions.json": await live(user.id),
        "certificates.json": await certificates(user.id),
        "payments.json": await payments(user.id),
        "notifications.json": await inbox(user.id),
        "sign_in_sessions.json": await sessions(user.id),
    }
