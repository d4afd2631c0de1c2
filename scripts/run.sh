#!/usr/bin/env bash
# `make run`: migrate, load the demo partnership, then serve the portal with a real
# Celery worker and one beat. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"
VAR="${AGEPARTNERS_VAR_DIR:-var}"
mkdir -p "$VAR"
# Answers by email: on the embedded default a folder of .eml files stands in for the mailbox.
export INBOUND_EMAIL_URL="${INBOUND_EMAIL_URL:-folder://$VAR/inbox}"
export INBOUND_EMAIL_ADDRESS="${INBOUND_EMAIL_ADDRESS:-partners@agepartners.localhost}"
bash scripts/ensure_pdf_libs.sh

$PY manage.py migrate --noinput
# The demo users' password is (re)set on every start, so the printed logins always work.
$PY manage.py seed_demo --password "${DEMO_PASSWORD:-partners2012}" ${DEMO_ARGS:-} | tee "$VAR/demo-logins.txt"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "agepartners stopped."
}
trap cleanup INT TERM EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  # The embedded SQLite default: one worker process, so writes never compete.
  worker_opts=(--pool=solo)
else
  worker_opts=(--concurrency="${CELERY_CONCURRENCY:-2}")
fi
$PY -m celery -A agepartners worker --loglevel=INFO "${worker_opts[@]}" &
pids+=($!)
# Exactly one beat: it schedules reminders, digests and the outbox sweep.
$PY -m celery -A agepartners beat --loglevel=INFO &
pids+=($!)
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)

# Once the site answers, repeat where it is and how to log in (the logs scroll fast).
for _ in $(seq 1 60); do
  if $PY -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:${PORT}/en/" 2>/dev/null; then
    echo
    echo "================================================================================"
    echo " agepartners is running at http://127.0.0.1:${PORT}/"
    if [ -z "${EMAIL_URL:-}" ]; then echo " Emails are written as files to ${VAR}/mail/"; else echo " Emails go to ${EMAIL_URL}"; fi
    grep -E "^Demo logins|@" "$VAR/demo-logins.txt" | sed 's/^/ /'
    echo " Ctrl-C stops the web server, the worker and beat."
    echo "================================================================================"
    break
  fi
  sleep 1
done
wait -n "${pids[@]}"
