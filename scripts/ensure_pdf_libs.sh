#!/usr/bin/env bash
# WeasyPrint (the reports' PDFs) draws text with Debian's Pango. The font is vendored
# (static/fonts/), so only the libraries are needed; installed the way Chromium is.
set -euo pipefail
if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's Pango for the PDF reports…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
  else
    echo "the PDF reports need Pango: run 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0'." >&2
    exit 1
  fi
fi
