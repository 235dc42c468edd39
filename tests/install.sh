#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine (Python packages, and the JavaScript
# client and browser the interoperability and browser tests use). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-test.txt
# @polkadot/api for tests/rpc/test_polkadot_js.py, exactly as pinned by tests/js/package-lock.json
command -v npm >/dev/null || { echo "tests/install.sh: npm (Node.js 20) is required for the @polkadot/api tests" >&2; exit 1; }
npm ci --prefix tests/js --no-audit --no-fund --prefer-offline --loglevel=error
# The dashboard's browser test (tests/app/test_browser.py): Debian's Chromium, driven by Playwright for Python
# through /usr/bin/chromium (never `playwright install`), and fonts so Chinese labels render in screenshots.
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
