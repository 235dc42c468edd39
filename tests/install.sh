#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine (Python packages, and the JavaScript
# client and browser the interoperability and browser tests use). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-test.txt
