#!/usr/bin/env bash
# Regenerates the VP9 test streams next to this script with Debian's ffmpeg 5.1 (libvpx-vp9), so the unit tests
# check the parsers against ffmpeg without needing it.
#
# For each case: <name>.ivf, the samples (frames or superframes) as ffmpeg's IVF muxer writes them.
# vp9-cases.txt, one case a line, fields separated by '|':
#   name | vpcC body (version, flags, record) as ffmpeg's MP4 muxer wrote it when encoding
#   | vpcC body ffmpeg's MP4 muxer wrote when remuxing the IVF (-c copy: colour from the bitstream only)
#   | ffprobe profile | width | height | pix_fmt | color_range | color_space | color_transfer | color_primaries
#   | r_frame_rate | MP4 packet key flags (K or _ a packet) | decoded key_frame (1 or 0 a shown frame)
#   | frame headers as ffmpeg's trace_headers reads them (see ../trace-frames.py)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

case_line() {
    local name="$1" source="$2"; shift 2
    ff -f lavfi -i "$source" "$@" "$work/$name.mp4"
    ff -i "$work/$name.mp4" -c copy "$here/$name.ivf"
    ff -i "$here/$name.ivf" -c copy "$work/$name-remux.mp4"
    local probe
    probe="$(ffprobe -v error -select_streams v:0 -show_entries \
        stream=profile,width,height,pix_fmt,color_range,color_space,color_transfer,color_primaries,r_frame_rate \
        -of default=noprint_wrappers=1 "$work/$name.mp4")"
    get() { printf '%s\n' "$probe" | sed -n "s/^$1=//p"; }
    local packets frames trace
    packets="$(ffprobe -v error -select_streams v:0 -show_entries packet=flags -of csv=p=0 "$work/$name.mp4" | cut -c1 | tr -d '\n')"
    frames="$(ffprobe -v error -select_streams v:0 -show_entries frame=key_frame -of csv=p=0 "$work/$name.mp4" | tr -d '\n')"
    trace="$(ffmpeg -hide_banner -loglevel trace -i "$here/$name.ivf" -c copy -bsf:v trace_headers -f null - 2>&1 \
        | python3 "$here/../trace-frames.py")"
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$name" \
        "$(python3 "$here/../mp4-config-box.py" "$work/$name.mp4" vpcC)" \
        "$(python3 "$here/../mp4-config-box.py" "$work/$name-remux.mp4" vpcC)" \
        "$(get profile)" "$(get width)" "$(get height)" "$(get pix_fmt)" "$(get color_range)" \
        "$(get color_space)" "$(get color_transfer)" "$(get color_primaries)" "$(get r_frame_rate)" "$packets" "$frames" \
        "$trace"
}

testsrc="testsrc=size=160x90:rate=25"
realtime=(-frames:v 10 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -crf 55 -b:v 0 -g 5)
{
    case_line profile0 "$testsrc" "${realtime[@]}" -pix_fmt yuv420p
    # Two-pass good quality with look-ahead: hidden alt-ref frames, each in a superframe with the next shown frame.
    altref=(-frames:v 14 -c:v libvpx-vp9 -deadline good -cpu-used 4 -b:v 100k -auto-alt-ref 1 -lag-in-frames 16 -g 14
        -pix_fmt yuv420p -passlogfile "$work/altref")
    ff -f lavfi -i "$testsrc" "${altref[@]}" -pass 1 -f null -
    case_line profile0-altref "$testsrc" "${altref[@]}" -pass 2
    case_line profile0-bt709-fullrange "$testsrc" "${realtime[@]}" -pix_fmt yuv420p \
        -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range pc
    case_line profile0-1280x720 "color=c=0x3060a0:size=1280x720:rate=30" -frames:v 3 -c:v libvpx-vp9 -deadline realtime \
        -cpu-used 8 -crf 60 -b:v 0 -pix_fmt yuv420p
    case_line profile1-444 "$testsrc" "${realtime[@]}" -pix_fmt yuv444p
    case_line profile1-422 "$testsrc" "${realtime[@]}" -pix_fmt yuv422p
    case_line profile1-rgb "$testsrc" "${realtime[@]}" -pix_fmt gbrp
    case_line profile2-10bit "$testsrc" "${realtime[@]}" -pix_fmt yuv420p10le
    case_line profile3-444-12bit "$testsrc" "${realtime[@]}" -pix_fmt yuv444p12le
} > "$here/vp9-cases.txt"
