#!/usr/bin/env bash
# Regenerates the HEVC test data next to this script with Debian's ffmpeg/ffprobe 5.1 and libx265 3.5, so the
# unit tests check the HEVC parsers against FFmpeg without needing it. See README.md for what each file holds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$here"

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# Prints the body of the first hvcC box of an MP4 file as hex.
hvcc_hex() {
    python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
at = data.index(b'hvcC')
size = int.from_bytes(data[at - 4:at], 'big')
print(data[at + 4:at - 4 + size].hex())
PY
}

# Fails unless two hvcC files differ in their arrays' array_completeness bits only (the same parameter sets).
same_but_completeness() {
    python3 - "$1" "$2" <<'PY'
import sys
a, b = (bytearray(open(f, 'rb').read()) for f in sys.argv[1:3])
for r in (a, b):
    at = 23
    for _ in range(r[22]):
        r[at] &= 0x7f
        count = int.from_bytes(r[at + 1:at + 3], 'big')
        at += 3
        for _ in range(count):
            at += 2 + int.from_bytes(r[at:at + 2], 'big')
sys.exit(0 if a == b else f'{sys.argv[1]} and {sys.argv[2]} hold different parameter sets')
PY
}

# Prints ffprobe's view of the video stream as key=value pairs separated by semicolons.
stream_fields() {
    ffprobe -v error -select_streams v:0 -show_entries \
        stream=width,height,profile,level,pix_fmt,color_range,color_space,color_transfer,color_primaries,r_frame_rate,sample_aspect_ratio \
        -of default=noprint_wrappers=1 "$1" | tr '\n' ';' | sed 's/;$//'
}

# An encoder's stream: libx265 codes to MP4 as ffmpeg does for any global-header output (the parameter sets, and
# x265's version SEI unless info=0, go to the extradata, from which the MP4 muxer writes the hvcC exactly as the
# FLV muxer does); hevc_mp4toannexb then gives <name>.h265, whose IRAP access units start with those NAL units.
# <name>.hev1.hvcC is that hvcC (array_completeness 0, as FFmpeg's FLV muxer writes it); <name>.hvc1.hvcC the same
# encode with -tag:v hvc1 (array_completeness 1). <name>.truth.txt: ffprobe's stream fields, then one line per
# access unit (ffprobe's packets, in decoding order):
#   pos size key pict_type droppable
# key is ffprobe's packet K flag, pict_type the decoded frame's. droppable is 1 when decoding the stream without
# that access unit gives every other frame bit for bit as before (framemd5), so nothing refers to it.
stream_case() {
    local name="$1" params="$2"
    for tag in hev1 hvc1; do
        ff -f lavfi -i testsrc=size=320x180:rate=25 -frames:v 20 -pix_fmt yuv420p -c:v libx265 -preset ultrafast \
            -x265-params "$params:log-level=error" -tag:v "$tag" "$work/$name-$tag.mp4"
        hvcc_hex "$work/$name-$tag.mp4" | xxd -r -p > "$name.$tag.hvcC"
    done
    # The two encodes must have made the same parameter sets: only the completeness bits may differ.
    same_but_completeness "$name.hev1.hvcC" "$name.hvc1.hvcC"
    ff -i "$work/$name-hev1.mp4" -c copy -bsf:v hevc_mp4toannexb -f hevc "$name.h265"
    ffprobe -v error -show_entries packet=pos,size,flags -of csv=p=0 "$name.h265" > "$work/packets.csv"
    ffprobe -v error -show_entries frame=pkt_pos,pict_type -of csv=p=0 "$name.h265" > "$work/frames.csv"
    python3 - "$name.h265" "$work" "$(stream_fields "$name.h265")" > "$name.truth.txt" <<'PY'
import subprocess, sys
path, work, fields = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(path, 'rb').read()
packets = [line.split(',') for line in open(work + '/packets.csv').read().split()]
types = dict(line.split(',')[:2] for line in open(work + '/frames.csv').read().split())

def md5s(stream):
    open(work + '/cut.h265', 'wb').write(stream)
    out = subprocess.run(['ffmpeg', '-v', 'quiet', '-threads', '1', '-i', work + '/cut.h265', '-f', 'framemd5', '-'],
                         capture_output=True, text=True).stdout
    return [l.split(',')[-1].strip() for l in out.splitlines() if l and not l.startswith('#')]

def is_subsequence(short, full):
    it = iter(full)
    return all(any(x == y for y in it) for x in short)

full = md5s(data)
print(fields)
for size, pos, flags in packets:
    pos, size = int(pos), int(size)
    cut = md5s(data[:pos] + data[pos + size:])
    droppable = len(cut) == len(full) - 1 and is_subsequence(cut, full)
    print(pos, size, 1 if 'K' in flags else 0, types[str(pos)], 1 if droppable else 0)
PY
}

