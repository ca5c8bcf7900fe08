#!/usr/bin/env bash
# Many streams in one process: N real-time publishers of a 1 Mbit/s H.264 + AAC stream (bench/Uplink.LoadTest)
# against nginx-rtmp on 127.0.0.1, for N = 10, 100, 1000; prints one table row per N and keeps the JSON lines in
# bench/.cache/scale-DATE.jsonl.
#   bench/scale.sh [--seconds S] [--streams "10 100 1000"] [--bitrate BPS]
#     --seconds S     how long each run publishes once all streams are connected (default 30)
#     --streams LIST  the stream counts to run, in order (default "10 100 1000")
#     --bitrate BPS   the synthetic stream's bitrate (default 1000000)
#     -- ARGS         passed on to Uplink.LoadTest (e.g. -- --interleave-window-ms 0 --buffer-size 262144)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache="$here/.cache"
seconds=30
counts="10 100 1000"
bitrate=1000000
extra=()
while (($#)); do
    case "$1" in
        --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
        --streams) counts=${2:?--streams needs a list}; shift 2 ;;
        --bitrate) bitrate=${2:?--bitrate needs a number}; shift 2 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

# shellcheck source=bench/lib/nginx-rtmp.sh
source "$here/lib/nginx-rtmp.sh"

max=0
for n in $counts; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "--streams takes whole numbers above 0, not '$n'" >&2; exit 2; }
    if ((n > max)); then
        max=$n
    fi
done

# One socket per stream here, one (or two) per stream in nginx: raise the open-file limit as far as allowed.
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < max + 256)); then
    echo "warning: open-file limit $(ulimit -n) is low for $max streams" >&2
fi

mkdir -p "$cache"
echo "building the load test (dotnet publish -c Release) ..." >&2
dotnet publish "$here/Uplink.LoadTest" -c Release -o "$cache/loadtest" -nologo -v quiet >"$cache/publish-loadtest.log" 2>&1 \
    || { cat "$cache/publish-loadtest.log" >&2; exit 1; }

work=$(mktemp -d /tmp/uplink-scale.XXXXXX)
cleanup() {
    nginx_stop
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nginx_start "$work/nginx" auto $((max * 2 + 256))
echo "nginx-rtmp on 127.0.0.1:$NGINX_PORT ($(nproc) cores); ${seconds} s per run at $bitrate bit/s per stream" >&2

jsonl="$cache/scale-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
failed=0
rows=()
field() {
    sed -E "s/.*\"$2\":(\"[^\"]*\"|[^,}]*).*/\1/" <<<"$1"
}
for n in $counts; do
    echo "$n streams ..." >&2
    nginx_before=$(nginx_cpu_seconds)
    status=0
    line=$("$cache/loadtest/Uplink.LoadTest" --url "rtmp://127.0.0.1:$NGINX_PORT/live" --streams "$n" --seconds "$seconds" \
        --bitrate "$bitrate" --clip "$cache/load-$bitrate.flv" "${extra[@]}") || status=$?
    nginx_after=$(nginx_cpu_seconds)
    if [[ -z "$line" ]]; then
        echo "FAILED: the load test for $n streams printed nothing (exit $status)" >&2
        exit 1
    fi
    echo "$line" >>"$jsonl"
    echo "$line" >&2
    if ((status != 0)); then
        failed=1
    fi
    run_seconds=$(field "$line" seconds)
    rows+=("$(printf '%7s %6.2f %8.1f %8.1f %8.1f %8.3f %8.3f %9.1f %10s %8s %7s %6s %7.2f' \
        "$n" "$(field "$line" cpuCores)" "$(field "$line" memoryPerStreamKiB)" "$(field "$line" retainedHeapPerStreamKiB)" \
        "$(field "$line" peakWorkingSetMiB)" "$(field "$line" latencyP50Ms)" "$(field "$line" latencyP99Ms)" "$(field "$line" sentMbitPerSecond)" "$(field "$line" framesSent)" \
        "$(field "$line" framesDropped)" "$(field "$line" maxLagMs)" "$(field "$line" errors)" \
        "$(awk -v a="$nginx_before" -v b="$nginx_after" -v s="$run_seconds" 'BEGIN { print (b - a) / s }')")")
done

printf '%7s %6s %8s %8s %8s %8s %8s %9s %10s %8s %7s %6s %7s\n' streams cores "KiB/str" "retKiB" "peakMiB" "p50 ms" "p99 ms" "Mbit/s" sent dropped "lagMs" errors nginx
printf '%s\n' "${rows[@]}"
echo "JSON lines: $jsonl" >&2
exit "$failed"
