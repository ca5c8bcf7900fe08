#!/usr/bin/env node
// usage: node make-clip.js OUTPUT --video hevc|av1|vp9|h264|none --audio aac|opus|flac|ac3|eac3|mp3|none
//          [--seconds N] [--bframes] [--size WxH] [--fps N] [--gop FRAMES] [--channels 1|2] [--sample-rate HZ]
//          [--movflags FLAGS] [--muxdelay SECONDS]
//
// Encodes a short synthetic clip with FFmpeg 8.1 (node-av): video from libavfilter's testsrc2 (a moving
// test pattern: every frame differs), audio from two sine sources joined as stereo (440 Hz beeping on the
// left, 660 Hz on the right, so a channel swap changes the hashes); mono takes the left one.
// The container comes from OUTPUT's extension: .mp4, .mov, .mkv, .webm, .flv (FFmpeg 8.1 writes
// Enhanced-FLV FourCC headers for HEVC/AV1/VP9 and Opus/FLAC/AC-3/E-AC-3), .ts, .ivf (AV1/VP9, --audio none),
// .hevc/.h265 (raw Annex-B, --video hevc --audio none); a combination the
// muxer refuses fails with its message. OUTPUT is written as OUTPUT.partial and renamed when complete.
//
// Defaults are small and fast: 2 s, 320x180, 25 fps, a keyframe every second (fixed GOP, no scene-cut
// keyframes, closed GOPs), 48 kHz stereo. Encoders and their fastest settings:
//   h264 libx264 (ultrafast), hevc libx265 (ultrafast; --bframes: 2 B-frames), av1 libsvtav1 (preset 12),
//   vp9 libvpx-vp9 (realtime, cpu-used 8); aac (native), opus (libopus), flac, ac3, eac3, mp3 (libmp3lame).
// Without --bframes no encoder reorders frames (PTS = DTS); --bframes applies to h264 and hevc.
// --movflags goes to the MP4/MOV muxer as -movflags does (e.g. negative_cts_offsets, frag_keyframe+empty_moov).
// --muxdelay sets the muxer's max_delay as ffmpeg's -muxdelay does (the ffmpeg CLI uses 0.7 s, the library 0): with it
// the MPEG-TS muxer packs several audio frames into one PES, as files made by the ffmpeg CLI have them.
import { renameSync, rmSync } from "node:fs";
import { extname } from "node:path";
import {
  Codec,
  CodecContext,
  Dictionary,
  FilterGraph,
  FormatContext,
  Frame,
  Packet,
  Rational,
  avGetSampleFmtName,
  avRescaleQ,
} from "node-av/lib";
import {
  AVERROR_EAGAIN,
  AVERROR_EOF,
  AVFMT_GLOBALHEADER,
  AVFMT_NOFILE,
  AV_CODEC_FLAG_GLOBAL_HEADER,
  AV_FRAME_FLAG_KEY,
  AV_PICTURE_TYPE_NONE,
  AV_PIX_FMT_YUV420P,
} from "node-av/constants";
import { check, fail, parseArgs, positiveNumber, run } from "./common.js";

const usage =
  "node make-clip.js OUTPUT --video hevc|av1|vp9|h264|none --audio aac|opus|flac|ac3|eac3|mp3|none " +
  "[--seconds N] [--bframes] [--size WxH] [--fps N] [--gop FRAMES] [--channels 1|2] [--sample-rate HZ] [--movflags FLAGS] [--muxdelay SECONDS]";

// SVT-AV1 prints its whole configuration on stderr unless told otherwise (1: errors only).
process.env.SVT_LOG ??= "1";

// .ivf (AV1 or VP9 only) and .hevc/.h265 (raw Annex-B HEVC, no audio) are video-only elementary forms.
const containers = {
  ".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska", ".webm": "webm", ".flv": "flv", ".ts": "mpegts",
  ".ivf": "ivf", ".hevc": "hevc", ".h265": "hevc",
};

