"""Certificates as the API shows them."""

from __future__ import annotations

from lms_rt.certificates.links import download_path, verify_url
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.schemas import CertificateOut, CertificateStatus, VerificationOut
from lms_rt.config import Settings


def status_of(certificate: Certificate) -> CertificateStatus:
    if certificate.is_revoked:
        return CertificateStatus.REVOKED
    if certificate.file_key is None:
        return CertificateStatus.RENDERING
    return CertificateStatus.ISSUED


def certificate_out(settings: Settings, certificate: Certificate) -> CertificateOut:
    status = status_of(certificate)
    return CertificateOut(
        id=certificate.id,
        number=certificate.number,
        status=status,
        enrollment_id=certificate.enrollment_id,
        student_id=certificate.student_id,
        course_id=certificate.course_id,
        student_name=certificate.student_name,
        course_title=certificate.course_title,
        instructor_name=certificate.instructor_name,
        completion_date=certificate.completion_date,
        issued_at=certificate.issued_at,
        revoked_at=certificate.revoked_at,
        revoke_reason=certificate.revoke_reason,
        verify_url=verify_url(settings, certificate.number),
        download_url=download_path(certificate.id)
        if status == CertificateStatus.ISSUED and not certificate.holder_erased
        else None,
    )


def verification_out(certificate: Certificate) -> VerificationOut:
    """No email, no ids: only what the paper itself says, and whether it still stands."""
    return VerificationOut(
        valid=not certificate.is_revoked,
        revoked=certificate.is_revoked,
        number=certificate.number,
        course_title=certificate.course_title,
        student_name=None if certificate.holder_erased else certificate.student_name,
        completion_date=certificate.completion_date,
        issued_at=certificate.issued_at,
        revoked_at=certificate.revoked_at,
    )
