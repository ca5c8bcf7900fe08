#!/usr/bin/env bash
# The trade of the acknowledgement window: how many Acknowledgements nginx-rtmp sends and what they cost, uplink's
# and nginx's CPU, for the automatic window (~50 ms of media) against fixed ones, pushing the same clip
# (20 s 1080p30 8 Mbit/s, played --loop times) as fast as nginx takes it — the most acknowledgements per second
# any window gives. Medians of --rounds runs; prints a Markdown table.
#   bench/ack-window.sh [--rounds N] [--loop L] [--windows "0 8192 65536 2500000"]   (0 = automatic)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cache="$here/.cache"
rounds=3
loops=10
windows="0 8192 65536 2500000"
while (($#)); do
    case "$1" in
        --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
        --loop) loops=${2:?--loop needs a number}; shift 2 ;;
        --windows) windows=${2:?--windows needs a list}; shift 2 ;;
        -h|--help) sed -n '2,6p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ && "$loops" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds and --loop take whole numbers above 0" >&2; exit 2; }

# shellcheck source=bench/lib/nginx-rtmp.sh
source "$here/lib/nginx-rtmp.sh"
# shellcheck source=bench/lib/clips.sh
source "$here/lib/clips.sh"
for tool in ffmpeg dotnet /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (see bench/README.md)" >&2; exit 1; }
done

mkdir -p "$cache"
clip=$(dest_clip "$cache")
bytes=$(($(stat -c %s "$clip") * loops))

work=$(mktemp -d /tmp/uplink-ack-window.XXXXXX)
cleanup() {
    nginx_stop
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rid=$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')
echo "building uplink (dotnet publish -c Release -r $rid, ReadyToRun) ..." >&2
dotnet publish "$repo/src/Uplink.Cli" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -o "$cache/uplink" -nologo -v quiet >"$cache/publish.log" 2>&1 || { cat "$cache/publish.log" >&2; exit 1; }
uplink="$cache/uplink/Uplink.Cli"

nginx_start "$work/nginx" 1 64
tsv="$work/rows.tsv"
for ((r = 1; r <= rounds; r++)); do
    for w in $windows; do
        before=$(nginx_cpu_seconds)
        /usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$uplink" publish "$clip" "rtmp://127.0.0.1:$NGINX_PORT/live/ack-$r-$w" \
            --loop "$loops" --no-realtime --ack-window "$w" --json >"$work/out.txt" 2>&1 || { tail -n 20 "$work/out.txt" >&2; exit 1; }
        server=$(awk -v a="$before" -v b="$(nginx_cpu_seconds)" 'BEGIN { printf "%.2f", b - a }')
        read -r wall user sys < <(tail -n 1 "$work/time.txt")
        printf '%s\t%s\t%s\t%s\n' "$w" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "$server" >>"$tsv"
        printf '  window %-8s wall %6.2f s  uplink cpu %5.2f s  nginx cpu %5.2f s\n' "$w" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$server" >&2
    done
done

# One untimed run per window with the session logged at trace level, to count the Acknowledgements received.
declare -A acks
for w in $windows; do
    "$uplink" publish "$clip" "rtmp://127.0.0.1:$NGINX_PORT/live/ack-count-$w" --loop "$loops" --no-realtime --ack-window "$w" \
        --trace 7 --log-file "$work/trace.log" >/dev/null 2>&1 || { echo "the counting run with --ack-window $w failed" >&2; exit 1; }
    acks[$w]=$(grep -c 'Received message type 3 ' "$work/trace.log" || true)
    rm -f "$work/trace.log"
done

echo
echo "$(basename "$clip") x$loops = $((bytes / 1048576)) MiB to nginx-rtmp, as fast as it takes it; medians of $rounds; $(nproc) cores"
echo
echo "| window | acknowledgements | per second | uplink CPU | nginx CPU | wall |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for w in $windows; do
    awk -F'\t' -v w="$w" -v acks="${acks[$w]}" '$1 == w { n++; wall[n] = $2; cpu[n] = $3; srv[n] = $4 }
        function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }; return a[int((n + 1) / 2)] }
        END { mw = median(wall, n)
              printf "| %s | %d | %d | %.2f s | %.2f s | %.2f s |\n", (w == 0 ? "automatic" : w), acks, acks / mw, median(cpu, n), median(srv, n), mw }' "$tsv"
done
