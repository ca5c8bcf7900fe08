#!/usr/bin/env bash
# Regenerates the tiny elementary streams the session tests feed the writer: 12 frames of 64x64 H.264
# High with B-frames (Annex-B, in-band SPS/PPS, GOP 6) and 10 ADTS AAC frames (48 kHz stereo).
set -euo pipefail
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=64x64:rate=25 -frames:v 12 \
  -c:v libx264 -profile:v high -bf 2 -g 6 -keyint_min 6 -sc_threshold 0 -x264-params aud=1 -bsf:v h264_mp4toannexb -f h264 video.h264
ffmpeg -hide_banner -loglevel error -y -f lavfi -i sine=frequency=440:sample_rate=48000 -ac 2 -t 0.22 \
  -c:a aac -b:a 64k -f adts audio.aac
