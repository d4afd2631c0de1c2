"""django-redis, with one answer changed for allauth's rate limits during a Redis outage.

With ``IGNORE_EXCEPTIONS`` every cache call that cannot reach Redis returns its default.
For ``add()`` that is None, which allauth's rate-limit lock reads as "someone else holds
the lock": it waits a second and then refuses the login with 429, so nobody could log in
while Redis is down. No lock can be held in a Redis that is down, so an unreachable
``add()`` answers True here. The rate limits then count nothing until Redis is back
(django-redis logs every ignored error), and logins go on.
"""
from __future__ import annotations

from typing import Any

from django_redis.cache import RedisCache


class OutageTolerantRedisCache(RedisCache):
    def add(self, *args: Any, **kwargs: Any) -> bool:
        added = super().add(*args, **kwargs)
        return True if added is None else bool(added)  # None: Redis unreachable, error ignored
