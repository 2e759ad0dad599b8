#!/usr/bin/env bash
# Installs everything Pantau needs on a fresh Debian machine (apt packages, npm packages).
# `npm start` and `npm test` build before they run.
# Idempotent: skips what is already there. Used by the README's quick start and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
command -v chromium >/dev/null || need_apt+=(chromium)
# the report tests read exports back with tools that are not ours: poppler's pdftotext/pdffonts, openpyxl
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
/usr/bin/python3 -c "import openpyxl" 2>/dev/null || need_apt+=(python3-openpyxl)
/usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer" 2>/dev/null \
  || need_apt+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-tools)
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
# fixes in dependencies (also run by npm's postinstall; again here for a kept node_modules)
node scripts/patch-deps.mjs
