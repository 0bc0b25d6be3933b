#!/usr/bin/env bash
# Alternates runtime_bench binaries linked against different runtimes (say, two
# commits), three rounds in rotated order, so machine drift hits all alike.
#
#   bench/runtime_ab.sh before=/path/to/old/build/bin/runtime_bench now=build/bin/runtime_bench
#
# Each binary must sit beside its own skiff-init. Extra runtime_bench flags go in
# RUNTIME_BENCH_ARGS (default: --runs 20 --concurrent 100). Root only.
set -euo pipefail
[ $# -ge 1 ] || { sed -n 2,8p "$0"; exit 2; }
names=()
declare -A bins
for arg in "$@"; do
  names+=("${arg%%=*}")
  bins["${arg%%=*}"]="${arg#*=}"
done
read -r -a flags <<< "${RUNTIME_BENCH_ARGS:---runs 20 --concurrent 100}"
for round in 1 2 3; do
  for name in "${names[@]}"; do
    echo "=== round $round $name $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
    "${bins[$name]}" "${flags[@]}" 2>&1 | grep -v "^start-to-exit\|^CPU time"
  done
  names=("${names[@]:1}" "${names[0]}")
done
