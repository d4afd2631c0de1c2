"""The cache holds allauth's rate limits (django-redis, agepartners/cache.py). While its
Redis is down, logging in still works, quickly; with Redis up, the limits hold."""
from __future__ import annotations

import os
import threading
import time
import uuid

import pytest

from conftest import PASSWORD, free_port


def _redis_cache(settings, url: str) -> object:
    settings.CACHES = {"default": {
        **settings.CACHES["default"], "BACKEND": "agepartners.cache.OutageTolerantRedisCache", "LOCATION": url,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1},
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # other tests share this Redis database
    }}
    from django.core.cache import cache

    return cache


@pytest.fixture
def cache_on_a_dead_redis(settings):
    return _redis_cache(settings, f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def cache_on_redis(settings):
    url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1")
    assert url.startswith("redis://")
    return _redis_cache(settings, url)


def test_the_settings_use_django_redis_ignoring_redis_errors_for_a_redis_cache_url(settings):
    import subprocess
    import sys

    code = ("import django; django.setup(); from django.conf import settings as s; "
            "c = s.CACHES['default']; print(c['BACKEND'], c['LOCATION'], c['OPTIONS']['IGNORE_EXCEPTIONS'])")
    env = {**os.environ, "CACHE_URL": "redis://127.0.0.1:6379/5", "DJANGO_SETTINGS_MODULE": "agepartners.settings_test"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["agepartners.cache.OutageTolerantRedisCache", "redis://127.0.0.1:6379/5", "True"]


def test_cache_calls_answer_at_once_as_an_empty_cache_while_redis_is_unreachable(cache_on_a_dead_redis):
    cache = cache_on_a_dead_redis
    started = time.monotonic()
    cache.set("greeting", "labdien", 30)
    assert cache.get("greeting") is None and cache.get("greeting", "default") == "default"
    assert cache.add("lock", True) is True  # nobody can hold a lock in a Redis that is down
    cache.delete("greeting")
    assert time.monotonic() - started < 5


def test_logging_in_works_while_the_cache_redis_is_down(client, partner, cache_on_a_dead_redis):
    started = time.monotonic()
    # Nothing can be counted meanwhile: wrong passwords are refused, but do not lock the
    # account; the right one logs in.
    for _ in range(6):
        response = client.post("/en/accounts/login/", {"login": partner.email, "password": "wrong"})
        assert response.status_code == 200 and "Too many failed login attempts" not in response.content.decode()
    response = client.post("/en/accounts/login/", {"login": partner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/en/dashboard/").status_code == 200
    assert time.monotonic() - started < 20  # refused connections: no waiting on locks


def test_the_failed_login_limit_holds_with_redis_up(client, partner, cache_on_redis):
    for _ in range(5):
        client.post("/en/accounts/login/", {"login": partner.email, "password": "wrong"})
    response = client.post("/en/accounts/login/", {"login": partner.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


def test_values_round_trip_from_many_threads_at_once(cache_on_redis):
    """As gunicorn's threaded workers use it."""
    cache = cache_on_redis
    failures: list[str] = []

    def worker(n: int) -> None:
        for i in range(100):
            cache.set(f"t{n}:{i}", (n, i), 30)
            if cache.get(f"t{n}:{i}") != (n, i):
                failures.append(f"t{n}:{i}")
        if cache.get_many([f"t{n}:{i}" for i in range(100)]) != {f"t{n}:{i}": (n, i) for i in range(100)}:
            failures.append(f"get_many {n}")
        cache.delete_many([f"t{n}:{i}" for i in range(100)])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert failures == []
