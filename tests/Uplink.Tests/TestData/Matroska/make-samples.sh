#!/bin/sh
# Regenerates the Matroska/WebM samples and the packet lists the Matroska reader tests compare against.
# Made with Debian ffmpeg/ffprobe 5.1 (libx264, native aac, libx265, libvpx-vp9, libopus). Run from this folder.
set -e
V="-f lavfi -i testsrc2=size=320x180:rate=25"
A="-f lavfi -i sine=frequency=440:sample_rate=44100"
X="-c:v libx264 -threads 1 -profile:v high -preset veryfast -bf 2 -g 25 -b:v 200k -pix_fmt yuv420p"
AAC="-c:a aac -b:a 64k"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# Seekable output: sized Segment and Clusters, SeekHead, Tags, Cues at the end; a cluster every 500 ms.
ff $V $A -t 2 $X $AAC -ac 2 -cluster_time_limit 500 -f matroska standard.mkv
# A live recording to a pipe: unknown-size Segment, no Duration, no Cues; clusters of at most 16 KiB.
ff $V $A -t 2 $X $AAC -ac 2 -live 1 -cluster_size_limit 16384 -f matroska - > live.mkv
# Audio only, mono.
ff $A -t 2 $AAC -ac 1 -f matroska audio-only-mono.mka
# Codecs RTMP cannot carry: refused, naming codec and track.
ff -f lavfi -i testsrc2=size=64x64:rate=25 -t 0.2 -c:v libx265 -x265-params log-level=error -pix_fmt yuv420p hevc.mkv
ff -f lavfi -i testsrc2=size=64x64:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 0.2 \
  -c:v libvpx-vp9 -b:v 50k -c:a libopus -b:a 32k vp9-opus.webm

# One file per sample: "stream,<codec_type>,<time_base>" lines, then "packet,<codec_type>,<pts>,<dts>,<size>,<pos>,<flags>"
# lines in ffprobe's order (file order); the first video packets' dts is N/A (FFmpeg derives video DTS, see the README).
for f in standard.mkv live.mkv audio-only-mono.mka; do
  ffprobe -v error -show_entries stream=codec_type,time_base -of csv "$f" > "$f.packets.csv"
  ffprobe -v error -show_entries packet=codec_type,pts,dts,size,pos,flags -of csv "$f" | sed 's/,$//' >> "$f.packets.csv"
done
