# shellcheck shell=bash
# Sourced by bench/compare.sh and bench/scale.sh: starts nginx with the rtmp module on a free 127.0.0.1 port,
# in its own prefix directory, recording nothing, and stops it by its pid.
#   nginx_start DIR WORKERS CONNECTIONS   sets NGINX_PID, NGINX_PORT and NGINX_STAT_PORT
#   nginx_bytes_in                        bytes nginx-rtmp has received from publishers since it started
#   nginx_stop                            stops it (safe to call twice)
#   free_port                             prints a TCP port nothing on 127.0.0.1 listens on

NGINX_RTMP_MODULE=${NGINX_RTMP_MODULE:-/usr/lib/nginx/modules/ngx_rtmp_module.so}
NGINX_PID=""
NGINX_PORT=""
NGINX_STAT_PORT=""

free_port() {
    local port
    while true; do
        port=$((20000 + RANDOM % 40000))
        if [[ -z "$(ss -Hltn "sport = :$port")" ]]; then
            echo "$port"
            return
        fi
    done
}

# wait_listening PORT PID SECONDS: true once something listens on PORT, false if PID exits or time runs out.
wait_listening() {
    local port=$1 pid=$2 deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
        if [[ -n "$(ss -Hltn "sport = :$port")" ]]; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
    return 1
}

nginx_write_config() {
    local dir=$1 port=$2 stat_port=$3 workers=$4 connections=$5 master=off user=""
    if [[ "$workers" != 1 ]]; then
        master=on
    fi
    if [[ $EUID -eq 0 ]]; then
        user="user root;"
    fi
    cat >"$dir/nginx.conf" <<CONF
load_module $NGINX_RTMP_MODULE;
$user
daemon off;
master_process $master;
worker_processes $workers;
worker_rlimit_nofile $((connections * 2 + 64));
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections $connections; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$stat_port;
        location /stat { rtmp_stat all; }
    }
}
rtmp {
    server {
        listen 127.0.0.1:$port;
        application live {
            live on;
            record off;
        }
    }
}
CONF
}

nginx_start() {
    local dir=$1 workers=$2 connections=$3 attempt port stat_port
    command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx libnginx-mod-rtmp)" >&2; return 1; }
    [[ -f "$NGINX_RTMP_MODULE" ]] || { echo "nginx-rtmp module missing at $NGINX_RTMP_MODULE (apt-get install libnginx-mod-rtmp)" >&2; return 1; }
    mkdir -p "$dir"
    for attempt in 1 2 3; do
        port=$(free_port)
        stat_port=$(free_port)
        nginx_write_config "$dir" "$port" "$stat_port" "$workers" "$connections"
        nginx -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" >>"$dir/stdout.log" 2>&1 &
        NGINX_PID=$!
        if wait_listening "$port" "$NGINX_PID" 10; then
            NGINX_PORT=$port
            NGINX_STAT_PORT=$stat_port
            return 0
        fi
        nginx_stop
        echo "nginx did not start on 127.0.0.1:$port (attempt $attempt):" >&2
        tail -n 5 "$dir/error.log" >&2 || true
    done
    return 1
}

nginx_stop() {
    if [[ -n "$NGINX_PID" ]]; then
        kill -TERM "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
        NGINX_PID=""
    fi
}

# nginx_cpu_seconds: user+system CPU seconds of nginx and its workers so far.
nginx_cpu_seconds() {
    local total=0 pid ticks pids
    ticks=$(getconf CLK_TCK)
    mapfile -t pids < <(pgrep -P "$NGINX_PID" 2>/dev/null || true)
    for pid in "$NGINX_PID" "${pids[@]}"; do
        if [[ -r /proc/$pid/stat ]]; then
            # Fields 14 and 15 (utime, stime) counted after the ")" that ends the command name.
            total=$((total + $(sed -E 's/^.*\) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
        fi
    done
    awk -v t="$total" -v k="$ticks" 'BEGIN { printf "%.2f", t / k }'
}

# nginx_bytes_in: the <bytes_in> total of nginx-rtmp's statistics page (all publishers since nginx started).
nginx_bytes_in() {
    local page
    exec 3<>"/dev/tcp/127.0.0.1/$NGINX_STAT_PORT"
    printf 'GET /stat HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    page=$(cat <&3)
    exec 3<&-
    sed -n 's:.*<bytes_in>\([0-9]*\)</bytes_in>.*:\1:p' <<<"$page" | head -n 1
}
