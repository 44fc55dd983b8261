"""Passwords (argon2id) and bearer credentials (session, API and feed tokens).

A token is ``<kind>_<user id hex><secret>``: the user id makes every lookup a single-user query (the shard key
once tables are distributed by user), the 256-bit secret makes it unguessable, and only its SHA-256 is stored
(a fast hash is right for random secrets; argon2 is for low-entropy passwords).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

TokenKind = Literal["frs", "frt", "frf"]  # browser session, API token, feed token
SESSION: TokenKind = "frs"
API: TokenKind = "frt"
FEED: TokenKind = "frf"

_hasher = PasswordHasher()
# Verified against when an email is unknown, so a failed sign-in costs the same either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; spends the same time when there is no hash to check."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``value`` is shown to its owner once; ``digest`` and ``hint`` are stored."""

    value: str
    digest: str
    hint: str


@dataclass(frozen=True)
class PresentedToken:
    """A token as presented by a client, parsed."""

    kind: TokenKind
    user_id: uuid.UUID
    digest: str


def digest(value: str) -> str:
    """SHA-256 of a token, hex."""
    return hashlib.sha256(value.encode()).hexdigest()


def issue(kind: TokenKind, user_id: uuid.UUID) -> IssuedToken:
    """A fresh token of ``kind`` for the user."""
    value = f"{kind}_{user_id.hex}{secrets.token_urlsafe(32)}"
    return IssuedToken(value=value, digest=digest(value), hint=value[:4] + "…" + value[-4:])


def parse(value: str, kind: TokenKind) -> PresentedToken | None:
    """The token's owner and digest, or None when it isn't a well-formed token of ``kind``."""
    if not value.startswith(kind + "_") or not 70 <= len(value) <= 100:
        return None
    try:
        user_id = uuid.UUID(hex=value[4:36])
    except ValueError:
        return None
    return PresentedToken(kind=kind, user_id=user_id, digest=digest(value))


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode(), b.encode())


def new_csrf_token() -> str:
    """A random token the browser must echo on state-changing requests."""
    return secrets.token_urlsafe(32)
