"""Erasing a user's personal data.

A user asks with their password and gets a cooling-off period (``erasure_cooling_off_days``)
in which they may cancel; an admin erases at once, with a reason. Erasure is one transaction:

- removed: name, email, password, profile, MFA secrets, sign-in sessions (their sockets close),
  one-time tokens, notifications and preferences, quiz accommodations, the link to the payment
  provider's customer (live subscriptions are cancelled, at the provider after the commit),
  the text of reviews and submissions, every uploaded file (avatar, submissions, exports),
  certificate PDFs and the submission archives staff made of assignments they handed in to;
  the mail log's address is rewritten, payment providers' event payloads are cut to ids and
  amounts, and a pending export fails;
- anonymised, kept because others need them with no link to a person: the user row itself
  (``Deleted user``, an address that cannot receive mail), enrollments and progress (course
  statistics), quiz and live answers (item analysis), scores, chat and Q&A messages (shown as
  written by ``Deleted user``), payment and refund records (which the law requires);
- issued certificates stay verifiable (valid or revoked) but show no name; one still being
  rendered is never issued.

Admins and the owners of courses are refused (demote, transfer the courses first); a due
request whose user became one since is cancelled with the reason.

Course content an instructor wrote belongs to the course and stays. Stored objects are deleted
after the commit: a crash in between leaves orphaned objects, never a half-erased account.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import timedelta
from typing import Any

from lms_rt.assignments.models import Submission
from lms_rt.audit import trail as audit
from lms_rt.auth.models import AuthSession, OneTimeToken
from lms_rt.auth.service import announce_access_changed, revoke_sessions
from lms_rt.certificates.models import Certificate
from lms_rt.courses.models import Course
from lms_rt.db import PostCommit, atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment
from lms_rt.errors import Conflict, Forbidden, NotFound
from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.live.models import LiveMessage, LiveParticipant
from lms_rt.notifications.models import Notification, NotificationPreference
from lms_rt.payments.erasure import end_subscriptions
from lms_rt.payments.models import StripeCustomer
from lms_rt.privacy import traces
from lms_rt.privacy.models import DataExport, ErasureRequest, ExportStatus
from lms_rt.quizzes.models import QuizAccommodation
from lms_rt.users.models import Role, User

log = logging.getLogger(__name__)

DELETED_NAME = "Deleted user"
# Files that are the user's own; course thumbnails and lesson attachments belong to courses.
PERSONAL_FILES = (
    FilePurpose.AVATAR,
    FilePurpose.SUBMISSION,
    FilePurpose.DATA_EXPORT,
    FilePurpose.CERTIFICATE,
)
EXPORT_ERASED = "The account was erased"


def erased_email(user_id: uuid.UUID) -> str:
    """Unique, and in a reserved domain that never receives mail (RFC 2606)."""
    return f"erased-{user_id}@erased.invalid"


async def pending_request(user_id: uuid.UUID) -> ErasureRequest | None:
    return await ErasureRequest.filter(
        user_id=user_id, cancelled_at=None, completed_at=None
    ).first()


async def owned_courses(user_id: uuid.UUID) -> list[str]:
    rows = await Course.filter(instructor_id=user_id).order_by("title").values_list("title")
    return [str(row[0]) for row in rows]


async def refusal(user: User) -> str | None:
    """Why this account may not be erased (yet), or ``None``."""
    if user.role == Role.ADMIN:
        return "An admin account cannot be erased; have another admin demote it first"
    titles = await owned_courses(user.id)
    if titles:
        return "Transfer the ownership of these courses first: " + ", ".join(
            repr(t) for t in titles
        )
    return None


async def _refuse_if_needed(user: User) -> None:
    reason = await refusal(user)
    if reason is not None:
        titles = await owned_courses(user.id)
        raise Conflict(reason, details=[{"course_titles": titles}] if titles else None)


async def _lock_user(user_id: uuid.UUID) -> None:
    """Serialises two requests of one user (PostgreSQL; SQLite serialises transactions)."""
    await User.filter(id=user_id).select_for_update().first()


async def request_erasure(deps: Deps, user: User, password: str, client_ip: str) -> ErasureRequest:
    """The password check counts towards the same throttle as signing in."""
    throttle = deps.auth.throttle
    await throttle.check(user.email, client_ip)
    if not await deps.auth.hasher.verify(password, user.password_hash):
        await throttle.failed(user.email, client_ip)
        raise Forbidden("Incorrect password")
    await _refuse_if_needed(user)
    now = deps.clock.now()
    days = deps.settings.erasure_cooling_off_days
    async with atomic(deps) as effects:
        await _lock_user(user.id)
        if await pending_request(user.id) is not None:
            raise Conflict("Your account is already due to be erased")
        request = await ErasureRequest.create(
            user_id=user.id,
            requested_by_id=user.id,
            requested_at=now,
            effective_at=now + timedelta(days=days),
        )
        key = f"erasure-requested:{request.id}"
        effects.enqueue(
            "send_email",
            user.email,
            "notification",
            {
                "title": "Your account is due to be erased",
                "body": (
                    f"You asked for your account and personal data to be erased. This happens "
                    f"on {request.effective_at:%Y-%m-%d %H:%M} UTC. Until then you can cancel "
                    f"by signing in; if you did not ask for this, sign in and cancel now."
                ),
                "link": deps.settings.base_url.rstrip("/") + "/my-learning",
            },
            key,
            job_id=key,
        )
    return request


async def cancel_erasure(deps: Deps, user: User) -> ErasureRequest:
    request = await pending_request(user.id)
    if request is None:
        raise NotFound("No erasure is pending")
    cancelled = await ErasureRequest.filter(id=request.id, completed_at=None).update(
        cancelled_at=deps.clock.now()
    )
    if not cancelled:
        raise Conflict("The erasure has already happened")
    return await ErasureRequest.get(id=request.id)


async def erase_now(deps: Deps, admin: User, user_id: uuid.UUID, reason: str) -> ErasureRequest:
    target = await User.filter(id=user_id).first()
    if target is None or target.erased_at is not None:
        raise NotFound("No such user")
    if target.id == admin.id:
        raise Conflict("Admins cannot erase their own account this way")
    await _refuse_if_needed(target)
    now = deps.clock.now()
    request = await ErasureRequest.create(
        user_id=target.id,
        requested_by_id=admin.id,
        reason=reason,
        requested_at=now,
        effective_at=now,
    )
    await erase(deps, request.id)
    return await ErasureRequest.get(id=request.id)


async def erase(deps: Deps, request_id: uuid.UUID) -> bool:
    """Carry out one due request; ``False`` if it was cancelled, done already, or refused
    because the user became an admin or a course owner since it was made."""
    now = deps.clock.now()
    keys: list[str] = []
    async with atomic(deps) as effects:
        due = ErasureRequest.filter(
            id=request_id, cancelled_at=None, completed_at=None, effective_at__lte=now
        )
        request = await due.first()
        if request is None:
            return False
        user = await User.get(id=request.user_id)
        refused = await refusal(user)
        if refused is not None:
            note = f"Not erased: {refused}"
            reason = f"{request.reason}\n{note}" if request.reason else note
            await due.update(cancelled_at=now, reason=reason)
            log.warning("erasure %s of user %s cancelled: %s", request_id, user.id, refused)
            return False
        if not await due.update(completed_at=now):
            return False
        keys = await _erase_user(deps, effects, user)
        await audit.record(
            "user.erased",
            "user",
            request.user_id,
            actor_id=request.requested_by_id,
            after={"erasure_request_id": str(request.id), "files_deleted": len(keys)},
            reason=request.reason,
        )
    for key in keys:
        try:
            await deps.storage.delete(key)
        except Exception:  # an orphaned object is harmless; the rows are gone
            log.warning("erasure %s: could not delete stored object %s", request_id, key)
    return True


async def _erase_user(deps: Deps, effects: PostCommit, user: User) -> list[str]:
    """Inside the erasure's transaction; returns the storage keys to delete after commit."""
    user_id = user.id
    now = deps.clock.now()
    await traces.rewrite_sent_mail(user.email, erased_email(user_id))
    await traces.scrub_webhook_payloads(user_id)
    await end_subscriptions(effects, user_id)
    await User.filter(id=user_id).update(
        email=erased_email(user_id),
        full_name=DELETED_NAME,
        password_hash="!" + secrets.token_hex(16),  # matches no password
        is_active=False,
        email_verified_at=None,
        last_login_at=None,
        timezone="UTC",
        profile={},
        mfa_enabled=False,
        mfa_secret=None,
        mfa_pending_secret=None,
        mfa_last_step=None,
        erased_at=now,
    )
    await revoke_sessions(user_id, "erased")
    announce_access_changed(user_id)
    await AuthSession.filter(user_id=user_id).update(user_agent="", ip="")
    await OneTimeToken.filter(user_id=user_id).delete()
    await Notification.filter(user_id=user_id).delete()
    await NotificationPreference.filter(user_id=user_id).delete()
    await QuizAccommodation.filter(student_id=user_id).delete()
    await StripeCustomer.filter(user_id=user_id).delete()
    await Enrollment.filter(student_id=user_id).update(review=None)
    keys = await traces.drop_submission_archives(user_id)
    await Submission.filter(student_id=user_id).update(body="", url=None, file_ids=[])
    await LiveParticipant.filter(user_id=user_id).update(display_name=DELETED_NAME)
    await LiveMessage.filter(author_id=user_id).update(author_name=DELETED_NAME)
    keys += await _erase_certificates(user_id)
    files = await StoredFile.filter(owner_id=user_id, purpose__in=list(PERSONAL_FILES))
    await DataExport.filter(user_id=user_id).update(file_id=None)
    await DataExport.filter(user_id=user_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.FAILED, finished_at=now, error=EXPORT_ERASED
    )
    await StoredFile.filter(id__in=[f.id for f in files]).delete()
    return [*keys, *(f.key for f in files)]


async def _erase_certificates(user_id: uuid.UUID) -> list[str]:
    """Issued certificates keep their storage key as the record that they were issued (the
    PDF itself is deleted), so they still verify; one never rendered stays unissued for
    good (``holder_erased`` stops the job and the repair) and never verifies."""
    keys: list[str] = await Certificate.filter(
        student_id=user_id, file_key__not_isnull=True
    ).values_list("file_key", flat=True)  # type: ignore[assignment]
    await Certificate.filter(student_id=user_id).update(student_name="", holder_erased=True)
    return keys


async def erase_due(ctx: dict[str, Any]) -> int:
    """Cron: every request whose cooling-off period is over; one that fails is logged and
    tried again on the next run, the others go ahead."""
    deps: Deps = ctx["deps"]
    due = await ErasureRequest.filter(
        cancelled_at=None, completed_at=None, effective_at__lte=deps.clock.now()
    ).values_list("id", flat=True)
    done = 0
    for request_id in due:
        try:
            done += await erase(deps, request_id)  # type: ignore[arg-type]
        except Exception:
            log.exception("erasure %s failed; it is tried again on the next run", request_id)
    return done
