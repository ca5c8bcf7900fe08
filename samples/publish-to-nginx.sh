#!/usr/bin/env bash
# Publishes samples/sample.flv with `uplink publish` to a throw-away nginx-rtmp on a free 127.0.0.1 port,
# then checks nginx's recording with ffmpeg: frames decoded, and whether every frame's MD5 (framemd5) equals
# the source's. Run it from the repository root:  samples/publish-to-nginx.sh
# Installs nginx, libnginx-mod-rtmp and ffmpeg with apt when they are missing and it runs as root.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
sample=samples/sample.flv
module=/usr/lib/nginx/modules/ngx_rtmp_module.so

export PATH="$PATH:/usr/sbin"   # nginx lives there; a non-root PATH may lack it
own_policy=""
nginx_pid=""
stop_nginx() {
    if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
        kill -TERM "$nginx_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    nginx_pid=""
}
trap 'stop_nginx; if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT

if ! command -v nginx >/dev/null || ! command -v ffmpeg >/dev/null || [ ! -f "$module" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: needs nginx, libnginx-mod-rtmp and ffmpeg: sudo apt-get install nginx libnginx-mod-rtmp ffmpeg" >&2
        exit 2
    fi
    echo "installing nginx libnginx-mod-rtmp ffmpeg"
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        # keep the package from starting a system nginx on port 80
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx libnginx-mod-rtmp ffmpeg
    if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; own_policy=""; fi
fi

work="$(mktemp -d /tmp/uplink-sample-XXXXXX)"
mkdir -p "$work/records" "$work/done"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free port: pick one nobody listens on; if nginx still cannot bind it (taken meanwhile), try another.
port=""
for _ in $(seq 10); do
    candidate=$((20000 + RANDOM % 40000))
    listening "$candidate" && continue
    user_line=""; [ "$(id -u)" -eq 0 ] && user_line="user root;"
    cat > "$work/nginx.conf" <<CONF
load_module $module;
$user_line
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log info;
events { worker_connections 64; }
rtmp {
    server {
        listen 127.0.0.1:$candidate;
        application live {
            live on;
            record all;
            record_path $work/records;
            record_unique off;
            exec_record_done /bin/sh -c "echo \$path > $work/done/\$name.tmp && mv $work/done/\$name.tmp $work/done/\$name.done";
        }
    }
}
CONF
    nginx -p "$work/" -e "$work/error.log" -c "$work/nginx.conf" &
    nginx_pid=$!
    for _ in $(seq 100); do
        listening "$candidate" && { port=$candidate; break; }
        kill -0 "$nginx_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] && break
    stop_nginx
done
if [ -z "$port" ]; then
    echo "error: nginx-rtmp did not start; see $work/error.log" >&2
    exit 1
fi

url="rtmp://127.0.0.1:$port/live/sample"
echo "nginx-rtmp listening on 127.0.0.1:$port (pid $nginx_pid), recording to $work/records"
echo "+ dotnet run --project src/Uplink.Cli -- publish $sample $url"
dotnet run --project src/Uplink.Cli -- publish "$sample" "$url"

# nginx-rtmp runs exec_record_done when the recording is closed, i.e. after the publisher left.
for _ in $(seq 100); do [ -f "$work/done/sample.done" ] && break; sleep 0.1; done
stop_nginx
recording="$work/records/sample.flv"
if [ ! -f "$work/done/sample.done" ] || [ ! -s "$recording" ]; then
    echo "FAIL: nginx-rtmp recorded nothing for live/sample (see $work/error.log)" >&2
    exit 1
fi

hashes() { ffmpeg -hide_banner -nostdin -v error -i "$1" -map "$2" -f framemd5 - 2>/dev/null | grep -v '^#' | awk -F', *' '{print $6}' || true; }
status=0
for kind in v a; do
    name=$([ "$kind" = v ] && echo video || echo audio)
    hashes "$sample" "0:$kind:0" > "$work/source.$kind"
    hashes "$recording" "0:$kind:0" > "$work/recording.$kind"
    source_frames=$(wc -l < "$work/source.$kind")
    recorded_frames=$(wc -l < "$work/recording.$kind")
    if cmp -s "$work/source.$kind" "$work/recording.$kind"; then
        echo "$name: $recorded_frames frames decoded from the recording; framemd5 matches the source ($source_frames frames)"
    else
        echo "$name: $recorded_frames frames decoded from the recording; framemd5 DIFFERS from the source ($source_frames frames)"
        status=1
    fi
done
echo "recording kept at $recording"
exit $status
