#!/usr/bin/env bash
# Throughput side by side: uplink, FFmpeg, GStreamer (rtmp2sink) and a raw-socket floor push the same media to
# nginx-rtmp on 127.0.0.1 as fast as it takes it, alternating, N rounds; prints medians and ratios of wall time,
# CPU time (user+sys) and peak RSS, and keeps the raw numbers in bench/.cache/compare-DATE.tsv.
#   bench/compare.sh [--rounds N] [--small] [--timeout S]
#     --rounds N   rounds of the four runs (default 3); medians over the rounds
#     --small      a 10 s 640x360 clip looped 3 times instead of 60 s of 1080p looped 10 times (a smoke run)
#     --timeout S  a run that takes longer than S seconds (default 600) is stopped and counts as failed
#     --aot        measure the native AOT binary (dotnet publish -p:PublishAot=true) instead of the ReadyToRun build
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cache="$here/.cache"
rounds=3
small=false
aot=false
tool_timeout=600
while (($#)); do
    case "$1" in
        --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
        --small) small=true; shift ;;
        --aot) aot=true; shift ;;
        --timeout) tool_timeout=${2:?--timeout needs seconds}; shift 2 ;;
        -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds must be a whole number above 0" >&2; exit 2; }
[[ "$tool_timeout" =~ ^[1-9][0-9]*$ ]] || { echo "--timeout must be a whole number of seconds above 0" >&2; exit 2; }

# shellcheck source=bench/lib/nginx-rtmp.sh
source "$here/lib/nginx-rtmp.sh"

for tool in ffmpeg gst-launch-1.0 dotnet perl /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (see bench/README.md)" >&2; exit 1; }
done
gst-inspect-1.0 rtmp2sink >/dev/null 2>&1 || { echo "GStreamer's rtmp2sink is missing (apt-get install gstreamer1.0-plugins-bad)" >&2; exit 1; }

mkdir -p "$cache"
if $small; then
    clip="$cache/small.flv" loops=3
    clip_args=(-f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 10
        -c:v libx264 -preset veryfast -b:v 2M -maxrate 2M -bufsize 4M -g 60 -pix_fmt yuv420p -c:a aac -b:a 128k -ac 2)
else
    clip="$cache/big.flv" loops=10
    clip_args=(-f lavfi -i testsrc2=size=1920x1080:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 60
        -c:v libx264 -preset ultrafast -b:v 8M -maxrate 8M -bufsize 16M -g 60 -pix_fmt yuv420p -c:a aac -b:a 128k -ac 2)
fi
looped="${clip%.flv}$loops.flv"
if [[ ! -s "$clip" ]]; then
    echo "making $clip ..." >&2
    ffmpeg -hide_banner -nostdin -loglevel error -y "${clip_args[@]}" -f flv "$clip.tmp"
    mv "$clip.tmp" "$clip"
fi
if [[ ! -s "$looped" || "$looped" -ot "$clip" ]]; then
    # The same media the publishers send, as one FLV with continuous timestamps: what GStreamer reads and the floor pushes.
    echo "making $looped ..." >&2
    ffmpeg -hide_banner -nostdin -loglevel error -y -stream_loop $((loops - 1)) -i "$clip" -c copy -f flv "$looped.tmp"
    mv "$looped.tmp" "$looped"
fi
bytes=$(stat -c %s "$looped")

rid=$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')
if [[ "$aot" == true ]]; then
    echo "building uplink (dotnet publish -c Release -r $rid -p:PublishAot=true) ..." >&2
    dotnet publish "$repo/src/Uplink.Cli" -c Release -r "$rid" -p:PublishAot=true -o "$cache/uplink-aot" -nologo -v quiet >"$cache/publish.log" 2>&1 \
        || { cat "$cache/publish.log" >&2; exit 1; }
    uplink="$cache/uplink-aot/uplink"
else
    # ReadyToRun: precompiled code, so the measurement is not mostly the JIT starting up (0.2 s CPU of a ~0.7 s run).
    echo "building uplink (dotnet publish -c Release -r $rid, ReadyToRun) ..." >&2
    dotnet publish "$repo/src/Uplink.Cli" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$cache/uplink" -nologo -v quiet >"$cache/publish.log" 2>&1 \
        || { cat "$cache/publish.log" >&2; exit 1; }
    uplink="$cache/uplink/Uplink.Cli"
fi

work=$(mktemp -d /tmp/uplink-compare.XXXXXX)
sink_pid=""
cleanup() {
    nginx_stop
    if [[ -n "$sink_pid" ]]; then
        kill -TERM "$sink_pid" 2>/dev/null || true
        wait "$sink_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nginx_start "$work/nginx" 1 1024
url="rtmp://127.0.0.1:$NGINX_PORT/live"

# The floor's peer: a plain TCP sink that reads and discards (a few lines of Perl, so its bytes read can be counted).
# The pusher is socat when installed, else cat into bash's /dev/tcp.
floor_name=cat
if command -v socat >/dev/null; then
    floor_name=socat
fi
perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 16, ReuseAddr => 1) or die "sink: $!";
    $| = 1; print $s->sockport, "\n";
    while (my $c = $s->accept) { my $b; while (sysread($c, $b, 1 << 20)) {} close $c; }' >"$work/sink.port" &
sink_pid=$!
for _ in $(seq 50); do [[ -s "$work/sink.port" ]] && break; sleep 0.1; done
sink_port=$(cat "$work/sink.port")

# bytes_read nginx|sink: bytes the receiver has taken in so far (nginx-rtmp's statistics; the sink's read() total).
bytes_read() {
    if [[ $1 == nginx ]]; then
        nginx_bytes_in
    else
        awk '$1 == "rchar:" { print $2 }' "/proc/$sink_pid/io"
    fi
}

