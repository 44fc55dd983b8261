"""Data-source URLs: private, loopback, link-local and local-name hosts are refused; public ones pass."""

from __future__ import annotations

import pytest

from frontier.security.addresses import private_address_problem


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8080/",
        "http://10.1.2.3/feed.xml",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://0.0.0.0/",
        "http://localhost:8000/",
        "http://LOCALHOST./",
        "http://printer.local/",
        "http://metadata.google.internal/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://100.64.0.1/",  # carrier-grade NAT
    ],
)
def test_a_url_inside_this_machine_or_its_networks_is_refused(url: str) -> None:
    assert private_address_problem(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://api.github.com",
        "https://hnrss.org/frontpage",
        "https://93.184.215.14/feed.xml",
        "https://[2606:4700::1111]/",
        "https://1password.com/",
    ],
)
def test_a_public_url_passes(url: str) -> None:
    assert private_address_problem(url) is None
