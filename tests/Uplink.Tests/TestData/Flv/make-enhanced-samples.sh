#!/bin/sh
# Regenerates the Enhanced FLV samples and their packet lists with FFmpeg 8.1 (node-av; run
# `npm ci --prefix tests/peers/node-av --ignore-scripts` from the repository root first). Run from this folder.
# Each list is packets.js's output: FFmpeg 8.1's demuxed packets (stream, v|a, dts_ms, pts_ms, key, size, md5).
set -e
peer=../../../peers/node-av
for pair in "hevc opus --bframes" "av1 flac" "vp9 ac3" "hevc eac3" "h264 mp3"; do
  set -- $pair
  name="sample-$1-$2.flv"
  node "$peer/make-clip.js" "$PWD/$name" --video "$1" --audio "$2" $3 --seconds 0.6 --size 160x96 --gop 10
  node "$peer/packets.js" "$PWD/$name" > "$name.packets.txt"
done
