#!/usr/bin/env bash
# Regenerates samples/sample.flv, the bundled clip: 5 s of testsrc2 at 640x360, 25 fps, H.264 High with
# B-frames (2 s GOP), and a 440 Hz tone with a beep each second as AAC-LC 48 kHz stereo, in FLV.
# One encoder thread keeps the output byte-reproducible. Made with Debian's ffmpeg 5.1 (libx264, native aac encoder); other versions encode slightly differently.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ffmpeg -hide_banner -nostdin -v error -y \
    -f lavfi -i testsrc2=size=640x360:rate=25 \
    -f lavfi -i sine=frequency=440:beep_factor=4:sample_rate=48000 \
    -t 5 \
    -c:v libx264 -threads 1 -preset medium -profile:v high -pix_fmt yuv420p -bf 2 -g 50 -keyint_min 50 -sc_threshold 0 \
    -b:v 600k -maxrate 800k -bufsize 1200k \
    -c:a aac -b:a 96k -ac 2 \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
    -f flv sample.flv
