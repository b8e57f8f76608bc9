"""``/api/v1/users/me/export(s)``, ``/users/me/erase`` and ``/users/{id}/erase``."""

from __future__ import annotations

from aiohttp import hdrs, web

from lms_rt import keys
from lms_rt.auth.permissions import ADMIN, ANYONE_SIGNED_IN
from lms_rt.errors import NotFound
from lms_rt.http.client_ip import client_ip, parse_networks
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.parsing import path_uuid
from lms_rt.privacy import erasure, exports
from lms_rt.privacy.models import DataExport, ErasureRequest, ExportStatus
from lms_rt.privacy.schemas import AdminEraseIn, EraseIn, ErasureOut, ExportOut
from lms_rt.users.models import User

api = ApiRoutes(tag="privacy")


def export_out(export: DataExport) -> ExportOut:
    out = ExportOut.model_validate(export)
    if export.status == ExportStatus.READY:
        out.download_path = f"/api/v1/users/me/exports/{export.id}/download"
    return out


def erasure_out(request: ErasureRequest) -> ErasureOut:
    return ErasureOut(
        id=request.id,
        user_id=request.user_id,
        requested_at=request.requested_at,
        effective_at=request.effective_at,
        cancelled_at=request.cancelled_at,
        completed_at=request.completed_at,
        by_admin=request.requested_by_id is not None and request.requested_by_id != request.user_id,
        reason=request.reason,
    )


@api.post(
    "/users/me/export",
    summary="Ask for a ZIP of all your personal data",
    response=ExportOut,
    status=202,
    roles=ANYONE_SIGNED_IN,
    errors=[409],
)
async def request_export(request: web.Request, user: User) -> ExportOut:
    """Built by a job (profile, enrollments, progress, attempts and answers, submissions,
    grades, certificates, payments, notifications, uploaded files); you are notified with a
    link when it is ready. One export is prepared at a time."""
    return export_out(await exports.request_export(request.app[keys.DEPS], user))


@api.get(
    "/users/me/exports",
    summary="Your data exports",
    response=list[ExportOut],
    roles=ANYONE_SIGNED_IN,
)
async def my_exports(request: web.Request, user: User) -> list[ExportOut]:
    return [export_out(e) for e in await exports.my_exports(user)]


@api.get(
    "/users/me/exports/{export_id}/download",
    summary="Download an export (redirect to a short-lived link)",
    status=302,
    roles=ANYONE_SIGNED_IN,
    errors=[404, 409, 410],
)
async def download_export(request: web.Request, user: User) -> web.StreamResponse:
    url = await exports.download_url(request.app[keys.DEPS], user, path_uuid(request, "export_id"))
    return web.Response(status=302, headers={hdrs.LOCATION: url, hdrs.CACHE_CONTROL: "no-store"})


@api.post(
    "/users/me/erase",
    summary="Ask for your account and personal data to be erased",
    body=EraseIn,
    response=ErasureOut,
    status=202,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 409, 429],
)
async def request_erasure(request: web.Request, body: EraseIn, user: User) -> ErasureOut:
    """Takes effect after the cooling-off period (7 days by default), until when
    ``DELETE /users/me/erase`` cancels it. A mail confirms the request. Admins (demote first)
    and owners of courses (transfer them first) get 409; wrong passwords count towards the
    sign-in throttle (429)."""
    deps = request.app[keys.DEPS]
    address = client_ip(request, parse_networks(deps.settings.trusted_proxies))
    return erasure_out(await erasure.request_erasure(deps, user, body.password, address))


@api.get(
    "/users/me/erase",
    summary="Your pending erasure, if any",
    response=ErasureOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def pending_erasure(request: web.Request, user: User) -> ErasureOut:
    pending = await erasure.pending_request(user.id)
    if pending is None:
        raise NotFound("No erasure is pending")
    return erasure_out(pending)


@api.delete(
    "/users/me/erase",
    summary="Cancel your pending erasure",
    response=ErasureOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404, 409],
)
async def cancel_erasure(request: web.Request, user: User) -> ErasureOut:
    return erasure_out(await erasure.cancel_erasure(request.app[keys.DEPS], user))


@api.post(
    "/users/{user_id}/erase",
    summary="Erase a user's personal data now (admin)",
    body=AdminEraseIn,
    response=ErasureOut,
    roles=ADMIN,
    errors=[403, 404, 409],
)
async def erase_user(request: web.Request, body: AdminEraseIn, user: User) -> ErasureOut:
    """No cooling-off period; the reason is kept with the request."""
    target = path_uuid(request, "user_id")
    return erasure_out(await erasure.erase_now(request.app[keys.DEPS], user, target, body.reason))
