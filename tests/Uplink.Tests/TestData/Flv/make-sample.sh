#!/bin/sh
# Regenerates the FLV sample and the packet list the FLV reader tests compare against.
# Made with Debian ffmpeg/ffprobe 5.1 (libx264, native aac). Run from this folder.
set -e
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i testsrc2=size=320x180:rate=25 \
  -f lavfi -i sine=frequency=440:sample_rate=44100 \
  -t 2 -c:v libx264 -profile:v high -preset veryfast -bf 2 -g 25 -b:v 300k -pix_fmt yuv420p \
  -c:a aac -b:a 64k -ac 2 -f flv sample-h264-aac.flv
# One line per packet, in file order: codec_type,pts,dts,size,pos,flags
# (size = FLV tag payload without the 5-byte AVC / 2-byte AAC packet header; pos = tag offset).
ffprobe -v error -show_entries packet=codec_type,pts,dts,size,pos,flags -of csv=p=0 \
  sample-h264-aac.flv > sample-h264-aac.packets.csv
