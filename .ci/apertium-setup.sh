#!/usr/bin/env bash
# Cross-language search translates the query offline with Apertium (Debian's apertium and the
# English-Spanish pair); install them once (idempotent, no-op when present). Without them search
# still works, on the original query only.
set -euo pipefail

have_pair() {
  command -v lt-proc >/dev/null 2>&1 || return 1
  [ -f /usr/share/apertium/modes/eng-spa.mode ] && [ -f /usr/share/apertium/modes/spa-eng.mode ]
}

if have_pair; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" --no-install-recommends apertium apertium-eng-spa
echo hello | apertium eng-spa
