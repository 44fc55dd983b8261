"""Frontier's cache: the classes of ``classes.CACHE_PLAN`` behind one API (``get_or_load``, ``invalidate``).

Other code calls only what is exported here.
"""

from frontier.cache.backends import CacheBackend, MemoryBackend, RedisBackend, redis_client
from frontier.cache.classes import CACHE_PLAN, CacheClass, CachePolicy, technology_tag, user_tag
from frontier.cache.keys import KeyPart
from frontier.cache.service import Cache, make_cache

__all__ = [
    "CACHE_PLAN",
    "Cache",
    "CacheBackend",
    "CacheClass",
    "CachePolicy",
    "KeyPart",
    "MemoryBackend",
    "RedisBackend",
    "make_cache",
    "redis_client",
    "technology_tag",
    "user_tag",
]
