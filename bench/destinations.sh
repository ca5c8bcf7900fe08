#!/usr/bin/env bash
# One stream to N destinations: the CPU (user+sys) and wall time of pushing the same clip, stream copy, as fast as
# nginx-rtmp on 127.0.0.1 takes it, to 1, 2, 5 and 10 destinations with
#   uplink    uplink publish CLIP URL1 … URLn --no-realtime           (one process)
#   tee       ffmpeg -i CLIP -c copy -map 0 -f tee "[f=flv]URL1|…"     (one process, FFmpeg's tee muxer)
#   ffmpeg    n × ffmpeg -i CLIP -c copy -f flv URLi, all at once      (n processes, CPU summed)
# Each round also runs each tool once on the clip's first second to one destination: its start-up (process, connect,
# end), so the table can give each extra destination's share of the first one's sending as well as of its whole run.
# Medians over rounds; prints a Markdown table and keeps the raw rows in bench/.cache/destinations-DATE.tsv.
#   bench/destinations.sh [--rounds N] [--counts "1 2 5 10"] [--tools "uplink tee ffmpeg"] [--loop L] [--timeout S]
#     --rounds N    how many times each case runs (default 3); the table shows medians
#     --counts LIST destination counts (default "1 2 5 10")
#     --tools LIST  which of uplink, tee, ffmpeg to run (default all three)
#     --loop L      the clip (20 s 1080p30 8 Mbit/s H.264 + AAC) is played L times per run (default 10, ~200 MB)
#     --timeout S   a run that takes longer than S seconds (default 300) is stopped and counts as failed
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cache="$here/.cache"
rounds=3
counts="1 2 5 10"
tools="uplink tee ffmpeg"
loops=10
tool_timeout=300
while (($#)); do
    case "$1" in
        --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
        --counts) counts=${2:?--counts needs a list}; shift 2 ;;
        --tools) tools=${2:?--tools needs a list}; shift 2 ;;
        --loop) loops=${2:?--loop needs a number}; shift 2 ;;
        --timeout) tool_timeout=${2:?--timeout needs seconds}; shift 2 ;;
        -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds must be a whole number above 0" >&2; exit 2; }
[[ "$loops" =~ ^[1-9][0-9]*$ ]] || { echo "--loop must be a whole number above 0" >&2; exit 2; }
[[ "$tool_timeout" =~ ^[1-9][0-9]*$ ]] || { echo "--timeout must be a whole number of seconds above 0" >&2; exit 2; }
max_n=0
for n in $counts; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "--counts takes whole numbers above 0, not '$n'" >&2; exit 2; }
    if ((n > max_n)); then
        max_n=$n
    fi
done
((max_n > 0)) || { echo "--counts is empty" >&2; exit 2; }
want_uplink=false
for t in $tools; do
    case "$t" in
        uplink) want_uplink=true ;;
        tee|ffmpeg) ;;
        *) echo "--tools takes uplink, tee and ffmpeg, not '$t'" >&2; exit 2 ;;
    esac
done

# shellcheck source=bench/lib/nginx-rtmp.sh
source "$here/lib/nginx-rtmp.sh"
# shellcheck source=bench/lib/clips.sh
source "$here/lib/clips.sh"

need=(ffmpeg perl /usr/bin/time timeout)
if $want_uplink; then
    need+=(dotnet)
fi
for tool in "${need[@]}"; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (see bench/README.md)" >&2; exit 1; }
done

mkdir -p "$cache"
clip=$(dest_clip "$cache")
# The start-up run's input: the clip's first second, copied.
short="$cache/dest-1s.flv"
if [[ ! -s "$short" || "$short" -ot "$clip" ]]; then
    ffmpeg -hide_banner -nostdin -loglevel error -y -i "$clip" -t 1 -c copy -f flv "$short.tmp"
    mv "$short.tmp" "$short"
fi
# What one destination should receive: the clip's bytes, loops times (nginx counts RTMP payload and headers, close to it).
bytes=$(($(stat -c %s "$clip") * loops))

