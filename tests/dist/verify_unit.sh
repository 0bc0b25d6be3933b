#!/usr/bin/env bash
# Checks dist/systemd/skiff.service with systemd's own parser (unknown keys,
# bad values, a missing ExecStart binary are errors), pointed at this build's
# skiff, and that the unit's ExecStart is a command line skiff accepts.
# Usage: verify_unit.sh SOURCE_DIR BIN_DIR. Exits 77 (skip) without systemd-analyze.
set -euo pipefail
src=$1 bin=$2
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/local/bin/skiff|$bin/skiff|g" "$src/dist/systemd/skiff.service" >"$tmp/skiff.service"
# `verify` also loads the units the file names (network-online.target ...) from the system.
out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$tmp/skiff.service" 2>&1 || true)
if grep -q "skiff.service" <<<"$out"; then
  echo "systemd-analyze verify found problems in the unit:" >&2
  echo "$out" >&2
  exit 1
fi
for key in Restart=always KillMode=process Delegate=yes LimitNOFILE=; do
  grep -q "^$key" "$tmp/skiff.service" || { echo "unit lacks $key" >&2; exit 1; }
done
# The ExecStart flags must be ones skiff takes: run it with an unusable listen
# address so it stops right after parsing its flags.
exec_line=$(sed -n 's/^ExecStart=//p' "$tmp/skiff.service")
read -r -a argv <<<"$exec_line"
set +e
err=$("${argv[@]}" --data-dir "$tmp/data" --listen 127.0.0.1:notaport 2>&1)
rc=$?
set -e
if grep -q "unknown flag" <<<"$err"; then echo "skiff rejects the unit's flags: $err" >&2; exit 1; fi
[ "$rc" -ne 0 ] || { echo "skiff accepted --listen 127.0.0.1:notaport" >&2; exit 1; }
echo "skiff.service: verified"
