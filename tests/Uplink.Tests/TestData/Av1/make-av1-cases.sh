#!/usr/bin/env bash
# Regenerates the AV1 test streams next to this script with Debian's ffmpeg 5.1 (libsvtav1, libaom-av1,
# librav1e), so the unit tests check the parsers against ffmpeg without needing it.
#
# For each case: <name>.ivf, the temporal units as ffmpeg's IVF muxer writes them (a temporal delimiter first).
# av1-cases.txt, one case a line, fields separated by '|':
#   name | av1C as ffmpeg's MP4 muxer wrote it when encoding (from the encoder's extradata)
#   | av1C ffmpeg's MP4 muxer wrote when remuxing the IVF (-c copy: from the in-band sequence header)
#   | ffprobe profile | level | width | height | pix_fmt | color_range | color_space | color_transfer
#   | color_primaries | r_frame_rate | MP4 packet key flags (K or _ a packet) | decoded key_frame (1 or 0 a frame)
#   | MP4 packet sizes (',' between packets: the temporal units without the delimiter ffmpeg's IVF muxer adds)
#   | frame headers as ffmpeg's trace_headers reads them (see ../trace-frames.py)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

case_line() {
    local name="$1" source="$2"; shift 2
    ff -f lavfi -i "$source" "$@" "$work/$name.mp4" 2> >(grep -v "^Svt\[info\]" >&2)
    ff -i "$work/$name.mp4" -c copy "$here/$name.ivf"
    ff -i "$here/$name.ivf" -c copy "$work/$name-remux.mp4"
    local probe
    probe="$(ffprobe -v error -select_streams v:0 -show_entries \
        stream=profile,level,width,height,pix_fmt,color_range,color_space,color_transfer,color_primaries,r_frame_rate \
        -of default=noprint_wrappers=1 "$work/$name.mp4")"
    get() { printf '%s\n' "$probe" | sed -n "s/^$1=//p"; }
    local packets frames trace sizes
    packets="$(ffprobe -v error -select_streams v:0 -show_entries packet=flags -of csv=p=0 "$work/$name.mp4" | cut -c1 | tr -d '\n')"
    frames="$(ffprobe -v error -select_streams v:0 -show_entries frame=key_frame -of csv=p=0 "$work/$name.mp4" | tr -d '\n')"
    trace="$(ffmpeg -hide_banner -loglevel trace -i "$here/$name.ivf" -c copy -bsf:v trace_headers -f null - 2>&1 \
        | python3 "$here/../trace-frames.py")"
    sizes="$(ffprobe -v error -select_streams v:0 -show_entries packet=size -of csv=p=0 "$work/$name.mp4" | paste -sd,)"
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$name" \
        "$(python3 "$here/../mp4-config-box.py" "$work/$name.mp4" av1C)" \
        "$(python3 "$here/../mp4-config-box.py" "$work/$name-remux.mp4" av1C)" \
        "$(get profile)" "$(get level)" "$(get width)" "$(get height)" "$(get pix_fmt)" "$(get color_range)" \
        "$(get color_space)" "$(get color_transfer)" "$(get color_primaries)" "$(get r_frame_rate)" "$packets" "$frames" \
        "$sizes" "$trace"
}

testsrc="testsrc=size=160x90:rate=25"
svt=(-frames:v 10 -c:v libsvtav1 -preset 12 -crf 55 -g 5)
aom=(-frames:v 10 -c:v libaom-av1 -cpu-used 8 -crf 55 -g 5)
{
    case_line svt-main "$testsrc" "${svt[@]}" -pix_fmt yuv420p
    case_line svt-main-10bit-bt709 "$testsrc" "${svt[@]}" -pix_fmt yuv420p10le \
        -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range pc
    case_line svt-main-1280x720 "color=c=0x3060a0:size=1280x720:rate=30" -frames:v 3 -c:v libsvtav1 -preset 12 -crf 60 -pix_fmt yuv420p
    case_line aom-main "$testsrc" "${aom[@]}" -pix_fmt yuv420p
    case_line aom-main-timing "$testsrc" "${aom[@]}" -pix_fmt yuv420p -aom-params timing-info=model
    case_line aom-main-fullrange-bt709 "$testsrc" "${aom[@]}" -pix_fmt yuv420p \
        -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range pc
    case_line aom-mono "$testsrc" "${aom[@]}" -pix_fmt gray
    case_line aom-high-444 "$testsrc" "${aom[@]}" -pix_fmt yuv444p
    case_line aom-high-rgb "$testsrc" "${aom[@]}" -pix_fmt gbrp
    case_line aom-professional-422-10bit "$testsrc" "${aom[@]}" -pix_fmt yuv422p10le
    case_line aom-professional-420-12bit "$testsrc" "${aom[@]}" -pix_fmt yuv420p12le
    case_line rav1e-main "$testsrc" -frames:v 10 -c:v librav1e -speed 10 -qp 200 -g 5 -pix_fmt yuv420p
} > "$here/av1-cases.txt"