// x264/x265 run with one thread (the same options give the same bytes); VP9 and AV1 use both cores.
const videoEncoders = {
  h264: (o) => ({
    name: "libx264",
    options: {
      preset: "ultrafast",
      profile: "high",
      threads: "1",
      "x264-params": `keyint=${o.gop}:min-keyint=${o.gop}:scenecut=0:bframes=${o.bframes ? 2 : 0}:b-adapt=0`,
    },
  }),
  hevc: (o) => ({
    name: "libx265",
    options: {
      preset: "ultrafast",
      "x265-params":
        `log-level=none:pools=1:frame-threads=1:keyint=${o.gop}:min-keyint=${o.gop}:scenecut=0:open-gop=0` +
        `:bframes=${o.bframes ? 2 : 0}:b-adapt=0`,
    },
  }),
  av1: () => ({ name: "libsvtav1", options: { preset: "12", "svtav1-params": "lp=2:scd=0:enable-overlays=0" } }),
  vp9: (o) => ({
    name: "libvpx-vp9",
    options: { deadline: "realtime", "cpu-used": "8", "lag-in-frames": "0", "row-mt": "1", threads: "2", keyint_min: String(o.gop) },
  }),
};

const audioEncoders = {
  aac: { name: "aac", bitRate: 96000n },
  opus: { name: "libopus", bitRate: 96000n },
  flac: { name: "flac", bitRate: 0n },
  ac3: { name: "ac3", bitRate: 192000n },
  eac3: { name: "eac3", bitRate: 192000n },
  mp3: { name: "libmp3lame", bitRate: 128000n },
};

