#!/usr/bin/env bash
# The agepartners benchmark (`make bench`). See docs/performance.md.
#
# Seeds a fresh database at BENCH_SCALE (default 1 = 100 partnerships), logs in a few
# hundred partners, measures every page's queries and server CPU as a first visit gets
# it (nothing cached), serves the portal with gunicorn in production-like settings and
# drives it with wrk from a separate process at several concurrencies, a different
# partner per request (pages and the ceiling view in the same run), times the
# deadline-reminder sweep and the delivery of its emails through a real Celery worker
# to a local SMTP sink, doubles some partners' data to check that queries stay flat,
# and writes bench/results/scale-<S>.{md,json} (at scale 1 also latest.{md,json}).
# All traffic stays on 127.0.0.1; every wait is bounded.
#
# Knobs: BENCH_SCALE, BENCH_DURATION (s per cell, default 10), BENCH_CONCURRENCY
# (default 1,8,32), BENCH_PARTNERS (logged-in partners the load rotates over, default 240),
# BENCH_GUNICORN_WORKERS, BENCH_GUNICORN_THREADS, BENCH_WORKER_CONCURRENCY,
# BENCH_DB (default agepartners_bench), BENCH_REDIS_DB (default 9), BENCH_PORT (default: a
# free port), BENCH_PG_URL (server URL without database, default postgres://postgres@127.0.0.1:5432),
# BENCH_CACHE (dummy, the default: nothing cached; redis: the portal's own cache),
# BENCH_RESULTS_DIR (default bench/results), BENCH_SEED_ONLY=1 (seed BENCH_DB and stop: a
# template for later runs), BENCH_FROM_SEED=<database> (start from a copy of that seeded
# database instead of seeding).
# The whole script is one block, read before it runs: editing the file during a run
# cannot change what the run does.
{
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"

SCALE="${BENCH_SCALE:-1}"
DURATION="${BENCH_DURATION:-10}"
CONCURRENCY="${BENCH_CONCURRENCY:-1,8,32}"
CPUS="$(nproc)"
GUNICORN_WORKERS="${BENCH_GUNICORN_WORKERS:-$((2 * CPUS + 1))}"
GUNICORN_THREADS="${BENCH_GUNICORN_THREADS:-1}"
WORKER_CONCURRENCY="${BENCH_WORKER_CONCURRENCY:-$((3 * CPUS))}"
DB="${BENCH_DB:-agepartners_bench}"
REDIS_DB="${BENCH_REDIS_DB:-9}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
WORK="${BENCH_WORK_DIR:-$ROOT/var/bench}"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's wrk (the HTTP load generator)…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "bench: wrk is missing: run 'sudo apt-get install wrk'." >&2
    exit 1
  fi
fi

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT="${BENCH_PORT:-$(free_port)}"
SMTP_PORT="$(free_port)"

rm -rf "$WORK"
mkdir -p "$WORK"

# Production-like settings: DEBUG off, a real secret, explicit hosts. Plain HTTP on
# loopback, so no redirect to HTTPS and no secure-only cookies.
export DJANGO_SETTINGS_MODULE=bench.settings
export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_SECURE_COOKIES=false
export DJANGO_HSTS_SECONDS=0
export SITE_URL="http://127.0.0.1:${PORT}"
export DATABASE_URL="${PG_URL}/${DB}"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/${REDIS_DB}"
export CACHE_URL="redis://127.0.0.1:6379/${REDIS_DB}"
export EMAIL_URL="smtp://127.0.0.1:${SMTP_PORT}"
export LOG_LEVEL=WARNING
# No beat or worker runs while pages are loaded (driver.py prepare writes their heartbeats).
export HEALTHZ_BEAT_MAX_AGE=86400 HEALTHZ_WORKER_MAX_AGE=86400
export BENCH_CACHE="${BENCH_CACHE:-dummy}"
export BENCH_BASE_URL="http://127.0.0.1:${PORT}"
export BENCH_WORK_DIR="$WORK"
export BENCH_WORKER_CONCURRENCY="$WORKER_CONCURRENCY"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup INT TERM EXIT

stop() {  # stop one process we started, and wait (bounded) until it is gone
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

SEEDS="$ROOT/var/bench-seeds"  # seeded databases kept as templates (BENCH_SEED_ONLY / BENCH_FROM_SEED)
mkdir -p "$SEEDS"
redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null
if [ -n "${BENCH_FROM_SEED:-}" ]; then
  # A copy of a database seeded earlier at this scale (BENCH_SEED_ONLY=1 made it): the
  # seeding of scale 10 takes long on a shared machine. Migrated again for today's code.
  echo "== 1. Database ${DB} copied from the seeded ${BENCH_FROM_SEED} (scale ${SCALE})"
  test -f "$SEEDS/${BENCH_FROM_SEED}.json" || { echo "bench: no seed record $SEEDS/${BENCH_FROM_SEED}.json" >&2; exit 1; }
  psql -q "${PG_URL}/postgres" -c "DROP DATABASE IF EXISTS ${DB}" -c "CREATE DATABASE ${DB} TEMPLATE ${BENCH_FROM_SEED}" >/dev/null
  cp "$SEEDS/${BENCH_FROM_SEED}.json" "$WORK/seed.json"
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py collectstatic --noinput -v 0
  psql -q "${PG_URL}/${DB}" -c "VACUUM ANALYZE" >/dev/null
else
  echo "== 1. Fresh database ${DB} at scale ${SCALE}"
  psql -q "${PG_URL}/postgres" -c "DROP DATABASE IF EXISTS ${DB}" -c "CREATE DATABASE ${DB}" >/dev/null
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py collectstatic --noinput -v 0
  "$PY" manage.py seed_bench --scale "$SCALE" --json "$WORK/seed.json"
  if [ -n "${BENCH_SEED_ONLY:-}" ]; then
    cp "$WORK/seed.json" "$SEEDS/${DB}.json"
    echo "Seeded ${DB}; run the benchmark on a copy with BENCH_FROM_SEED=${DB} BENCH_SCALE=${SCALE}."
    exit 0
  fi
fi
"$PY" bench/driver.py meta --scale "$SCALE" \
  --gunicorn "$("$PY" -m gunicorn --version 2>&1 | head -1), ${GUNICORN_WORKERS} workers x ${GUNICORN_THREADS} threads"

echo "== 2. Partners log in; queries and server CPU of every page for each of them (in-process)"
"$PY" bench/driver.py prepare --partners "${BENCH_PARTNERS:-240}"
"$PY" bench/driver.py cpu ${BENCH_PROFILE:+--profile}

echo "== 3. gunicorn on 127.0.0.1:${PORT} (${GUNICORN_WORKERS} workers x ${GUNICORN_THREADS} threads)"
WORKER_CLASS=sync
[ "$GUNICORN_THREADS" -gt 1 ] && WORKER_CLASS=gthread
"$PY" -m gunicorn agepartners.wsgi:application --bind "127.0.0.1:${PORT}" \
  --workers "$GUNICORN_WORKERS" --threads "$GUNICORN_THREADS" --worker-class "$WORKER_CLASS" \
  --backlog 2048 --timeout 60 --log-level warning --pid "$WORK/gunicorn.pid" &
GUNICORN=$!
pids+=("$GUNICORN")
for _ in $(seq 1 120); do
  curl -fs -o /dev/null "http://127.0.0.1:${PORT}/healthz" && break
  kill -0 "$GUNICORN" 2>/dev/null || { echo "bench: gunicorn did not start" >&2; exit 1; }
  sleep 0.5
done
curl -fs -o /dev/null "http://127.0.0.1:${PORT}/healthz" || { echo "bench: /healthz is not answering" >&2; exit 1; }

echo "== 4. Pages under load (wrk; ${DURATION} s per page and concurrency ${CONCURRENCY})"
"$PY" bench/driver.py load --concurrency "$CONCURRENCY" --duration "$DURATION" --gunicorn-pid-file "$WORK/gunicorn.pid"
stop "$GUNICORN"

echo "== 5. Deadline-reminder sweep over the whole data set (no worker running yet)"
"$PY" bench/driver.py sweep

echo "== 6. Delivery through a real Celery worker (concurrency ${WORKER_CONCURRENCY}) to an SMTP sink on 127.0.0.1:${SMTP_PORT}"
"$PY" -m smtpsink "$SMTP_PORT" "$WORK/sink.count" &
SINK=$!
pids+=("$SINK")
for _ in $(seq 1 50); do [ -f "$WORK/sink.count" ] && break; sleep 0.2; done
"$PY" -m celery -A agepartners worker --loglevel=WARNING --concurrency "$WORKER_CONCURRENCY" --pool prefork \
  --without-heartbeat --without-gossip --without-mingle >"$WORK/worker.log" 2>&1 &
WORKER=$!
pids+=("$WORKER")
"$PY" bench/driver.py deliver --worker-pid "$WORKER" --sink-pid "$SINK" --sink-count-file "$WORK/sink.count" \
  ${BENCH_DELIVERY_TIMEOUT:+--timeout "$BENCH_DELIVERY_TIMEOUT"}
stop "$WORKER"
stop "$SINK"

echo "== 7. Twice the data for some partners: their pages' queries must not change"
"$PY" bench/driver.py double

echo "== 8. Results"
"$PY" bench/driver.py report
exit
}
