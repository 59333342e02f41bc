#!/usr/bin/env bash
# Installs the Debian packages the fault tests use (iproute2, nftables, util-linux) when
# they are missing and this is a root shell with apt; otherwise says what is missing.
# Those tests skip, naming the reason, where the tools are absent.
set -euo pipefail
missing=()
command -v ip >/dev/null || missing+=(iproute2)
command -v tc >/dev/null || missing+=(iproute2)
command -v nft >/dev/null || missing+=(nftables)
command -v prlimit >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  if apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; }; then
    echo "installed: ${missing[*]}"
  else
    echo "WARNING: could not install ${missing[*]}; the tests that use them will skip" >&2
  fi
else
  echo "not installed (needs root and apt): ${missing[*]}; the tests that use them will skip"
fi
