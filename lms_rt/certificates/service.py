"""Who may see a certificate, and what admins may do to one (revoke, reissue)."""

from __future__ import annotations

import uuid

from lms_rt.audit import trail as audit
from lms_rt.auth.permissions import is_admin
from lms_rt.certificates import issuing
from lms_rt.certificates.models import Certificate
from lms_rt.courses.access import is_staff
from lms_rt.courses.models import Course
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Gone, LmsError, NotFound, Unavailable
from lms_rt.users.models import User


async def find_certificate(certificate_id: uuid.UUID) -> Certificate:
    certificate = await Certificate.filter(id=certificate_id).first()
    if certificate is None:
        raise NotFound("No such certificate")
    return certificate


async def visible_certificate(user: User, certificate_id: uuid.UUID) -> Certificate:
    """The owner, the course's staff and admins see it; for anyone else it does not exist."""
    certificate = await find_certificate(certificate_id)
    if certificate.student_id == user.id or is_admin(user):
        return certificate
    course = await Course.filter(id=certificate.course_id).first()
    if course is not None and await is_staff(user, course):
        return certificate
    raise NotFound("No such certificate")


async def pdf_of(deps: Deps, certificate: Certificate) -> bytes:
    """The stored PDF: 409 while it is being rendered, 410 once the certificate is revoked."""
    if certificate.is_revoked:
        raise Gone("This certificate was revoked")
    if certificate.holder_erased:
        raise Gone("The holder's personal data was erased, this certificate's PDF with it")
    if certificate.file_key is None:
        raise Conflict("The certificate is still being prepared; try again in a moment")
    try:
        return await deps.storage.get(certificate.file_key)
    except NotFound:
        raise NotFound("The certificate's file is missing; an admin can reissue it") from None
    except LmsError:
        raise
    except Exception as exc:
        raise Unavailable("The certificate store is unavailable; try again shortly") from exc


async def revoke(deps: Deps, certificate_id: uuid.UUID, reason: str) -> Certificate:
    """Revocation is final: the number stays known and verifies as revoked from now on."""
    certificate = await find_certificate(certificate_id)
    async with atomic(deps):
        changed = await Certificate.filter(id=certificate.id, is_revoked=False).update(
            is_revoked=True, revoked_at=deps.clock.now(), revoke_reason=reason
        )
        if not changed:
            raise Conflict("This certificate is already revoked")
        await audit.record(
            "certificate.revoked",
            "certificate",
            certificate.id,
            before={"is_revoked": False},
            after={"is_revoked": True, "number": certificate.number},
            reason=reason,
        )
    return await Certificate.get(id=certificate.id)


async def reissue(deps: Deps, certificate_id: uuid.UUID) -> Certificate:
    """Render a fresh PDF with the student's current full name, in place.

    The number, course title, instructor and completion date stay as issued; the PDF under
    the same storage key is replaced (atomically, in both storage backends). Reissue does not
    un-revoke: a revoked certificate gets 409, and so does one whose first PDF is still being
    rendered (the job will print the current name anyway). Nobody is notified.
    """
    certificate = await find_certificate(certificate_id)
    if certificate.is_revoked:
        raise Conflict("A revoked certificate cannot be reissued")
    if certificate.holder_erased:
        raise Conflict("The holder's personal data was erased; there is no name to print")
    if certificate.file_key is None:
        raise Conflict("The certificate is still being prepared")
    student = await User.get(id=certificate.student_id)
    certificate.student_name = student.full_name
    data = await issuing.render_pdf(deps.settings, certificate)
    try:
        key = await issuing.store_pdf(deps, certificate, data)
    except issuing.StorageFailed as exc:
        raise Unavailable("The certificate store is unavailable; try again shortly") from exc
    changed = await Certificate.filter(id=certificate.id, is_revoked=False).update(
        student_name=student.full_name, file_key=key
    )
    if not changed:
        raise Conflict("The certificate was revoked meanwhile")
    return await Certificate.get(id=certificate.id)
