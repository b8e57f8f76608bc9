"""Security headers on every response, set just before it is sent."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys

# Pages load scripts and styles only from this origin; nothing inline, no framing.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI sets inline style attributes and renders data: images; still no inline script.
DOCS_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.content_type == "text/html":
        csp = DOCS_CSP if request.path.startswith("/api/docs") else PAGE_CSP
        headers.setdefault("Content-Security-Policy", csp)
    else:
        headers.setdefault("Content-Security-Policy", API_CSP)
    if request.app[keys.SETTINGS].env == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
