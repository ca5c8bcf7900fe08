#!/usr/bin/env bash
# Captures what FFmpeg and nginx-rtmp say to each other while ffmpeg publishes a tiny clip:
#   ffmpeg -i tiny.flv -c copy -f flv rtmp://127.0.0.1:PROXY/live/capture
# through tcp_recorder.py (PROXY) to a throw-away nginx-rtmp, and writes tiny.flv, client.bin (ffmpeg→nginx)
# and server.bin (nginx→ffmpeg) to tests/Uplink.Tests/TestData/FfmpegCapture/ (or the directory given as $1).
# Needs ffmpeg, nginx + libnginx-mod-rtmp and python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../../tests/Uplink.Tests/TestData/FfmpegCapture}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
module=/usr/lib/nginx/modules/ngx_rtmp_module.so
export PATH="$PATH:/usr/sbin"
work="$(mktemp -d /tmp/uplink-capture-XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# 1. The tiny clip: 5 frames of 160x90 H.264 High with B-frames (25 fps) + AAC-LC 48 kHz stereo, 0.2 s.
ffmpeg -hide_banner -nostdin -v error -y \
    -f lavfi -i testsrc2=size=160x90:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 0.2 \
    -c:v libx264 -threads 1 -preset medium -profile:v high -pix_fmt yuv420p -bf 2 -g 50 \
    -c:a aac -b:a 64k -ac 2 \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
    -f flv "$out/tiny.flv"

# 2. nginx-rtmp on a free port.
port=""
for _ in $(seq 10); do
    candidate=$((20000 + RANDOM % 40000))
    listening "$candidate" && continue
    cat > "$work/nginx.conf" <<CONF
load_module $module;
daemon off;
master_process off;
pid $work/nginx.pid;
error_log $work/error.log info;
events { worker_connections 64; }
rtmp { server { listen 127.0.0.1:$candidate; application live { live on; } } }
CONF
    nginx -p "$work/" -e "$work/error.log" -c "$work/nginx.conf" &
    nginx_pid=$!
    for _ in $(seq 100); do
        listening "$candidate" && { port=$candidate; break; }
        kill -0 "$nginx_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -n "$port" ]; then pids+=("$nginx_pid"); break; fi
    kill -KILL "$nginx_pid" 2>/dev/null || true
done
[ -n "$port" ] || { echo "error: nginx-rtmp did not start: $(cat "$work/error.log")" >&2; exit 1; }

# 3. The recorder in front of it; it prints "listening 127.0.0.1:PORT" when ready.
python3 "$here/tcp_recorder.py" --upstream "127.0.0.1:$port" --client-out "$out/client.bin" --server-out "$out/server.bin" > "$work/recorder.out" &
recorder_pid=$!
pids+=("$recorder_pid")
proxy=""
for _ in $(seq 100); do
    proxy="$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/recorder.out")"
    [ -n "$proxy" ] && break
    sleep 0.1
done
[ -n "$proxy" ] || { echo "error: tcp_recorder.py did not start" >&2; exit 1; }

# 4. Publish through the recorder, then let the recorder finish writing.
echo "+ ffmpeg -hide_banner -v error -i tiny.flv -c copy -f flv rtmp://127.0.0.1:$proxy/live/capture"
ffmpeg -hide_banner -nostdin -v error -i "$out/tiny.flv" -c copy -f flv "rtmp://127.0.0.1:$proxy/live/capture"
wait "$recorder_pid"
cat "$work/recorder.out"
ls -l "$out"
