#!/usr/bin/env bash
# Brings up what exists of a single-node skiff cluster in the foreground.
# Usage: scripts/up.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
exec "$build/bin/skiff" up "${@:2}"