work=$(mktemp -d /tmp/uplink-destinations.XXXXXX)
cleanup() {
    nginx_stop
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if $want_uplink; then
    rid=$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')
    # ReadyToRun, as compare.sh: precompiled code, so start-up is not mostly the JIT.
    echo "building uplink (dotnet publish -c Release -r $rid, ReadyToRun) ..." >&2
    dotnet publish "$repo/src/Uplink.Cli" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
        -o "$cache/uplink" -nologo -v quiet >"$cache/publish.log" 2>&1 || { cat "$cache/publish.log" >&2; exit 1; }
    uplink="$cache/uplink/Uplink.Cli"
    if ((max_n > 1)); then
        # Several URLs after the input: a CLI without them stops at parsing ("Unrecognized command or argument");
        # one with them gets past parsing to the missing input.
        "$uplink" publish "$work/no-such-input.flv" rtmp://127.0.0.1:9/live/a rtmp://127.0.0.1:9/live/b \
            --no-realtime >"$work/probe.txt" 2>&1 || true
        if grep -qi 'unrecognized command or argument' "$work/probe.txt"; then
            echo "uplink publish does not take several URLs yet (uplink publish INPUT URL1 URL2 …); run with --counts 1 or --tools \"tee ffmpeg\" until it does" >&2
            exit 1
        fi
    fi
fi

nginx_start "$work/nginx" 1 $((max_n * 4 + 64))
base="rtmp://127.0.0.1:$NGINX_PORT/live"

tsv="$cache/destinations-$(date -u +%Y%m%dT%H%M%SZ).tsv"
printf 'round\ttool\tdestinations\twall_s\tuser_s\tsys_s\tcpu_s\tmax_rss_kib\texpected_bytes\tserver_read_bytes\tserver_cpu_s\n' >"$tsv"

# run_case ROUND TOOL N: publishes to N distinct streams under /usr/bin/time (CPU of the process and its children,
# so n×ffmpeg is summed), checks nginx read ≥ 90 % of N × the bytes, appends a row; stops everything on a failure.
# N = 0 is the start-up run: the 1 s clip, once, to one destination.
run_case() {
    local round=$1 tool=$2 n=$3 i status=0 wall user sys rss before received cpu_before server_cpu expected
    local clip=$clip loops=$loops bytes=$bytes dests=$3
    local -a urls=() cmd=()
    if ((n == 0)); then
        clip=$short loops=1 bytes=$(stat -c %s "$short") dests=1
    fi
    for ((i = 1; i <= dests; i++)); do
        urls+=("$base/${tool}-r${round}-n${n}-d${i}")
    done
    case "$tool" in
        uplink) cmd=("$uplink" publish "$clip" "${urls[@]}" --loop "$loops" --no-realtime) ;;
        tee)
            local spec="" u
            for u in "${urls[@]}"; do
                spec+="${spec:+|}[f=flv]$u"
            done
            cmd=(ffmpeg -hide_banner -nostdin -loglevel error -stream_loop $((loops - 1)) -i "$clip" -c copy -map 0 -f tee "$spec") ;;
        ffmpeg)
            # n processes at once, as n separate publishers would run; the shell waits for all (their CPU is its children's).
            # shellcheck disable=SC2016 # the inner shell expands these
            cmd=(bash -c 'clip=$1 loops=$2; shift 2; pids=(); for u; do
                    ffmpeg -hide_banner -nostdin -loglevel error -stream_loop $((loops - 1)) -i "$clip" -c copy -f flv "$u" & pids+=($!)
                done; st=0; for p in "${pids[@]}"; do wait "$p" || st=$?; done; exit "$st"' n-ffmpeg "$clip" "$loops" "${urls[@]}") ;;
    esac
    expected=$((bytes * dests))
    before=$(nginx_bytes_in)
    cpu_before=$(nginx_cpu_seconds)
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" timeout --kill-after=10 "$tool_timeout" "${cmd[@]}" >"$work/out.txt" 2>&1 || status=$?
    if ((status != 0)); then
        echo "FAILED: $tool to $n destination(s) exited with $status (round $round; 124 = timed out after $tool_timeout s)" >&2
        tail -n 20 "$work/out.txt" >&2
        exit 1
    fi
    # nginx may still be reading the last bytes: give it up to 3 s.
    for _ in $(seq 30); do
        received=$(($(nginx_bytes_in) - before))
        ((received * 10 >= expected * 9)) && break
        sleep 0.1
    done
    server_cpu=$(awk -v a="$cpu_before" -v b="$(nginx_cpu_seconds)" 'BEGIN { printf "%.2f", b - a }')
    read -r wall user sys rss < <(tail -n 1 "$work/time.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$tool" "$n" "$wall" "$user" "$sys" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "$rss" "$expected" "$received" "$server_cpu" >>"$tsv"
    printf '  %-7s %-8s wall %6.2f s  cpu %6.2f s  rss %6.1f MiB  nginx read %7.1f MiB, cpu %5.2f s\n' "$tool" "$([[ $n == 0 ]] && echo start-up || echo "n=$n")" "$wall" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" \
        "$(awk -v b="$received" 'BEGIN { print b / 1048576 }')" "$server_cpu" >&2
    if ((received * 10 < expected * 9)); then
        echo "FAILED: $tool to $n destination(s) ran, but nginx read only $received of $expected bytes (round $round)" >&2
        tail -n 20 "$work/out.txt" >&2
        exit 1
    fi
}

read -r -a tool_list <<<"$tools"
read -r -a count_list <<<"$counts"
echo "$(basename "$clip") x$loops = $((bytes / 1048576)) MiB per destination to nginx-rtmp on 127.0.0.1:$NGINX_PORT;" \
    "$rounds round(s) of destinations {$counts} × {$tools}; $(nproc) cores" >&2
for ((r = 1; r <= rounds; r++)); do
    echo "round $r" >&2
    for ((i = 0; i < ${#tool_list[@]}; i++)); do
        run_case "$r" "${tool_list[$(((i + r - 1) % ${#tool_list[@]}))]}" 0
    done
    # Counts ascending in odd rounds, descending in even ones; within a count each round starts with the next tool,
    # so no case always runs first or right after the same one.
    for ((c = 0; c < ${#count_list[@]}; c++)); do
        if ((r % 2)); then
            n=${count_list[c]}
        else
            n=${count_list[${#count_list[@]} - 1 - c]}
        fi
        for ((i = 0; i < ${#tool_list[@]}; i++)); do
            run_case "$r" "${tool_list[$(((i + r - 1) % ${#tool_list[@]}))]}" "$n"
        done
    done
done

# Medians per (tool, n); the cost of each destination after the first, as a share of the first:
# (cpu(n) − cpu(1)) / (n − 1) / cpu(1) (the goal for uplink: under 15 %), and as a share of the first's sending,
# cpu(1) less the start-up run's CPU (what a long stream's steady state is about).
awk -F'\t' -v counts="$counts" -v tools="$tools" '
    function median(list,    n, a, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function has(t, n) { return (t SUBSEP n) in cpu }
    function cell(t, n, what) { return has(t, n) ? sprintf("%.2f", what == "cpu" ? C[t, n] : W[t, n]) : "–" }
    function extra(t, n, base) {
        if (n == 1) return "—"
        if (!has(t, n) || !has(t, 1) || (base && !has(t, 0))) return "–"
        d = C[t, 1] - (base ? C[t, 0] : 0)
        return d > 0 ? sprintf("%.0f %%", 100 * (C[t, n] - C[t, 1]) / (n - 1) / d) : "n/a"
    }
    NR > 1 { cpu[$2, $3] = cpu[$2, $3] " " $7; wall[$2, $3] = wall[$2, $3] " " $4; srv[$2, $3] = srv[$2, $3] " " $11 }
    END {
        for (k in cpu) { C[k] = median(cpu[k]); W[k] = median(wall[k]); S[k] = median(srv[k]) }
        nc = split(counts, N, " ")
        print "| destinations | uplink CPU s | uplink wall s | uplink: each extra, % of the first | … % of the first'"'"'s sending | tee CPU s | tee wall s | tee: each extra, % of the first | … % of the first'"'"'s sending | n×ffmpeg CPU s | n×ffmpeg wall s |"
        print "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        printf "| start-up (1 s of the clip, 1) | %s | %s | | | %s | %s | | | %s | %s |\n", cell("uplink", 0, "cpu"), cell("uplink", 0, "wall"),
            cell("tee", 0, "cpu"), cell("tee", 0, "wall"), cell("ffmpeg", 0, "cpu"), cell("ffmpeg", 0, "wall")
        for (i = 1; i <= nc; i++) {
            n = N[i]
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, cell("uplink", n, "cpu"), cell("uplink", n, "wall"),
                extra("uplink", n, 0), extra("uplink", n, 1), cell("tee", n, "cpu"), cell("tee", n, "wall"), extra("tee", n, 0),
                extra("tee", n, 1), cell("ffmpeg", n, "cpu"), cell("ffmpeg", n, "wall")
        }
        print ""
        printf "nginx CPU s (median):"
        split(tools, T, " ")
        for (i = 1; i <= nc; i++) {
            n = N[i]; printf "  n=%s", n
            for (j = 1; j in T; j++) if ((T[j] SUBSEP n) in S) printf " %s %.2f", T[j], S[T[j], n]
        }
        print ""
    }' "$tsv"
echo "raw numbers: $tsv" >&2
