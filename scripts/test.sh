#!/usr/bin/env bash
# The whole test suite from a fresh clone: the README's test command, and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
# System packages some tests need (Debian's chromium for the report test);
# without them those tests skip with a reason.
if [ -x scripts/install-test-system-deps.sh ]; then
  scripts/install-test-system-deps.sh || echo "system test dependencies not installed: some tests will skip"
fi
exec .venv/bin/python -m pytest "$@"
