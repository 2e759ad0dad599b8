#!/usr/bin/env bash
# Installs everything Pantau needs on a fresh Debian machine (apt packages, npm packages).
# `npm start` and `npm test` build before they run.
# Idempotent: skips what is already there. Used by the README's quick start and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

# --postgres (or PANTAU_SETUP_POSTGRES=1): also PostgreSQL, libpq's headers and HAProxy, for scale mode
# (`pantau serve --database postgres://…`) and the PostgreSQL test tier; CI asks for it
postgres="${PANTAU_SETUP_POSTGRES:-0}"
for a in "$@"; do [ "$a" = "--postgres" ] && postgres=1; done

need_apt=()
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
command -v chromium >/dev/null || need_apt+=(chromium)
# the report tests read exports back with tools that are not ours: poppler's pdftotext/pdffonts, openpyxl
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
/usr/bin/python3 -c "import openpyxl" 2>/dev/null || need_apt+=(python3-openpyxl)
/usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer" 2>/dev/null \
  || need_apt+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-tools)
if [ "$postgres" = "1" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
  # the libpq binding (an optional npm dependency) builds against these headers
  command -v pg_config >/dev/null || need_apt+=(libpq-dev)
  # the load balancer in front of several server processes (deploy/haproxy.cfg, pantau cluster)
  command -v haproxy >/dev/null || need_apt+=(haproxy)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Electron's binary cannot be downloaded everywhere (and is not needed for the server or the
# browser console); `npm start` uses it only where it exists.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
# an earlier install without libpq's headers skipped the optional binding: build it now
if [ "$postgres" = "1" ] && [ ! -f node_modules/libpq/build/Release/addon.node ]; then
  echo "setup: building the libpq binding"
  if [ -d node_modules/libpq ]; then npm rebuild libpq; else npm ci --no-audit --no-fund; fi
fi
# fixes in dependencies (also run by npm's postinstall; again here for a kept node_modules)
node scripts/patch-deps.mjs
