"""When the Redis that holds the cache is down, logging in still works and its rate
limits still hold (in the web process's memory) until Redis is back."""
from __future__ import annotations

import pytest

from conftest import PASSWORD, free_port


@pytest.fixture
def cache_on_a_dead_redis(settings):
    settings.CACHES = {"default": {"BACKEND": "accounts.cache.ResilientRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    from django.core.cache import cache

    return cache


def test_the_cache_falls_back_to_memory_while_redis_is_unreachable(cache_on_a_dead_redis):
    cache = cache_on_a_dead_redis
    cache.set("greeting", "labdien", 30)
    assert cache.get("greeting") == "labdien"
    assert cache.add("greeting", "other") is False
    assert cache.add("counter", 1) is True
    assert cache.incr("counter") == 2
    cache.delete("greeting")
    assert cache.get("greeting") is None


def test_login_and_its_rate_limit_work_while_the_cache_redis_is_down(client, partner, cache_on_a_dead_redis):
    for _ in range(5):
        client.post("/en/accounts/login/", {"login": partner.email, "password": "wrong"})
    response = client.post("/en/accounts/login/", {"login": partner.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    cache_on_a_dead_redis.clear()  # as when the five minutes have passed
    assert client.post("/en/accounts/login/", {"login": partner.email, "password": PASSWORD}).status_code == 302
