#!/usr/bin/env bash
# What the test suite needs beyond Python packages: PostgreSQL, Redis, Chromium, Java and two npm tools.
set -euo pipefail

fail() { echo "make test: $*" >&2; exit 1; }

# Chromium for the browser tests (Debian's package; Playwright's own download cannot work offline).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    fail "the browser tests need Debian's chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'."
  fi
fi

# Pango for WeasyPrint (the reports' PDFs).
bash "$(dirname "$0")/ensure_pdf_libs.sh" || fail "Pango is missing (see above)."
# nginx: agepartners/tests/test_deploy.py runs `nginx -t` on deploy/nginx/, and the multi-host
# harness (make hosts) uses it as the load balancer. Only the binary: no service is started.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's nginx-light for the deployment tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
    # Debian's package may start its default site; the tests never use it.
    (command -v service >/dev/null && service nginx stop >/dev/null 2>&1) || true
  else
    fail "the deployment tests need nginx: run 'sudo apt-get install nginx-light'."
  fi
fi

# Dovecot for the inbound-mail tests: a real IMAP server the tests start on loopback from
# a config of their own (the system service stays off).
if ! command -v dovecot >/dev/null && [ ! -x /usr/sbin/dovecot ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's dovecot-imapd for the inbound-mail tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
  else
    fail "the inbound-mail tests need Debian's Dovecot: run 'sudo apt-get install dovecot-imapd'."
  fi
fi

# gettext (xgettext, msgfmt): the catalogue test re-extracts messages to prove none is missing.
if ! command -v xgettext >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
  else
    fail "the translation tests need gettext: run 'sudo apt-get install gettext'."
  fi
fi

# axe-core and the Nu HTML Checker (vnu-jar) for the page checks: npm into node_modules/
# (ignored by git), at the versions package-lock.json pins; vnu.jar runs on the machine's Java.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null || fail "the page checks need npm (axe-core, vnu-jar): run 'sudo apt-get install npm'."
  echo "Installing axe-core and vnu-jar from npm into node_modules/…"
  # --ignore-scripts: vnu-jar's postinstall would download a Java runtime; the machine's own is used.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null || fail "npm could not install axe-core and vnu-jar (see above)."
fi
if ! java -version >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Java for the Nu HTML Checker…"
    apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  else
    fail "the Nu HTML Checker needs Java 11 or later: run 'sudo apt-get install default-jre-headless'."
  fi
fi

# PostgreSQL on 127.0.0.1:5432.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "Starting PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || fail "PostgreSQL is not reachable on 127.0.0.1:5432: install it ('apt-get install postgresql') and allow the 'postgres' user (trust or DATABASE_URL with a password)."
fi

# The test suite creates its own database next to DATABASE_URL's: the role must be able to log in.
if ! .venv/bin/python - <<'PY' 2>/tmp/agepartners-pg-check.log
import os, dj_database_url, psycopg2
db = dj_database_url.parse(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/agepartners")
psycopg2.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, connect_timeout=5).close()
PY
then
  grep -m1 -i "error" /tmp/agepartners-pg-check.log >&2 || true
  fail "cannot log in to PostgreSQL as the test user: set DATABASE_URL=postgres://user:password@127.0.0.1:5432/agepartners (the user needs CREATEDB)."
fi

# Redis on 127.0.0.1:6379.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis…"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/agepartners-redis.log
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || fail "Redis is not reachable on 127.0.0.1:6379: install it ('apt-get install redis-server')."
fi
