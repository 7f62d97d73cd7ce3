#!/usr/bin/env bash
# The whole test suite from a fresh clone: the README's test command, and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
# uv resolves and fetches the test extras (Beam with its GCP clients, Spark, moto...) in a fraction of
# pip's time: pip's resolver took about 6 of CI's minutes on 2 cores, uv about 1 to 3 (mostly download).
.venv/bin/pip install -q uv
# --compile-bytecode: uv, unlike pip, leaves site-packages without .pyc files, and where
# PYTHONDONTWRITEBYTECODE is set (as in many CI and container images) Python never caches them, so
# every process the suite starts (Beam's SDK workers, Spark's Python workers, the CLI) compiled
# apache_beam again: 5.5 s per import against 1.5 s from bytecode on this project's 2-core machines.
.venv/bin/uv pip install -q --compile-bytecode --python .venv/bin/python -e '.[test]'
# System packages some tests need (Debian's chromium for the report test);
# without them those tests skip with a reason.
if [ -x scripts/install-test-system-deps.sh ]; then
  scripts/install-test-system-deps.sh || echo "system test dependencies not installed: some tests will skip"
fi
exec .venv/bin/python -m pytest "$@"
