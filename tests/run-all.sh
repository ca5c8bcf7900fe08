#!/usr/bin/env bash
# The README's test command: installs the real RTMP peers the integration tests need (as root, or with
# sudo), then runs every test. .ci/run calls it; safe to run twice on a fresh Debian 12 with the .NET 10 SDK.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Installing the nginx package would start a system nginx on port 80 (via invoke-rc.d, with or without
# systemd). A policy-rc.d that answers 101 ("action forbidden") stops that; ours is removed on exit,
# one that was already there is left alone.
policy=/usr/sbin/policy-rc.d
own_policy=""
cleanup() { if [ -n "$own_policy" ]; then as_root rm -f "$policy"; fi; }
trap cleanup EXIT
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# installed by .ci/run: no service starts during package installs\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    own_policy=1
fi

packages=(nginx libnginx-mod-rtmp ffmpeg openssl clang zlib1g-dev)  # openssl: the RTMPS test certificate; clang, zlib1g-dev: the native AOT publish test
# Node.js >= 20 (Node-Media-Server 4.4.3 requires it) comes with the machine; fall back to Debian's if absent.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

echo "::: apt-get install ${packages[*]}"
as_root apt-get update -q
as_root apt-get install -y -q --no-install-recommends "${packages[@]}"
cleanup
own_policy=""

echo "::: npm ci (Node-Media-Server test peer)"
npm ci --prefix tests/peers/node-media-server --no-audit --no-fund --loglevel=error

# FFmpeg 8.1's libraries as a Node addon: the oracle and RTMP listener for Enhanced RTMP, which Debian's FFmpeg 5.1
# cannot demux. --ignore-scripts: node-av's install script would try a download that is not reachable.
echo "::: npm ci (FFmpeg 8.1 test peer: node-av)"
npm ci --prefix tests/peers/node-av --ignore-scripts --no-audit --no-fund --loglevel=error

echo "::: tool versions"
dotnet --version
ffmpeg -hide_banner -version | head -n 1
nginx -v 2>&1
ls -l /usr/lib/nginx/modules/ngx_rtmp_module.so
echo "node $(node --version), npm $(npm --version 2>/dev/null)"
node -e 'console.log("node-media-server " + require("./tests/peers/node-media-server/node_modules/node-media-server/package.json").version)'
node -e 'console.log("node-av " + require("./tests/peers/node-av/node_modules/node-av/package.json").version)'

echo "::: dotnet test Uplink.slnx (without the reconnect soak: bench/soak.sh runs it)"
dotnet test Uplink.slnx --filter "Category!=Soak"