run(async () => {
  const { positionals, options } = parseArgs(
    process.argv.slice(2),
    { video: "value", audio: "value", seconds: "value", bframes: "flag", size: "value", fps: "value", gop: "value", channels: "value", "sample-rate": "value", movflags: "value", muxdelay: "value" },
    usage,
    1,
  );
  const [output] = positionals;
  const video = options.video ?? fail(`--video is required; usage: ${usage}`);
  const audio = options.audio ?? fail(`--audio is required; usage: ${usage}`);
  if (video !== "none" && !videoEncoders[video]) fail(`--video must be one of ${Object.keys(videoEncoders).join(", ")} or none, got ${video}`);
  if (audio !== "none" && !audioEncoders[audio]) fail(`--audio must be one of ${Object.keys(audioEncoders).join(", ")} or none, got ${audio}`);
  if (video === "none" && audio === "none") fail("a clip needs video, audio or both");
  const seconds = positiveNumber(options.seconds, "seconds", 2);
  const fps = positiveNumber(options.fps, "fps", 25);
  const size = /^(\d+)x(\d+)$/.exec(options.size ?? "320x180") ?? fail(`--size must be WxH, got ${options.size}`);
  const [width, height] = [Number(size[1]), Number(size[2])];
  if (width % 2 || height % 2) fail(`--size must be even (4:2:0), got ${width}x${height}`);
  const gop = Math.round(positiveNumber(options.gop, "gop", fps));
  const channels = positiveNumber(options.channels, "channels", 2);
  if (channels !== 1 && channels !== 2) fail(`--channels must be 1 or 2, got ${channels}`);
  const sampleRate = positiveNumber(options["sample-rate"], "sample-rate", 48000);
  const formatName = containers[extname(output).toLowerCase()] ?? fail(`unknown container extension in ${output} (use ${Object.keys(containers).join(" ")})`);

  const partial = `${output}.partial`;
  const muxer = new FormatContext();
  check(muxer.allocOutputContext2(null, formatName, partial), `cannot create a ${formatName} muxer`);
  const globalHeader = (muxer.oformat.flags & AVFMT_GLOBALHEADER) !== 0;

  const tracks = [];
  if (video !== "none") {
    tracks.push(await openVideo(muxer, videoEncoders[video]({ gop, bframes: !!options.bframes }), { width, height, fps, gop, seconds, bframes: !!options.bframes, globalHeader }));
  }
  if (audio !== "none") {
    tracks.push(await openAudio(muxer, audioEncoders[audio], { channels, sampleRate, seconds, globalHeader }));
  }

  try {
    if ((muxer.oformat.flags & AVFMT_NOFILE) === 0) {
      check(await muxer.openOutput(), `cannot write ${partial}`);
    }
    const muxerSettings = {};
    if (options.movflags) muxerSettings.movflags = options.movflags;
    if (options.muxdelay) muxerSettings.max_delay = String(Math.round(positiveNumber(options.muxdelay, "muxdelay", 0.7) * 1e6));
    const muxerOptions = Object.keys(muxerSettings).length > 0 ? Dictionary.fromObject(muxerSettings) : null;
    check(await muxer.writeHeader(muxerOptions), `the ${formatName} muxer refused these streams (${video} + ${audio})`);
    for (const t of tracks) t.streamTimeBase = muxer.streams[t.streamIndex].timeBase;

    const packet = new Packet();
    packet.alloc();
    const frame = new Frame();
    frame.alloc();
    // Pull from whichever source is behind, so the muxer gets packets in time order (as a live
    // encoder would produce them) instead of relying on its interleaving buffer.
    for (;;) {
      const open = tracks.filter((t) => !t.drained);
      if (open.length === 0) break;
      const next = open.reduce((a, b) => (a.nextSeconds <= b.nextSeconds ? a : b));
      const ret = next.sink.buffersinkGetFrameSync(frame);
      if (ret === AVERROR_EOF || ret === AVERROR_EAGAIN) {
        // A source-only graph is at its end when the sink has nothing more.
        await encode(muxer, next, null, packet);
        next.drained = true;
        continue;
      }
      check(ret, `${next.kind} source`);
      next.nextSeconds = Number(frame.pts) * next.sinkTimeBase.num / next.sinkTimeBase.den;
      frame.pts = avRescaleQ(frame.pts, next.sinkTimeBase, next.encoder.timeBase);
      // testsrc2 marks every frame as a keyframe, which encoders take as "force an I-frame"; let the
      // GOP settings decide, as ffmpeg's CLI does.
      frame.pictType = AV_PICTURE_TYPE_NONE;
      frame.clearFlags(AV_FRAME_FLAG_KEY);
      await encode(muxer, next, frame, packet);
      frame.unref();
    }
    check(await muxer.interleavedWriteFrame(null), "flushing the muxer");
    check(await muxer.writeTrailer(), "writing the trailer");
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    if ((muxer.oformat.flags & AVFMT_NOFILE) === 0) await muxer.closeOutput();
  }
  renameSync(partial, output);
  const summary = tracks.map((t) => `${t.kind} ${t.codecName} ${t.frames} frames`).join(", ");
  process.stdout.write(`${output}: ${formatName}, ${summary}\n`);
  return 0;
});

async function openEncoder(name, configure, globalHeader, encoderOptions) {
  const codec = Codec.findEncoderByName(name) ?? fail(`this FFmpeg build has no ${name} encoder`);
  const ctx = new CodecContext();
  ctx.allocContext3(codec);
  configure(ctx, codec);
  if (globalHeader) ctx.setFlags(AV_CODEC_FLAG_GLOBAL_HEADER);
  // The async open2: node-av 6.1.1's open2Sync with a Dictionary crashes the process at exit (double free).
  check(await ctx.open2(codec, Dictionary.fromObject(encoderOptions ?? {})), `cannot open the ${name} encoder`);
  return ctx;
}

