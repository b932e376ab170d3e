#!/usr/bin/env bash
# Scanned PDFs are read with Tesseract (Debian's tesseract-ocr, English and Spanish models);
# install them once (idempotent, no-op when present). The reader renders pages with pypdfium2 (a wheel).
set -euo pipefail

have_langs() {
  command -v tesseract >/dev/null 2>&1 || return 1
  local langs
  langs="$(tesseract --list-langs 2>/dev/null)" || return 1
  grep -qx eng <<<"$langs" && grep -qx spa <<<"$langs"
}

if have_langs; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa
tesseract --version | head -1
