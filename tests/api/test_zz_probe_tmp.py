from tests.api.conftest import World
import pytest

CASES = [
    ("PUT", "/api/v1/me/profile", {"curiosity_drivers": ["a\u0000b"]}, "owner"),
    ("PATCH", "/api/v1/me", {"display_name": "a\u0000b"}, "owner"),
    ("POST", "/api/v1/me/tokens", {"name": "a\u0000b"}, "owner"),
    ("POST", "/api/v1/auth/sessions", {"email": "a\u0000b@example.com", "password": "x"}, "anonymous"),
    ("POST", "/api/v1/auth/signup", {"email": "a\u0000b@example.com", "password": "x"*12, "display_name": "x"}, "anonymous"),
    ("POST", "/api/v1/auth/signup", {"email": "ab@example.com", "password": "x"*12, "display_name": "a\u0000"}, "anonymous"),
    ("POST", "/api/v1/admin/sources", {"source_name": "a\u0000", "source_type": "rss_feed", "base_url": "https://x.org"}, "admin"),
    ("POST", "/api/v1/admin/sources", {"source_name": "a", "source_type": "rss_feed", "base_url": "https://x.org/\u0000"}, "admin"),
    ("POST", "/api/v1/models", {"model_name": "a\u0000", "version": "1", "model_type": "embedding"}, "admin"),
    ("GET", "/api/v1/technologies?name=%00", None, "anonymous"),
    ("GET", "/api/v1/technologies?cursor=WyJcdTAwMDAiXQ", None, "anonymous"),
    ("DELETE", "/api/v1/me?confirm_email=%00", None, "owner"),
    ("GET", "/api/v1/admin/users?cursor=WyJcdTAwMDAiLCJcdTAwMDAiXQ", None, "admin"),
]

@pytest.mark.parametrize("case", CASES)
def test_nul(world: World, case):
    m, u, b, a = case
    r = world.client.request(m, u, json=b, headers=world.headers(a))
    print(m, u, r.status_code, r.text[:200])
    assert r.status_code < 500
