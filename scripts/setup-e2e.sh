#!/usr/bin/env bash
# Installs what the offline VS Code test harness needs: Debian's Chromium and ripgrep, and
# code-server (VS Code 1.100) from npm into a cache folder outside the extension's dependencies.
# Also what the native BLAS addon needs (scripts/build-native.mjs, run by `npm ci`): a C
# toolchain, make and Python for node-gyp, and OpenBLAS at run time, as numpy/PyTorch users have.
# Idempotent: a second run with everything in place does nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tools="${OPTDBG_TOOLS_DIR:-$here/.tools}"
cs_version=4.100.3

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
dpkg -s build-essential >/dev/null 2>&1 || need_apt+=(build-essential)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
# The runtime BLAS only: the addon dlopens it, so no -dev package (no cblas.h) is needed.
{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep 'libopenblas\.so\.0 ' >/dev/null || need_apt+=(libopenblas0-pthread)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-e2e: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ -x "$tools/node_modules/.bin/code-server" ] && \
   [ "$(node -p "require('$tools/node_modules/code-server/package.json').version")" = "$cs_version" ]; then
  echo "setup-e2e: code-server $cs_version already in $tools"
  exit 0
fi

# @vscode/ripgrep downloads rg from GitHub in its postinstall; seed its cache with Debian's rg.
cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
tarball="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$tarball" ]; then
  tmp="$(mktemp -d)"; cp "$(command -v rg)" "$tmp/rg"
  tar -czf "$tarball" -C "$tmp" rg; rm -rf "$tmp"
fi

mkdir -p "$tools"
[ -f "$tools/package.json" ] || echo '{"name":"optimizer-debugger-tools","private":true}' > "$tools/package.json"
echo "setup-e2e: installing code-server $cs_version into $tools (about a minute)"
( cd "$tools" && npm_config_yes=true npm_config_unsafe_perm=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$cs_version" )
echo "setup-e2e: done"
