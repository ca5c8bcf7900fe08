#!/bin/sh
# Makes the Elementary reader's test data: raw H.264 Annex-B and AAC ADTS streams, and ffprobe's view of them.
# The truth for each .h264 is the same bitstream in an MP4 (encoded once to MP4, then copied out with
# h264_mp4toannexb): NAME.truth.txt holds one line per packet in decode order, "pts_frames dts_frames key".
# NAME.count.txt holds ffprobe -count_frames' nb_read_frames for the raw stream.
# Needs ffmpeg/ffprobe 5.1 with libx264 and the native aac encoder. Run from this folder.
set -eu
SRC="-f lavfi -i testsrc2=size=160x96:rate=25:duration=2"
encode() { # NAME ARGS...
  name=$1; shift
  ffmpeg -v error -y $SRC -c:v libx264 -threads 1 -pix_fmt yuv420p -g 12 -sc_threshold 0 "$@" /tmp/es-$name.mp4
  ffmpeg -v error -y -i /tmp/es-$name.mp4 -c copy -bsf:v h264_mp4toannexb -f h264 $name.h264
  ffprobe -v error -select_streams v -show_entries packet=pts,dts,flags -of csv=p=0 /tmp/es-$name.mp4 \
    | awk -F, '{ printf "%d %d %s\n", $1/512, $2/512, (index($3,"K")?1:0) }' > $name.truth.txt
  ffprobe -v error -count_frames -select_streams v -show_entries stream=nb_read_frames -of csv=p=0 $name.h264 > $name.count.txt
  rm -f /tmp/es-$name.mp4
}
# As `ffmpeg -f h264` writes a stream straight from libx264 (parameter sets only at the start); x264 with one thread
# is deterministic, so the MP4 encoded with the same settings still gives the truth.
encode_direct() { # NAME ARGS...
  name=$1; shift
  encode "$name" "$@"
  ffmpeg -v error -y $SRC -c:v libx264 -threads 1 -pix_fmt yuv420p -g 12 -sc_threshold 0 "$@" -f h264 $name.h264
  ffprobe -v error -count_frames -select_streams v -show_entries stream=nb_read_frames -of csv=p=0 $name.h264 > $name.count.txt
}
encode_direct bf3-direct -bf 3 -b_strategy 0 -x264-params b-pyramid=normal
encode bf0-aud -bf 0 -x264-params aud=1
encode baseline -profile:v baseline
encode bf2 -bf 2 -b_strategy 0
encode bf2-flat -bf 2 -b_strategy 0 -x264-params b-pyramid=none
encode bf2-aud -bf 2 -b_strategy 0 -x264-params aud=1
encode bf3-pyramid -bf 3 -b_strategy 0 -x264-params b-pyramid=normal
encode slices4 -bf 2 -b_strategy 0 -x264-params slices=4

ffmpeg -v error -y -f lavfi -i sine=frequency=440:duration=2:sample_rate=44100 -c:a aac -b:a 32k -f adts tone.aac
# tone.truth.txt: one line per ADTS frame, its pts in samples (the adts demuxer's time base is 28224000 Hz = 640 x 44100).
ffprobe -v error -show_entries packet=pts -of csv=p=0 tone.aac | awk '{ print $1/640 }' > tone.truth.txt
