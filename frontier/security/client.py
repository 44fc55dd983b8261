"""The client's address: the socket peer, or X-Forwarded-For when the peer is a trusted proxy."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN_CLIENT = "unknown"  # no peer at all (e.g. a Unix socket): every such request shares this address
_FORWARDED_FOR = "x-forwarded-for"


class TrustedProxies:
    """The proxies (addresses or networks, IPv4 or IPv6) whose X-Forwarded-For header is believed."""

    def __init__(self, networks: Iterable[str]) -> None:
        self._networks: tuple[IPNetwork, ...] = tuple(ipaddress.ip_network(n, strict=False) for n in networks)

    def trusts(self, address: IPAddress) -> bool:
        """True when ``address`` is one of the trusted proxies."""
        return any(address in network for network in self._networks)

    def client_address(self, peer: str | None, headers: Mapping[str, str]) -> str:
        """The address of the client that sent the request, normalised (IPv4-mapped IPv6 becomes IPv4).

        The peer itself unless it is a trusted proxy; then X-Forwarded-For read from the right, skipping
        trusted proxies and unparseable entries, gives the first untrusted address (or, when every entry is
        trusted, the leftmost one). Headers from an untrusted peer are never read: any client can forge them.
        ``peer`` None (no socket address) gives ``UNKNOWN_CLIENT``; a peer that is not an IP address (such
        as Starlette's "testclient") is returned unchanged.
        """
        if peer is None:
            return UNKNOWN_CLIENT
        peer_ip = _parse_address(peer)
        if peer_ip is None:
            return peer
        if not self.trusts(peer_ip):
            return str(peer_ip)
        nearest = peer_ip
        for entry in reversed(_forwarded_for(headers)):
            # Skipping an unparseable entry is safe: a trusted proxy appends a valid address for any
            # untrusted TCP peer, so the walk stops there before reaching what that peer wrote.
            address = _parse_address(entry)
            if address is None:
                continue
            if not self.trusts(address):
                return str(address)
            nearest = address
        return str(nearest)


def client_address(peer: str | None, headers: Mapping[str, str], trusted_proxies: Sequence[str]) -> str:
    """``TrustedProxies(trusted_proxies).client_address(peer, headers)``, parsing each proxy list once."""
    return _trusted_proxies(tuple(trusted_proxies)).client_address(peer, headers)


@lru_cache(maxsize=8)
def _trusted_proxies(networks: tuple[str, ...]) -> TrustedProxies:
    return TrustedProxies(networks)


def _forwarded_for(headers: Mapping[str, str]) -> list[str]:
    """Every X-Forwarded-For entry, left to right, across all copies of the header in any letter case.

    Reading only the first copy would let a client's own header shadow the one a proxy added after it.
    """
    values = [value for name, value in headers.items() if name.lower() == _FORWARDED_FOR]
    return [entry for value in values for entry in value.split(",")]


def _parse_address(text: str) -> IPAddress | None:
    """An address from a peer or header entry ("203.0.113.7", "203.0.113.7:5678", "[2001:db8::1]:443")."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
