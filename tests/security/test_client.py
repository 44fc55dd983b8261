"""The client address: forwarding headers count only when a trusted proxy sent them."""

from __future__ import annotations

from starlette.datastructures import Headers

from frontier.security.client import UNKNOWN_CLIENT, TrustedProxies, client_address

PROXIES = TrustedProxies(["10.0.0.0/8", "2001:db8:ffff::/48", "192.0.2.1"])


def forwarded(*values: str) -> Headers:
    """Headers as the ASGI server hands them over: lower-case names, one entry per header line."""
    return Headers(raw=[(b"x-forwarded-for", value.encode()) for value in values])


def test_direct_client_spoofed_forwarded_for_is_ignored() -> None:
    assert PROXIES.client_address("198.51.100.9", forwarded("203.0.113.7")) == "198.51.100.9"


def test_behind_a_trusted_proxy_the_forwarded_client_is_taken() -> None:
    assert PROXIES.client_address("10.0.0.5", forwarded("203.0.113.7")) == "203.0.113.7"


def test_client_spoofed_entries_left_of_the_real_client_are_ignored() -> None:
    assert PROXIES.client_address("10.0.0.5", forwarded("1.1.1.1, 203.0.113.7")) == "203.0.113.7"


def test_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_address() -> None:
    headers = forwarded("1.1.1.1, 203.0.113.7, 192.0.2.1, 10.1.2.3")

    assert PROXIES.client_address("10.0.0.5", headers) == "203.0.113.7"


def test_every_copy_of_the_header_is_read_so_a_client_copy_cannot_shadow_the_proxy_copy() -> None:
    headers = forwarded("1.1.1.1", "203.0.113.7")

    assert PROXIES.client_address("10.0.0.5", headers) == "203.0.113.7"


def test_header_name_is_matched_in_any_letter_case() -> None:
    assert PROXIES.client_address("10.0.0.5", {"X-Forwarded-For": "203.0.113.7"}) == "203.0.113.7"


def test_all_trusted_entries_give_the_leftmost_one() -> None:
    assert PROXIES.client_address("10.0.0.5", forwarded("10.9.9.9, 10.1.1.1")) == "10.9.9.9"


def test_ipv6_client_behind_an_ipv6_proxy() -> None:
    headers = forwarded("2001:db8:1::7, 2001:db8:ffff::2")

    assert PROXIES.client_address("2001:db8:ffff::1", headers) == "2001:db8:1::7"


def test_ipv6_entries_are_normalised() -> None:
    assert PROXIES.client_address("10.0.0.5", forwarded("2001:DB8:0:0::7")) == "2001:db8::7"


def test_ipv4_mapped_peer_is_matched_against_ipv4_proxies() -> None:
    assert PROXIES.client_address("::ffff:10.0.0.5", forwarded("203.0.113.7")) == "203.0.113.7"


def test_entries_with_ports_are_read() -> None:
    headers = forwarded("[2001:db8:1::7]:443, 203.0.113.7:5678")

    assert PROXIES.client_address("10.0.0.5", headers) == "203.0.113.7"


def test_malformed_entries_are_skipped() -> None:
    headers = forwarded("203.0.113.7, unknown, , not-an-ip, 999.1.1.1")

    assert PROXIES.client_address("10.0.0.5", headers) == "203.0.113.7"


def test_header_with_only_malformed_entries_gives_the_proxy() -> None:
    assert PROXIES.client_address("10.0.0.5", forwarded("unknown, _hidden")) == "10.0.0.5"


def test_no_header_gives_the_peer() -> None:
    assert PROXIES.client_address("10.0.0.5", Headers()) == "10.0.0.5"


def test_missing_peer_is_unknown_and_headers_are_not_read() -> None:
    assert PROXIES.client_address(None, forwarded("203.0.113.7")) == UNKNOWN_CLIENT


def test_non_ip_peer_is_returned_unchanged_and_headers_are_not_read() -> None:
    assert PROXIES.client_address("testclient", forwarded("203.0.113.7")) == "testclient"


def test_no_trusted_proxies_never_reads_the_header() -> None:
    assert client_address("10.0.0.5", forwarded("203.0.113.7"), []) == "10.0.0.5"


def test_client_address_function_reads_the_settings_list() -> None:
    assert client_address("10.0.0.5", forwarded("203.0.113.7"), ["10.0.0.0/8"]) == "203.0.113.7"
