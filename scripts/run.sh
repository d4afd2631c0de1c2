#!/usr/bin/env bash
# Serve the portal with a real Celery worker and beat. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"
mkdir -p var/mail var/celery/queue var/celery/processed var/media

$PY manage.py migrate --noinput
$PY manage.py seed_demo ${DEMO_ARGS:-}

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

# On the embedded SQLite default, one worker process avoids write contention.
$PY -m celery -A agepartners worker --loglevel=INFO --concurrency=1 --pool=solo &
pids+=($!)
$PY -m celery -A agepartners beat --loglevel=INFO &
pids+=($!)

echo
echo "agepartners is at http://127.0.0.1:${PORT}/  (emails: ${EMAIL_URL:-var/mail/})  Ctrl-C stops everything."
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)
wait -n "${pids[@]}"
