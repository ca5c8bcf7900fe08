#!/bin/sh
# Regenerates the MPEG-TS samples and the packet lists the MPEG-TS reader tests compare against.
# Made with Debian ffmpeg/ffprobe 5.1 (libx264, native aac). Run from this folder.
set -e
V="-f lavfi -i testsrc2=size=320x180:rate=25"
A="-f lavfi -i sine=frequency=440:sample_rate=44100"
X264="-c:v libx264 -profile:v high -preset veryfast -bf 2 -g 25 -b:v 250k -pix_fmt yuv420p"
AAC="-c:a aac -b:a 64k"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# H.264 + stereo AAC, one ADTS frame per PES.
ff $V $A -t 1.5 $X264 $AAC -ac 2 -pes_payload_size 0 -f mpegts standard.ts
# ffmpeg's default muxing: several ADTS frames per audio PES (up to 2930 bytes).
ff $V $A -t 1.5 $X264 $AAC -ac 2 -f mpegts adts-packed.ts
ff $V -t 1 $X264 -f mpegts video-only.ts
ff $A -t 1.5 $AAC -ac 1 -f mpegts audio-only.ts
# PTS/DTS pass 2^33 (95443.7176 s) about 0.4 s into the clip (the muxer starts at 1.4 s).
ff $V $A -t 1.5 $X264 $AAC -ac 2 -output_ts_offset 95441.9 -f mpegts wrap.ts
# Codecs RTMP cannot carry (the reader must refuse them by name).
ff $V $A -t 0.5 -c:v mpeg2video -c:a mp2 -f mpegts mpeg2-mp2.ts
ff $V $A -t 0.5 $X264 -c:a ac3 -f mpegts h264-ac3.ts
ff $A -t 0.5 -c:a libopus -f mpegts opus.ts
ff $A -t 0.5 -c:a libmp3lame -f mpegts mp3.ts

# One line per packet, in file order: codec_type,pts,dts,size,flags (90 kHz; audio size includes the ADTS header).
for f in standard adts-packed video-only audio-only wrap; do
  ffprobe -v error -show_entries packet=codec_type,pts,dts,size,flags -of csv=p=0 $f.ts | sed "s/,*$//" | grep -v "^$" > $f.packets.csv
done
