#!/usr/bin/env bash
# Browser tests need Debian's chromium at /usr/bin/chromium; install it once (idempotent, no-op when present).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" chromium
/usr/bin/chromium --version
