#!/usr/bin/env bash
# Regenerates sps-cases.txt and aac-cases.txt next to this script with ffmpeg + libx264 + the native
# aac encoder, so the unit tests check the parsers against ffprobe without needing ffmpeg.
#
# sps-cases.txt, one case a line, fields separated by '|':
#   name | SPS hex (with NAL header) | PPS hex | ffprobe width | height | profile | level | r_frame_rate
#   | avcC hex as ffmpeg's FLV muxer writes it for the same stream | ffprobe sample_aspect_ratio
# aac-cases.txt:
#   name | ADTS stream hex (a few frames) | ASC hex as ffmpeg's FLV muxer writes it when encoding | ffprobe
#   sample_rate | channels | frame count | ASC hex ffmpeg writes when remuxing the ADTS stream to FLV (-c copy)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# Prints the SPS and PPS hex of the first access unit of an Annex-B file, separated by '|'.
first_sps_pps() {
    python3 - "$1" <<'PY'
import sys, re
data = open(sys.argv[1], 'rb').read()
starts = [m.start() + 3 for m in re.finditer(b'\x00\x00\x01', data)]
nals = []
for i, s in enumerate(starts):
    end = starts[i + 1] - 3 if i + 1 < len(starts) else len(data)
    nal = data[s:end]
    while nal.endswith(b'\x00'):
        nal = nal[:-1]
    nals.append(nal)
sps = next(n for n in nals if n[0] & 0x1f == 7)
pps = next(n for n in nals if n[0] & 0x1f == 8)
print(sps.hex() + '|' + pps.hex())
PY
}

# Prints the body of the first non-empty FLV sequence-header tag of the given type (9 video, 8 audio)
# minus its FLV prefix: the avcC (video) or the AudioSpecificConfig (audio), as hex. (When remuxing
# ADTS, ffmpeg 5.1 first writes an empty AAC sequence header, then the real one.)
flv_sequence_header() {
    python3 - "$1" "$2" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
want = int(sys.argv[2])
pos = 9 + 4
while pos + 11 <= len(data):
    tag_type = data[pos] & 0x1f
    size = int.from_bytes(data[pos + 1:pos + 4], 'big')
    body = data[pos + 11:pos + 11 + size]
    if tag_type == want == 9 and body[0] & 0x0f == 7 and body[1] == 0 and len(body) > 5:
        print(body[5:].hex()); break
    if tag_type == want == 8 and body[0] >> 4 == 10 and body[1] == 0 and len(body) > 2:
        print(body[2:].hex()); break
    pos += 11 + size + 4
PY
}

video_case() {
    local name="$1"; shift
    ff -f lavfi -i "testsrc2=size=$1:rate=$2" -frames:v 6 -c:v libx264 "${@:3}" -f flv "$work/$name.flv"
    ff -i "$work/$name.flv" -c copy -f h264 "$work/$name.h264"
    local probe
    probe="$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,profile,level,r_frame_rate,sample_aspect_ratio \
        -of default=noprint_wrappers=1 "$work/$name.h264")"
    get() { printf '%s\n' "$probe" | sed -n "s/^$1=//p"; }
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$name" "$(first_sps_pps "$work/$name.h264")" \
        "$(get width)" "$(get height)" "$(get profile)" "$(get level)" "$(get r_frame_rate)" \
        "$(flv_sequence_header "$work/$name.flv" 9)" "$(get sample_aspect_ratio)"
}

{
    video_case baseline-176x144 176x144 25 -profile:v baseline -pix_fmt yuv420p
    video_case main-640x360-ntsc 640x360 30000/1001 -profile:v main -pix_fmt yuv420p
    video_case high-1280x720-bframes 1280x720 25 -profile:v high -bf 3 -pix_fmt yuv420p
    video_case high-854x480-cropped 854x480 30 -profile:v high -pix_fmt yuv420p
    video_case high-642x362-cropped 642x362 24000/1001 -profile:v high -pix_fmt yuv420p
    video_case high-1920x1080 1920x1080 25 -profile:v high -pix_fmt yuv420p
    video_case high-1920x1080-interlaced 1920x1080 25 -profile:v high -flags +ildct+ilme -pix_fmt yuv420p
    video_case high-704x576-interlaced 704x576 25 -profile:v high -flags +ildct+ilme -pix_fmt yuv420p -vf setsar=12/11
    video_case main-480x270-extended-sar 480x270 25 -profile:v main -pix_fmt yuv420p -vf setsar=7/5
    # x264 writes a custom matrix into the PPS (never the SPS): SPS scaling lists are covered by hand-built tests.
    video_case high-640x360-jvt-matrix-in-pps 640x360 50 -profile:v high -x264-params cqm=jvt -pix_fmt yuv420p
    video_case high10-320x240 320x240 60 -profile:v high10 -pix_fmt yuv420p10le
    video_case high422-322x242 322x242 25 -profile:v high422 -pix_fmt yuv422p
    video_case high444-170x130 170x130 25 -profile:v high444 -pix_fmt yuv444p
} > "$here/sps-cases.txt"

audio_case() {
    local name="$1" rate="$2" channels="$3"
    ff -f lavfi -i "sine=frequency=440:sample_rate=$rate" -ac "$channels" -frames:a 5 -c:a aac -b:a 64k -f flv "$work/$name.flv"
    ff -i "$work/$name.flv" -c copy -f adts "$work/$name.aac"
    ff -i "$work/$name.aac" -c copy -f flv "$work/$name-remux.flv"
    local probe
    probe="$(ffprobe -v error -select_streams a:0 -count_packets -show_entries stream=sample_rate,channels,nb_read_packets \
        -of default=noprint_wrappers=1 "$work/$name.aac")"
    get() { printf '%s\n' "$probe" | sed -n "s/^$1=//p"; }
    printf '%s|%s|%s|%s|%s|%s|%s\n' "$name" "$(xxd -p "$work/$name.aac" | tr -d '\n')" \
        "$(flv_sequence_header "$work/$name.flv" 8)" "$(get sample_rate)" "$(get channels)" "$(get nb_read_packets)" \
        "$(flv_sequence_header "$work/$name-remux.flv" 8)"
}

{
    audio_case aac-44100-mono 44100 1
    audio_case aac-48000-stereo 48000 2
    audio_case aac-22050-stereo 22050 2
} > "$here/aac-cases.txt"
