"""Where the server may be sent to fetch data: public addresses only, unless the operator allows private ones.

An admin-configured URL is a server-side request: pointed at 169.254.169.254 (cloud metadata), localhost or a
private network, it would read what only this machine can reach (SSRF).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")


def private_address_problem(url: str) -> str | None:
    """Why ``url`` points inside this machine or its networks; None for a public name or address.

    Names are judged without a DNS lookup (which may hang, or answer differently later); literal addresses
    in any notation Python parses, and well-known local names, are refused.
    """
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return "is not a valid URL"
    if not host:
        return "has no host"
    host = host.rstrip(".").lower()
    if host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES):
        return f"points at a local name ({host})"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return _numeric_host_problem(host)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if not address.is_global:
        return f"points at a private, loopback or link-local address ({address})"
    return None


def _numeric_host_problem(host: str) -> str | None:
    # "2130706433", "0x7f.1" and "017700000001" are 127.0.0.1 to a resolver: refuse all-numeric hosts.
    labels = host.split(".")
    if all(label.isdigit() or label.startswith("0x") for label in labels if label):
        return f"has a numeric host that is not a plain address ({host})"
    return None
