#!/usr/bin/env bash
# apt-get install the Debian packages (and options) named, with sudo when not root, non-interactively: the setup scripts' one way in.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q "$@"
