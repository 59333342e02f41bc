#!/usr/bin/env bash
# Installs, from Debian's packages, what the cross builds and the emulated test runs need:
# Debian's rustc-web with std's sources (Windows has no prebuilt std for this rustc, so it is
# built with -Zbuild-std), mingw-w64 (Windows linker), wine (runs the official node.exe),
# qemu-user (runs the official arm64 node), the aarch64 cross gcc and arm64 std (with the arm64
# glibc and libstdc++ the official arm64 node needs), musl-gcc and patchelf.
# Idempotent: does nothing when everything is there. Needs root and apt.
set -euo pipefail
amd64=(rustc-web cargo-web rust-web-src libstd-rust-web-dev gcc-mingw-w64-x86-64
  binutils-mingw-w64-x86-64 wine64 wine qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  musl-tools patchelf)
arm64=(libstd-rust-web-dev:arm64 libc6:arm64 libstdc++6:arm64)

missing() {
  local out=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
  done
  echo "${out[@]:-}"
}

need=$(missing "${amd64[@]}")
need_arm=$(missing "${arm64[@]}")
if [ -z "$need" ] && [ -z "$need_arm" ]; then
  echo "platform toolchain: installed"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "platform toolchain: missing ($need $need_arm) and this is not a root shell with apt" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$need" ]; then
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $need
fi
if [ -n "$need_arm" ]; then
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $need_arm
fi
echo "platform toolchain: installed"
