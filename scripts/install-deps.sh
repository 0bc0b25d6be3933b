#!/usr/bin/env bash
# Installs every Debian package skiff needs to build, test and run.
# Idempotent: when everything is present it prints nothing and exits 0.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libsqlite3-dev sqlite3
  nlohmann-json3-dev libyaml-cpp-dev
  libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev
  catch2
  libprotobuf-dev libjemalloc-dev
  libseccomp-dev libcap-dev libarchive-dev libzstd-dev
  busybox-static musl-tools skopeo docker-registry crun runc
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