async function openVideo(muxer, spec, o) {
  const encoder = await openEncoder(
    spec.name,
    (ctx) => {
      ctx.width = o.width;
      ctx.height = o.height;
      ctx.pixelFormat = AV_PIX_FMT_YUV420P;
      ctx.timeBase = new Rational(1, o.fps);
      ctx.framerate = new Rational(o.fps, 1);
      ctx.sampleAspectRatio = new Rational(1, 1);
      ctx.gopSize = o.gop;
      ctx.maxBFrames = o.bframes ? 2 : 0;
    },
    o.globalHeader,
    spec.options,
  );
  const { graph, sink } = sourceGraph(
    `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}:duration=${o.seconds},format=yuv420p,buffersink@out`,
  );
  return addTrack(muxer, "video", spec.name, encoder, graph, sink);
}

async function openAudio(muxer, spec, o) {
  const encoder = await openEncoder(
    spec.name,
    (ctx, codec) => {
      ctx.sampleRate = o.sampleRate;
      ctx.channelLayout = o.channels === 2 ? { nbChannels: 2, order: 1, mask: 3n } : { nbChannels: 1, order: 1, mask: 4n };
      ctx.sampleFormat = codec.sampleFormats?.[0] ?? fail(`${spec.name} lists no sample format`);
      ctx.timeBase = new Rational(1, o.sampleRate);
      if (spec.bitRate > 0n) ctx.bitRate = spec.bitRate;
    },
    o.globalHeader,
  );
  // Encoders with a fixed frame size get exactly that many samples per frame (the last one padded).
  const frameSize = encoder.frameSize > 0 ? `,asetnsamples=n=${encoder.frameSize}:p=1` : "";
  const sampleFmt = avGetSampleFmtName(encoder.sampleFormat);
  const tone = (f, beep) => `sine=frequency=${f}${beep}:sample_rate=${o.sampleRate}:duration=${o.seconds}`;
  const source =
    o.channels === 2
      ? `${tone(440, ":beep_factor=4")}[l];${tone(660, "")}[r];[l][r]join=inputs=2:channel_layout=stereo`
      : tone(440, ":beep_factor=4");
  const { graph, sink } = sourceGraph(
    `${source},aformat=sample_fmts=${sampleFmt}:channel_layouts=${o.channels === 2 ? "stereo" : "mono"}${frameSize},abuffersink@out`,
  );
  return addTrack(muxer, "audio", spec.name, encoder, graph, sink);
}

/** A filter graph made of sources only, ending in a sink named "…@out". */
function sourceGraph(description) {
  const graph = new FilterGraph();
  graph.alloc();
  check(graph.parse2(description), `filter graph ${description}`);
  check(graph.configSync(), `configuring ${description}`);
  const sink = graph.filters.find((f) => f.name?.endsWith("@out")) ?? fail(`no sink in ${description}`);
  return { graph, sink };
}

function addTrack(muxer, kind, codecName, encoder, graph, sink) {
  const stream = muxer.newStream(null);
  check(stream.codecpar.fromContext(encoder), `${kind} stream parameters`);
  stream.timeBase = encoder.timeBase;
  return {
    kind,
    codecName,
    encoder,
    graph,
    sink,
    sinkTimeBase: sink.buffersinkGetTimeBase(),
    streamIndex: stream.index,
    streamTimeBase: null,
    nextSeconds: 0,
    drained: false,
    frames: 0,
  };
}

async function encode(muxer, track, frame, packet) {
  let ret = track.encoder.sendFrameSync(frame);
  check(ret === AVERROR_EOF ? 0 : ret, `${track.codecName} encoding`);
  if (frame) track.frames++;
  for (;;) {
    ret = track.encoder.receivePacketSync(packet);
    if (ret === AVERROR_EAGAIN || ret === AVERROR_EOF) return;
    check(ret, `${track.codecName} encoding`);
    packet.streamIndex = track.streamIndex;
    packet.rescaleTs(track.encoder.timeBase, track.streamTimeBase);
    check(await muxer.interleavedWriteFrame(packet), `writing a ${track.kind} packet`);
  }
}
