#!/bin/sh
# Regenerates sample-multitrack.flv and its packet list with FFmpeg 8.1 (node-av; see make-enhanced-samples.sh):
# two video tracks (HEVC with B-frames, H.264) and two audio tracks (AAC, Opus), which FFmpeg's FLV muxer writes as
# Enhanced RTMP multitrack (track 0 of each kind plain, track 1 as OneTrack packets). Run from this folder.
set -e
peer=../../../peers/node-av
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node "$peer/make-clip.js" "$work/v0.mp4" --video hevc --audio none --bframes --seconds 0.6 --size 160x96 --gop 10
node "$peer/make-clip.js" "$work/v1.mp4" --video h264 --audio none --seconds 0.6 --size 160x96 --gop 10
node "$peer/make-clip.js" "$work/a0.mp4" --video none --audio aac --seconds 0.6
node "$peer/make-clip.js" "$work/a1.mkv" --video none --audio opus --seconds 0.6
node "$peer/mux.js" "$work/v0.mp4" "$work/v1.mp4" "$work/a0.mp4" "$work/a1.mkv" "$PWD/sample-multitrack.flv"
node "$peer/packets.js" "$PWD/sample-multitrack.flv" > sample-multitrack.flv.packets.txt