tsv="$cache/compare-$(date -u +%Y%m%dT%H%M%SZ).tsv"
printf 'round\ttool\twall_s\tuser_s\tsys_s\tcpu_s\tmax_rss_kib\tfile_bytes\tserver_read_bytes\tserver_cpu_s\n' >"$tsv"

# run_tool ROUND NAME nginx|sink COMMAND...: runs it under /usr/bin/time, appends a row with what the receiver
# read meanwhile, and stops everything when it fails or the receiver got less than 90% of the file's bytes.
run_tool() {
    local round=$1 name=$2 receiver=$3 status=0 wall user sys rss before received cpu_before server_cpu=0
    shift 3
    before=$(bytes_read "$receiver")
    cpu_before=$(nginx_cpu_seconds)
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" timeout --kill-after=10 "$tool_timeout" "$@" >"$work/out.txt" 2>&1 || status=$?
    if ((status != 0)); then
        echo "FAILED: $name exited with $status (round $round; 124 = timed out after $tool_timeout s): $*" >&2
        tail -n 20 "$work/out.txt" >&2
        exit 1
    fi
    # The server may still be reading the last bytes the tool wrote before it exited: give it up to 2 s.
    for _ in $(seq 20); do
        received=$(($(bytes_read "$receiver") - before))
        ((received * 10 >= bytes * 9)) && break
        sleep 0.1
    done
    if [[ $receiver == nginx ]]; then
        server_cpu=$(awk -v a="$cpu_before" -v b="$(nginx_cpu_seconds)" 'BEGIN { printf "%.2f", b - a }')
    fi
    read -r wall user sys rss < <(tail -n 1 "$work/time.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$wall" "$user" "$sys" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "$rss" "$bytes" "$received" "$server_cpu" >>"$tsv"
    printf '  %-9s wall %7.2f s  cpu %7.2f s  rss %6.1f MiB  server read %7.1f MiB, cpu %6.2f s\n' "$name" "$wall" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" \
        "$(awk -v b="$received" 'BEGIN { print b / 1048576 }')" "$server_cpu" >&2
    if ((received * 10 < bytes * 9)); then
        echo "FAILED: $name ran, but the server read only $received of the file's $bytes bytes (round $round)" >&2
        tail -n 20 "$work/out.txt" >&2
        exit 1
    fi
}

run_uplink() {
    run_tool "$1" uplink nginx "$uplink" publish "$clip" "$url/u$1" --loop "$loops" --no-realtime
}
run_ffmpeg() {
    run_tool "$1" ffmpeg nginx ffmpeg -hide_banner -nostdin -loglevel error -stream_loop $((loops - 1)) -i "$clip" -c copy -f flv "$url/f$1"
}
run_gstreamer() {
    run_tool "$1" gstreamer nginx gst-launch-1.0 -q filesrc location="$looped" ! flvdemux name=d \
        d.video ! queue ! h264parse ! flvmux name=m streamable=true \
        d.audio ! queue ! aacparse ! m. \
        m. ! rtmp2sink location="$url/g$1" sync=false chunk-size=4096
}
run_floor() {
    if [[ $floor_name == socat ]]; then
        run_tool "$1" socat sink socat -u "FILE:$looped" "TCP:127.0.0.1:$sink_port"
    else
        # shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
        run_tool "$1" cat sink bash -c 'cat "$1" >"/dev/tcp/127.0.0.1/$2"' floor "$looped" "$sink_port"
    fi
}

runs=(run_uplink run_ffmpeg run_gstreamer run_floor)
echo "$(basename "$clip") x$loops = $((bytes / 1024 / 1024)) MiB to nginx-rtmp on 127.0.0.1:$NGINX_PORT; $rounds round(s)" >&2
for ((r = 1; r <= rounds; r++)); do
    echo "round $r" >&2
    # Each round starts with the next tool, so no tool always runs first (or right after the same one).
    for ((i = 0; i < ${#runs[@]}; i++)); do
        "${runs[$(((i + r - 1) % ${#runs[@]}))]}" "$r"
    done
done

# Medians per tool, then ratios of uplink to each other tool.
awk -F'\t' -v bytes="$bytes" '
    function median(list,    n, a, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR > 1 { if (!($2 in wall)) order[++tools] = $2; wall[$2] = wall[$2] " " $3; cpu[$2] = cpu[$2] " " $6; rss[$2] = rss[$2] " " $7; srv[$2] = srv[$2] " " $10 }
    END {
        printf "%-10s %10s %10s %12s %10s %14s\n", "tool", "wall s", "cpu s", "peak RSS MiB", "MB/s", "server cpu s"
        for (k = 1; k <= tools; k++) {
            t = order[k]; W[t] = median(wall[t]); C[t] = median(cpu[t]); R[t] = median(rss[t]) / 1024
            printf "%-10s %10.2f %10.2f %12.1f %10.1f %14.2f\n", t, W[t], C[t], R[t], (W[t] > 0 ? bytes / W[t] / 1e6 : 0), median(srv[t])
        }
        print ""
        printf "%-22s %8s %8s %8s\n", "ratio", "wall", "cpu", "rss"
        for (k = 1; k <= tools; k++) {
            t = order[k]
            if (t == "uplink") continue
            printf "%-22s %8.2f %8.2f %8.2f\n", "uplink / " t, (W[t] > 0 ? W["uplink"] / W[t] : 0), (C[t] > 0 ? C["uplink"] / C[t] : 0), (R[t] > 0 ? R["uplink"] / R[t] : 0)
        }
    }' "$tsv"
echo "raw numbers: $tsv" >&2
