#!/usr/bin/env bash
# The reconnect soak: one real-time `uplink publish --reconnect-attempts 30 --reconnect-delay 0.5` of a 640x360 30 fps
# clip (GOP 60 frames, 3000 kbit/s CBR) while the server is disrupted again and again, then every recorded video frame
# is mapped back onto the clip: frames lost and repeated per reconnection, recorded vs sent, uplink's memory per cycle.
# Runs tests/Uplink.IntegrationTests' SoakTests (dotnet test --filter Category=Soak) and prints the report's path
# (bench/.cache/soak-MODE-DATE.md). Exit status: the test's (0 = pass).
#   bench/soak.sh [--mode kill|cut|cut-nms] [--disruptions K] [--interval S | --duration S] [--seed N] [--keep] [--no-build]
#     --mode          kill: nginx-rtmp SIGKILLed and started again 0.3-1 s later (one recording per connection);
#                     cut: every connection to nginx-rtmp reset by a proxy, the server stays up;
#                     cut-nms: the same against Node-Media-Server with its resume on (one recording, appended)
#                     (default kill)
#     --disruptions K how many disruptions (default 6)
#     --interval S    seconds between disruptions, each moved by up to S/4 either way (default 4); the clip is
#                     (K+1)*S + 5 s long
#     --duration S    instead of --interval: a clip S seconds long, the K disruptions spread evenly over it
#     --seed N        seeds the jitter of the disruption times and outages (default 17)
#     --keep          copy the recordings to bench/.cache/soak-recordings-STREAM/ (SOAK_KEEP_RECORDINGS=1)
#     --no-build      skip the build
# Pass: exit 0 and one Connected per reconnection, every recording decodes from its start, no source frame missing,
# recorded between sent - 1 % and sent + K GOPs, uplink's RSS flat in runs of 60 disruptions or more (last quarter's mean within 15 % or 4 MiB of the
# second quarter's), and for cut-nms video and audio timestamps that only go up, by at most a frame + the longest
# reconnection, with every keyframe presented after all earlier frames (pts).
# Examples: bench/soak.sh --mode kill --disruptions 100 --interval 4      (~10 min)
#           bench/soak.sh --mode kill --disruptions 12 --duration 160     (4,800 frames sent)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
mode=kill
disruptions=""
interval=""
duration=""
seed=""
build=true
while (($#)); do
    case "$1" in
        --mode) mode=${2:?--mode needs kill, cut or cut-nms}; shift 2 ;;
        --disruptions) disruptions=${2:?--disruptions needs a number}; shift 2 ;;
        --interval) interval=${2:?--interval needs seconds}; shift 2 ;;
        --duration) duration=${2:?--duration needs seconds}; shift 2 ;;
        --seed) seed=${2:?--seed needs a number}; shift 2 ;;
        --no-build) build=false; shift ;;
        --keep) export SOAK_KEEP_RECORDINGS=1; shift ;;
        -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$mode" in kill|cut|cut-nms) ;; *) echo "--mode must be kill, cut or cut-nms" >&2; exit 2 ;; esac
[[ -z "$disruptions" || "$disruptions" =~ ^[1-9][0-9]*$ ]] || { echo "--disruptions must be a whole number above 0" >&2; exit 2; }
[[ -z "$interval" || "$interval" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "--interval must be a number of seconds" >&2; exit 2; }
[[ -z "$duration" || "$duration" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "--duration must be a number of seconds" >&2; exit 2; }
[[ -z "$seed" || "$seed" =~ ^-?[0-9]+$ ]] || { echo "--seed must be a whole number" >&2; exit 2; }
if [[ -n "$interval" && -n "$duration" ]]; then
    echo "give --interval or --duration, not both" >&2
    exit 2
fi

export SOAK_MODE=$mode CI=true
if [[ -n "$disruptions" ]]; then export SOAK_DISRUPTIONS=$disruptions; fi
if [[ -n "$interval" ]]; then export SOAK_INTERVAL_SECONDS=$interval; fi
if [[ -n "$duration" ]]; then export SOAK_DURATION_SECONDS=$duration; fi
if [[ -n "$seed" ]]; then export SOAK_SEED=$seed; fi

mkdir -p "$here/.cache"
log="$here/.cache/soak-$mode-$(date -u +%Y%m%d-%H%M%S).log"

if $build; then
    dotnet build "$repo/tests/Uplink.IntegrationTests" -v q
fi
no_build=(--no-build)
status=0
dotnet test "$repo/tests/Uplink.IntegrationTests" "${no_build[@]}" --filter "Category=Soak" \
    --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
grep -E '^\s*disruption [0-9]+ at|^\s*(Passed|Failed) ' "$log" || true
report=$(grep -o 'SOAK_REPORT .*' "$log" | tail -n 1 | cut -d' ' -f2- || true)
if [[ -n "$report" ]]; then
    echo "report: $report"
else
    echo "no report written; see $log" >&2
fi
echo "test output: $log"
exit "$status"
