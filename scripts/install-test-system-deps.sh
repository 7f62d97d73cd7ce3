#!/bin/sh
# System packages some tests need beyond the Python ones: Debian's headless Chromium, which
# renders the HTML run report in tests/test_report_browser.py.
#
# Idempotent. Installs only when something is missing and we are root with apt-get; otherwise
# says why not and exits 0, so the test run goes on and those tests skip with a reason.
# Recommended packages are kept: they bring the fonts that make screenshots readable.
set -u

if command -v chromium >/dev/null 2>&1; then
    echo "install-test-system-deps: chromium already installed ($(command -v chromium))"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-system-deps: chromium missing and not root: cannot install it (browser tests will skip)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-system-deps: chromium missing and no apt-get: cannot install it (browser tests will skip)"
    exit 0
fi

echo "install-test-system-deps: installing chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; then
    echo "install-test-system-deps: chromium installed ($(command -v chromium))"
else
    echo "install-test-system-deps: apt-get could not install chromium (browser tests will skip)"
fi
exit 0
