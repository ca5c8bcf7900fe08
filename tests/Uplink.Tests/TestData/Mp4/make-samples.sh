#!/bin/sh
# Regenerates the MP4/MOV samples and the packet lists the MP4 reader tests compare against.
# Made with Debian ffmpeg/ffprobe 5.1 (libx264, libx265, native aac). Run from this folder.
set -e
V="-f lavfi -i testsrc2=size=320x180:rate=25"
A="-f lavfi -i sine=frequency=440:sample_rate=44100"
X="-c:v libx264 -profile:v high -preset veryfast -bf 2 -g 25 -b:v 200k -pix_fmt yuv420p"
AAC="-c:a aac -b:a 64k"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

ff $V $A -t 2 $X $AAC -ac 2 -movflags +faststart faststart.mp4
ff $V $A -t 2 $X $AAC -ac 2 moov-at-end.mp4
ff $V $A -t 2 $X -g 12 $AAC -ac 2 -movflags frag_keyframe+empty_moov fragmented.mp4
ff $V $A -t 2 $X -g 12 $AAC -ac 2 -movflags frag_keyframe+empty_moov+default_base_moof fragmented-base-moof.mp4
# The first fragment's samples indexed by the moov's tables, then moof + mdat pairs.
ff $V $A -t 2 $X -g 12 $AAC -ac 2 -movflags frag_keyframe fragmented-moov-samples.mp4
# One moof + mdat pair per track and fragment.
ff $V $A -t 2 $X -g 12 $AAC -ac 2 -movflags frag_keyframe+empty_moov+separate_moof fragmented-separate-moof.mp4
ff $V $A -t 2 $X $AAC -ac 2 -f mov sample.mov
ff $V -t 2 $X -movflags +faststart video-only.mp4
ff $A -t 2 $AAC -ac 1 -movflags +faststart audio-only-mono.m4a
ff $V $A -t 2 $X $AAC -ac 2 -movflags +faststart+negative_cts_offsets negative-cts.mp4
# Two audio tracks and a subtitle track: the reader uses the first audio track and ignores the others.
printf '1\n00:00:00,000 --> 00:00:00,500\nhello\n' > extra-tracks.srt
ff -f lavfi -i testsrc2=size=160x90:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 \
  -f lavfi -i sine=frequency=880:sample_rate=48000 -i extra-tracks.srt -map 0 -map 1 -map 2 -map 3 -t 1 \
  -c:v libx264 -preset veryfast -b:v 100k -pix_fmt yuv420p $AAC -ac 1 -c:s mov_text -movflags +faststart extra-tracks.mp4
rm extra-tracks.srt
ff -f lavfi -i testsrc2=size=64x64:rate=25 -t 0.2 -c:v libx265 -x265-params log-level=error -pix_fmt yuv420p hevc.mp4

# One file per sample: "stream,<codec_type>,<time_base>" lines, then "packet,<codec_type>,<pts>,<dts>,<size>,<pos>,<flags>"
# lines in ffprobe's order. -ignore_editlist 1: the reader ignores edit lists, so timestamps are the raw
# stts/ctts (or trun) values (ffprobe still subtracts the largest negative composition offset from the DTS).
for f in faststart.mp4 moov-at-end.mp4 fragmented.mp4 fragmented-base-moof.mp4 fragmented-moov-samples.mp4 \
         fragmented-separate-moof.mp4 sample.mov video-only.mp4 \
         audio-only-mono.m4a negative-cts.mp4; do
  ffprobe -v error -ignore_editlist 1 -show_entries stream=codec_type,time_base -of csv "$f" > "$f.packets.csv"
  ffprobe -v error -ignore_editlist 1 -show_entries packet=codec_type,pts,dts,size,pos,flags -of csv "$f" \
    | sed 's/,$//' >> "$f.packets.csv"
done
# extra-tracks.mp4: only the streams the reader uses (the first video and the first audio track).
f=extra-tracks.mp4
: > "$f.packets.csv"
for s in v:0 a:0; do
  ffprobe -v error -ignore_editlist 1 -select_streams $s -show_entries stream=codec_type,time_base -of csv "$f" >> "$f.packets.csv"
done
for s in v:0 a:0; do
  ffprobe -v error -ignore_editlist 1 -select_streams $s -show_entries packet=codec_type,pts,dts,size,pos,flags -of csv "$f" \
    | sed 's/,$//' >> "$f.packets.csv"
done
