"""``/api/v1/certificates``: your certificates, their PDFs, public verification, admin actions."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.auth.permissions import ADMIN, ANYONE_SIGNED_IN
from lms_rt.certificates import service, verification
from lms_rt.certificates.downloads import pdf_response
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.presenters import certificate_out, verification_out
from lms_rt.certificates.schemas import (
    CertificateOut,
    CertificatesQuery,
    RevokeIn,
    VerificationOut,
)
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page
from lms_rt.http.parsing import path_uuid
from lms_rt.users.models import User

api = ApiRoutes(tag="certificates")

# Declared before "/certificates/{certificate_id}" so the literal path is matched first.


@api.get(
    "/certificates/my-certificates",
    summary="Your certificates, newest first",
    query=CertificatesQuery,
    response=Page[CertificateOut],
    roles=ANYONE_SIGNED_IN,
)
async def my_certificates(
    request: web.Request, query: CertificatesQuery, user: User
) -> Page[CertificateOut]:
    """Includes certificates still being rendered (``status`` "rendering", no download yet)
    and revoked ones."""
    settings = request.app[keys.SETTINGS]
    rows = Certificate.filter(student_id=user.id)
    total = await rows.count()
    page = await rows.order_by("-issued_at", "id").offset(query.offset).limit(query.limit)
    return Page[CertificateOut](
        items=[certificate_out(settings, c) for c in page],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


@api.get(
    "/certificates/verify/{number}",
    summary="Verify a certificate by its number (public)",
    response=VerificationOut,
    errors=[404],
)
async def verify(request: web.Request) -> VerificationOut:
    """No sign-in needed; rate limited per client address. Answers whether the certificate is
    valid or revoked and what it certifies — never an email address or an id."""
    await verification.check_budget(request)
    certificate = await verification.issued_certificate(request.match_info["number"])
    return verification_out(certificate)


@api.get(
    "/certificates/{certificate_id}",
    summary="A certificate (owner, course staff, admins)",
    response=CertificateOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def get_certificate(request: web.Request, user: User) -> CertificateOut:
    certificate = await service.visible_certificate(user, path_uuid(request, "certificate_id"))
    return certificate_out(request.app[keys.SETTINGS], certificate)


@api.get(
    "/certificates/{certificate_id}/download",
    summary="The certificate's PDF (owner, course staff, admins)",
    roles=ANYONE_SIGNED_IN,
    errors=[404, 409, 410, 503],
)
async def download(request: web.Request, user: User) -> web.StreamResponse:
    """``application/pdf`` as an attachment. 409 while the PDF is being rendered, 410 once the
    certificate is revoked."""
    certificate = await service.visible_certificate(user, path_uuid(request, "certificate_id"))
    data = await service.pdf_of(request.app[keys.DEPS], certificate)
    return pdf_response(certificate, data)


@api.post(
    "/certificates/{certificate_id}/revoke",
    summary="Revoke a certificate (admins)",
    body=RevokeIn,
    response=CertificateOut,
    roles=ADMIN,
    errors=[404, 409],
)
async def revoke(request: web.Request, body: RevokeIn, user: User) -> CertificateOut:
    """Final: the number verifies as revoked from now on; 409 if it already is."""
    deps = request.app[keys.DEPS]
    certificate = await service.revoke(deps, path_uuid(request, "certificate_id"), body.reason)
    return certificate_out(deps.settings, certificate)


@api.post(
    "/certificates/{certificate_id}/reissue",
    summary="Render the PDF again with the student's current name (admins)",
    response=CertificateOut,
    roles=ADMIN,
    errors=[404, 409, 503],
)
async def reissue(request: web.Request, user: User) -> CertificateOut:
    """Keeps the number, course, instructor and date. Does not un-revoke: 409 for a revoked
    certificate, and for one whose first PDF is still being rendered."""
    deps = request.app[keys.DEPS]
    certificate = await service.reissue(deps, path_uuid(request, "certificate_id"))
    return certificate_out(deps.settings, certificate)
