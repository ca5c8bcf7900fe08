# Clips shared by the benchmark scripts.

# dest_clip CACHE: prints the path of the 20 s 1080p30 8 Mbit/s H.264 + AAC clip (FLV) in CACHE, making it once.
dest_clip() {
    local clip="$1/dest-20s.flv"
    if [[ ! -s "$clip" ]]; then
        echo "making $clip ..." >&2
        ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 \
            -f lavfi -i sine=frequency=440:sample_rate=48000 -t 20 -c:v libx264 -preset ultrafast -b:v 8M -maxrate 8M \
            -bufsize 16M -g 60 -pix_fmt yuv420p -c:a aac -b:a 128k -ac 2 -f flv "$clip.tmp"
        mv "$clip.tmp" "$clip"
    fi
    echo "$clip"
}
