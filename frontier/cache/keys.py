"""Where a cached result lives: its key, the generations it depends on, and the JSON envelope it is kept in.

Invalidation is by generation tokens (Frontier's own scheme, no library offers it): every entry records a
digest of the generation tokens of its class and tags as they were *before* its loader ran; bumping a tag
writes a new random token, so every entry recorded under the old one stops matching. This works the same in
Redis and in memory, needs no SCAN over key patterns, and a write that lands while a loader runs still
invalidates what that loader stores.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias
from uuid import UUID

from frontier.cache.classes import CacheClass, user_tag

KeyPart: TypeAlias = str | int | float | bool | UUID | date | Sequence["KeyPart"] | None

PUBLIC_SCOPE = "public"
_TAG = re.compile(r"^[^\s]{1,200}$")
_DIGEST_CHARS = 32
_HEAD = b'{"g":"'
_MIDDLE = b'","v":'
_VALUE_START = len(_HEAD) + _DIGEST_CHARS + len(_MIDDLE)


@dataclass(frozen=True)
class CacheEntry:
    """Where one cached result lives: ``<prefix>:<scope>:<hash>``, the scope ``public`` or ``u:<user id>``."""

    cache_class: CacheClass
    key: str
    lock_key: str
    generation_keys: tuple[str, ...]


def _jsonable(part: object) -> str:
    if isinstance(part, UUID):
        return str(part)
    if isinstance(part, date):
        return part.isoformat()
    # Anything else (an ORM object, a set) has no stable text: its repr would make keys that never match.
    raise TypeError(f"cache key parts must be str, int, float, bool, UUID, date or None, not {type(part)!r}")


def check_tags(tags: Iterable[str]) -> list[str]:
    """The tags sorted and deduplicated; raises ValueError for an empty tag or one with whitespace."""
    if isinstance(tags, str):
        raise TypeError("tags must be a collection of tags, not one string")  # it would iterate characters
    unique = sorted(set(tags))
    for tag in unique:
        if not isinstance(tag, str) or not _TAG.fullmatch(tag):
            raise ValueError(f"cache tag {tag!r} must be 1-200 characters without whitespace")
    return unique


def class_generation(cache_class: CacheClass) -> str:
    """The generation key that every entry of ``cache_class`` depends on."""
    return f"gen:class:{cache_class.value}"


def tag_generation(tag: str, cache_class: CacheClass | None) -> str:
    """The generation key of ``tag``, everywhere (``cache_class`` None) or in one class only."""
    if cache_class is None:
        return f"gen:tag:{tag}"
    return f"{class_generation(cache_class)}:tag:{tag}"


def cache_entry(
    cache_class: CacheClass, key_parts: Sequence[KeyPart], *, user_id: UUID | None, tags: Iterable[str]
) -> CacheEntry:
    """The entry for ``key_parts`` in ``cache_class``, private to ``user_id`` unless it is None."""
    if user_id is not None and not isinstance(user_id, UUID):
        raise TypeError("user_id must be a UUID or None")  # a str would silently make a second scope
    all_tags = check_tags([*check_tags(tags), *([user_tag(user_id)] if user_id is not None else [])])
    identity = json.dumps(
        {"k": list(key_parts), "t": all_tags}, default=_jsonable, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    scope = PUBLIC_SCOPE if user_id is None else f"u:{user_id}"
    key = f"{cache_class.prefix}:{scope}:{digest}"
    generations = [class_generation(cache_class)]
    for tag in all_tags:
        generations += [tag_generation(tag, None), tag_generation(tag, cache_class)]
    return CacheEntry(cache_class, key, f"lock:{key}", tuple(generations))


def generations_digest(tokens: Sequence[str | None]) -> str:
    """A fixed-length digest of the generation tokens an entry was loaded under."""
    text = "\x1f".join("-" if token is None else token for token in tokens)
    return hashlib.sha256(text.encode()).hexdigest()[:_DIGEST_CHARS]


def encode_envelope(digest: str, value_json: bytes) -> bytes:
    """``{"g":"<digest>","v":<value>}``: JSON text whose value starts at a fixed offset (no re-encoding)."""
    return _HEAD + digest.encode() + _MIDDLE + value_json + b"}"


def open_envelope(raw: bytes, digest: str) -> bytes | None:
    """The value's JSON if ``raw`` was stored under ``digest``, else None (stale, or not our format)."""
    if len(raw) <= _VALUE_START or not raw.startswith(_HEAD) or not raw.endswith(b"}"):
        return None
    if raw[len(_HEAD) : len(_HEAD) + _DIGEST_CHARS] != digest.encode():
        return None
    if raw[len(_HEAD) + _DIGEST_CHARS : _VALUE_START] != _MIDDLE:
        return None
    return raw[_VALUE_START:-1]
