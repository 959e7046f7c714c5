#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run lint, types and tests.
# Debian packages (chromium, firefox-esr, ffmpeg, espeak-ng, and the headers the align extra builds
# against), npm test clients (scorm-again, axe-core, html_codesniffer, webvtt-parser,
# @guidepup/virtual-screen-reader and esbuild to bundle it) and Python packages go into the system,
# node_modules/ and .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || need_apt+=(firefox-esr)
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# the align extra (aeneas-ng) compiles against these, with C and C++ compilers and Python headers
for pkg in libespeak-ng-libespeak-dev festival-dev libestools-dev gcc g++ python3-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "== npm ci (test clients)"
npm ci --no-audit --no-fund --loglevel=error

echo "== Python environment (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[test,align]'

echo "== ruff"
.venv/bin/ruff check scorm_builder tests scripts bench hatch_build.py
echo "== mypy"
.venv/bin/mypy
.venv/bin/mypy --strict bench
.venv/bin/mypy --strict hatch_build.py scripts/build_native.py
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
