"""A Redis cache that outlives Redis.

The cache holds allauth's rate limits. With Django's plain RedisCache every login, password
reset and rate-limited action raises while Redis is down, so nobody can log in during an
outage. This backend keeps working: an operation that cannot reach Redis is done on a
cache local to the process instead. Rate limits then still hold, per web process, until
Redis is back (fail safe rather than fail open or fail closed).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
HEALTHY_AFTER = 30.0
WARN_EVERY = 60.0  # seconds between two warnings, so an outage does not flood the log


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every operation, and each one
    fills a table of ~170 response callbacks: 0.13 ms of CPU per cache call, half of
    what a page served from the page cache costs beside the bare stack (profiled in
    docs/performance.md, finding 12). One client per connection pool is enough: a
    ``redis.Redis`` is thread-safe, and its pool reconnects after a fork."""

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        clients: dict[int, Any] = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._fallback = LocMemCache("agepartners-redis-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})
        self._warned_at = 0.0
        self._failed_at = float("-inf")

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        primary: Callable[..., Any] = getattr(super(), name)
        try:
            return primary(*args, **kwargs)
        except UNREACHABLE as exc:
            now = time.monotonic()
            self._failed_at = now
            if now - self._warned_at > WARN_EVERY:
                self._warned_at = now
                log.warning("Cache (Redis) unreachable, using this process's memory meanwhile: %s", exc)
            return getattr(self._fallback, name)(*args, **kwargs)

    def healthy(self) -> bool:
        """False within HEALTHY_AFTER seconds of a failed Redis call. Per-process
        fallbacks diverge, so callers that need one shared truth (the page cache's
        generations, projects/pagecache.py) stand aside meanwhile."""
        return time.monotonic() - self._failed_at > HEALTHY_AFTER

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        return self._either("clear")