# One line of param-cases.txt: name | VPS | SPS | PPS hex (the first of each, NAL header included) | hvcC hex as
# ffmpeg's MP4 muxer writes it (hev1) | ffprobe's stream fields.
param_case() {
    local name="$1" input="$2"; shift 2
    ff -f lavfi -i "$input" -frames:v 2 "$@" -c:v libx265 -preset ultrafast "$work/$name.mp4"
    ff -i "$work/$name.mp4" -c copy -bsf:v hevc_mp4toannexb -f hevc "$work/$name.h265"
    local sets
    sets="$(python3 - "$work/$name.h265" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
starts = [m.start() + 3 for m in re.finditer(b'\x00\x00\x01', data)]
nals = [data[s:(starts[i + 1] - 3 if i + 1 < len(starts) else len(data))].rstrip(b'\x00') for i, s in enumerate(starts)]
print('|'.join(next(n for n in nals if (n[0] >> 1) & 0x3f == t).hex() for t in (32, 33, 34)))
PY
)"
    echo "$name|$sets|$(hvcc_hex "$work/$name.mp4")|$(stream_fields "$work/$name.h265")" >> param-cases.txt
}

# x265's defaults (its version SEI, open GOPs: an IDR, then a CRA with RASL pictures; b-pyramid: TRAIL_R and TRAIL_N
# B-frames; one sub-layer) with an access unit delimiter in every access unit.
stream_case x265-main "bframes=2:aud=1:keyint=12:crf=34"
# Two temporal sub-layers (B-frames are TSA_N in sub-layer 1), closed GOPs of 10 (IDRs), no version SEI.
stream_case x265-temporal "bframes=3:temporal-layers=1:info=0:keyint=10:open-gop=0:crf=34"

rm -f param-cases.txt
# The command of the HEVC brief: testsrc is RGB, so libx265 codes 4:4:4 GBR (Rext, matrix_coeffs 0, full range).
param_case rext-gbrp "testsrc=size=320x180:rate=25" -x265-params info=0:log-level=error
# 10-bit 4:2:2 with a conformance window, a 4:3 sample aspect ratio, NTSC timing and BT.709 limited range.
param_case main422-10-322x242 "testsrc2=size=322x242:rate=30000/1001" -vf setsar=4/3 -pix_fmt yuv422p10le \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv -x265-params info=0:log-level=error
# Monochrome 12-bit (SubWidthC = SubHeightC = 1) with cropping on both axes.
param_case gray12-100x60 "testsrc2=size=100x60:rate=50" -pix_fmt gray12le -x265-params info=0:log-level=error
# VUI HRD parameters (x265 --hrd with VBV), two sub-layers, wavefront parallel processing, and the
# bitstream restriction after the HRD.
param_case main-hrd-wpp "testsrc2=size=256x144:rate=24" -pix_fmt yuv420p \
    -x265-params info=0:hrd=1:vbv-bufsize=500:vbv-maxrate=400:wpp=1:temporal-layers=1:log-level=error
# Main 4:2:0 with BT.2020 PQ colour (HDR10 signalling), level forced to 4.1, high tier.
param_case main10-hdr "testsrc2=size=192x108:rate=60" -pix_fmt yuv420p10le \
    -x265-params info=0:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:level-idc=41:high-tier=1:log-level=error
