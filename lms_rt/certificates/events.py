"""What issuing a certificate tells the student, raised inside the transaction that issued it
and delivered after its commit."""

from __future__ import annotations

from lms_rt.certificates.links import download_url, verify_url
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.schemas import CertificateIssuedEvent
from lms_rt.config import Settings
from lms_rt.db import PostCommit
from lms_rt.notifications.models import NotificationType
from lms_rt.notifications.service import notify

MAIL_TEMPLATE = "certificate_issued"


def mail_key(certificate: Certificate) -> str:
    """The message's identity: one certificate, one email, whatever re-runs or retries."""
    return f"certificate-issued:{certificate.id}"


async def certificate_issued(
    effects: PostCommit, settings: Settings, certificate: Certificate, email: str
) -> None:
    links = {
        "verify_url": verify_url(settings, certificate.number),
        "download_url": download_url(settings, certificate.id),
    }
    data = CertificateIssuedEvent(
        certificate_id=certificate.id,
        number=certificate.number,
        enrollment_id=certificate.enrollment_id,
        course_id=certificate.course_id,
        course_title=certificate.course_title,
        **links,
    ).model_dump(mode="json")
    effects.publish(f"user:{certificate.student_id}", "certificate.issued", data)
    await notify(
        effects,
        [certificate.student_id],
        NotificationType.CERTIFICATE_ISSUED,
        f"Your certificate for {certificate.course_title}",
        link=f"/verify/{certificate.number}",
        data=data,
        key=f"certificate:{certificate.id}",
    )
    key = mail_key(certificate)
    effects.enqueue(
        "send_email",
        email,
        MAIL_TEMPLATE,
        {
            "name": certificate.student_name,
            "course_title": certificate.course_title,
            "number": certificate.number,
            "completion_date": certificate.completion_date.isoformat(),
            **links,
        },
        key,
        job_id=key,
    )
