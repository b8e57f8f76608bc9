"""Issuing a certificate in three idempotent steps, each safe to repeat after a crash.

1. :func:`certificate_for` creates the row with its number and a snapshot of what will be
   printed; the unique enrollment makes a second or racing run reuse it.
2. :func:`render_pdf` and :func:`store_pdf` draw the PDF off the event loop and store it under
   a key fixed by the certificate's id, so a run killed before step 3 just overwrites it.
3. :func:`mark_issued` sets ``file_key`` with ``WHERE file_key IS NULL``: exactly one run wins,
   and only that run announces the certificate (event and email, after its commit).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.exceptions import IntegrityError

from lms_rt.certificates import events
from lms_rt.certificates.links import verify_url
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.numbers import new_number
from lms_rt.certificates.pdf import CertificateText, render_certificate
from lms_rt.config import Settings
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment
from lms_rt.errors import LmsError
from lms_rt.mail.models import SentMail
from lms_rt.users.models import User

log = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"


class StorageFailed(Exception):
    """Storing the PDF failed for a reason that may pass (a store restarting, a network blip)."""


def storage_key(certificate_id: uuid.UUID) -> str:
    """Chosen by the server, one per certificate: a re-render overwrites, never accumulates."""
    return f"certificates/{certificate_id}.pdf"


def local_date(moment: datetime, timezone: str) -> date:
    """The day the student finished, on their own calendar (users carry an IANA timezone)."""
    try:
        return moment.astimezone(ZoneInfo(timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return moment.date()


async def certificate_for(deps: Deps, enrollment_id: uuid.UUID) -> Certificate | None:
    """The enrollment's certificate, created on first use; ``None`` if it is not completed."""
    existing = await Certificate.filter(enrollment_id=enrollment_id).first()
    if existing is not None:
        return existing
    enrollment = (
        await Enrollment.filter(id=enrollment_id)
        .select_related("student", "course__instructor")
        .first()
    )
    if enrollment is None or enrollment.completed_at is None:
        return None
    student, course = enrollment.student, enrollment.course
    completed = local_date(enrollment.completed_at, student.timezone)
    try:
        return await Certificate.create(
            enrollment_id=enrollment.id,
            student_id=student.id,
            course_id=course.id,
            number=new_number(deps.settings.certificate_prefix, completed.year),
            student_name=student.full_name,
            course_title=course.title,
            instructor_name=course.instructor.full_name,
            completion_date=completed,
        )
    except IntegrityError:
        # A racing run created it first (160 random bits make a number clash a non-event).
        raced = await Certificate.filter(enrollment_id=enrollment_id).first()
        if raced is None:
            raise
        return raced


def printed_text(settings: Settings, certificate: Certificate) -> CertificateText:
    return CertificateText(
        number=certificate.number,
        student_name=certificate.student_name,
        course_title=certificate.course_title,
        instructor_name=certificate.instructor_name,
        completion_date=certificate.completion_date,
        verify_url=verify_url(settings, certificate.number),
    )


async def render_pdf(settings: Settings, certificate: Certificate) -> bytes:
    # fpdf2 and HarfBuzz are CPU-bound and synchronous: a thread keeps the loop serving.
    return await asyncio.to_thread(render_certificate, printed_text(settings, certificate))


async def store_pdf(deps: Deps, certificate: Certificate, data: bytes) -> str:
    key = storage_key(certificate.id)
    try:
        await deps.storage.put(key, data, PDF_CONTENT_TYPE)
    except LmsError:
        raise  # a refused key is a bug, not a passing failure
    except Exception as exc:
        raise StorageFailed(f"storing {key} failed: {exc}") from exc
    return key


async def announce_unsent(deps: Deps, certificate: Certificate) -> bool:
    """Announce an issued certificate again unless its email is known to be sent: the event
    may repeat (clients treat it as a refresh), the email job has the same id and the mail
    job's sent-marker, so the student still gets one message."""
    if certificate.is_revoked or await SentMail.filter(key=events.mail_key(certificate)).exists():
        return False
    student = await User.get(id=certificate.student_id)
    async with atomic(deps) as effects:
        await events.certificate_issued(effects, deps.settings, certificate, student.email)
    return True


async def mark_issued(deps: Deps, certificate: Certificate, key: str) -> bool:
    """Record the stored PDF; ``True`` for the one run that did, which then announces it.

    A certificate revoked while it was rendering is stored but not announced.
    """
    async with atomic(deps) as effects:
        changed = await Certificate.filter(id=certificate.id, file_key=None).update(file_key=key)
        if not changed:
            return False
        issued = await Certificate.get(id=certificate.id)
        student = await User.get(id=issued.student_id)
        if not issued.is_revoked:
            await events.certificate_issued(effects, deps.settings, issued, student.email)
    log.info("certificate %s issued for enrollment %s", issued.number, issued.enrollment_id)
    return True
