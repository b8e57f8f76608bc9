"""The public certificate verification page, where the QR code on every certificate leads."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from lms_rt.certificates import verification
from lms_rt.certificates.presenters import verification_out
from lms_rt.errors import NotFound, RateLimited

routes = web.RouteTableDef()

TEMPLATE = "certificates/verify.html"


@routes.get("/verify/{number}", name="certificate_verify")
async def verify_page(request: web.Request) -> web.Response:
    """Valid, revoked (with its date) or not found (404); the same budget as the JSON API.

    Only the printed facts are shown, autoescaped; the page is rendered here rather than by
    the error middleware so that a 404 or 429 is a page too, not a JSON body.
    """
    number = request.match_info["number"]
    try:
        await verification.check_budget(request)
    except RateLimited as exc:
        response = aiohttp_jinja2.render_template(
            TEMPLATE,
            request,
            {"state": "rate_limited", "retry_after": exc.retry_after, "certificate": None},
            status=429,
        )
        response.headers.update(exc.headers)
        return response
    try:
        certificate = await verification.issued_certificate(number)
    except NotFound:
        return aiohttp_jinja2.render_template(
            TEMPLATE,
            request,
            {"state": "not_found", "number": number, "certificate": None},
            status=404,
        )
    facts = verification_out(certificate)
    return aiohttp_jinja2.render_template(
        TEMPLATE,
        request,
        {"state": "revoked" if facts.revoked else "valid", "certificate": facts},
    )
