"""The client's address, trusting ``X-Forwarded-For`` only from configured proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(items: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(item, strict=False) for item in items]


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: web.BaseRequest, trusted: Sequence[Network]) -> str:
    """Walk ``X-Forwarded-For`` from the right while hops are trusted proxies.

    The right-most untrusted address is the client: anything further left was written by the
    client itself and can be forged, so a rotating header never changes who is rate limited.
    """
    peer = request.remote or "unknown"
    if not trusted or not _trusted(peer, trusted):
        return peer
    hops = [
        hop.strip()
        for hop in request.headers.getall("X-Forwarded-For", [])
        for hop in hop.split(",")
    ]
    for hop in reversed([hop for hop in hops if hop]):
        if not _trusted(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return peer
