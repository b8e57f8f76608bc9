"""Public verification by number, for the JSON endpoint and the HTML page alike.

Both share one budget per client address (``settings.certificate_verifications``) on the
process's counters, so a scraper cannot walk numbers through either door. Guessing is hopeless
anyway (160 random bits); the limit keeps the endpoint from being a cheap load generator.
"""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.numbers import normalise, plausible
from lms_rt.errors import NotFound, RateLimited
from lms_rt.http.client_ip import client_ip, parse_networks
from lms_rt.http.ratelimit import RateLimiter

NAMESPACE = "certificate-verify"


async def check_budget(request: web.Request) -> None:
    """429 when this client has verified too often. The limiter keeps no state of its own
    (the counters do), so one is built per request rather than kept on the app."""
    deps = request.app[keys.DEPS]
    limiter = RateLimiter(deps.counters, deps.settings.certificate_verifications, NAMESPACE)
    address = client_ip(request, parse_networks(deps.settings.trusted_proxies))
    retry_after = await limiter.hit(address)
    if retry_after is not None:
        raise RateLimited("Too many verifications; try again later", retry_after=retry_after)


async def issued_certificate(number: str) -> Certificate:
    """The certificate with this number once it was issued (its PDF was stored). Erasure
    deletes the PDF but keeps its key, so an issued certificate still verifies, without a
    name, and one erased before it was ever rendered never does."""
    wanted = normalise(number)
    if not plausible(wanted):
        raise NotFound("No certificate has this number")
    certificate = await Certificate.filter(file_key__not_isnull=True, number=wanted).first()
    if certificate is None:
        raise NotFound("No certificate has this number")
    return certificate
