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


def test_one_redis_client_serves_every_call_and_every_thread(settings):
    """The client is built once per connection pool (accounts/cache.py): values still
    round-trip, also with many threads at once, as gunicorn's threaded workers do."""
    import threading

    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "accounts.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:6379/14"}}
    cache.clear()
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    failures: list[str] = []

    def worker(n: int) -> None:
        for i in range(200):
            cache.set(f"t{n}:{i}", (n, i), 30)
            if cache.get(f"t{n}:{i}") != (n, i):
                failures.append(f"t{n}:{i}")
        found = cache.get_many([f"t{n}:{i}" for i in range(200)])
        if found != {f"t{n}:{i}": (n, i) for i in range(200)}:
            failures.append(f"get_many {n}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert failures == [] and cache.healthy()
    cache.clear()
