"""The scheme and host a client used, behind a proxy that terminates TLS.

Only a direct peer listed in ``LMS_TRUSTED_PROXIES`` is believed: the request is cloned with
its ``X-Forwarded-Proto`` and ``X-Forwarded-Host``, so ``request.scheme``, ``request.host``,
``request.secure`` and ``request.url`` describe what the browser saw (the websocket and CSRF
origin checks compare against them). From anyone else the headers are ignored: a client
cannot make itself look like it arrived over https or on another host.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from lms_rt.http.client_ip import Network, parse_networks

_SCHEMES = frozenset({"http", "https"})
# host[:port], a bracketed IPv6 address allowed; nothing that could carry a path or userinfo.
_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$"
)


def _from_proxy(request: web.BaseRequest, networks: Sequence[Network]) -> bool:
    try:
        peer = ipaddress.ip_address(request.remote or "")
    except ValueError:  # a Unix socket (the control socket) has no address
        return False
    return any(peer in network for network in networks)


def _nearest(value: str | None) -> str | None:
    """The right-most entry: the one the trusted peer itself wrote (proxies that append put
    theirs last; anything to its left came from further away and may be forged)."""
    if value is None:
        return None
    entries = [entry.strip() for entry in value.split(",")]
    return entries[-1] or None


def forwarded_changes(request: web.BaseRequest, networks: Sequence[Network]) -> dict[str, Any]:
    """What to change on the request: nothing unless its peer is a trusted proxy."""
    if not networks or not _from_proxy(request, networks):
        return {}
    changes: dict[str, Any] = {}
    scheme = _nearest(request.headers.get("X-Forwarded-Proto"))
    if scheme is not None and scheme.lower() in _SCHEMES:
        changes["scheme"] = scheme.lower()
    host = _nearest(request.headers.get("X-Forwarded-Host"))
    if host is not None and _HOST.match(host):
        changes["host"] = host
    return changes


def forwarded(trusted_proxies: list[str]) -> Middleware:
    """Outermost middleware: everything after it sees the client's scheme and host."""
    networks = parse_networks(trusted_proxies)

    @web.middleware
    async def apply(request: web.Request, handler: Handler) -> web.StreamResponse:
        changes = forwarded_changes(request, networks)
        if changes:
            request = request.clone(**changes)
        return await handler(request)

    return apply
