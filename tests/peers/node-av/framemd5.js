#!/usr/bin/env node
// usage: node framemd5.js INPUT [--stream v|a]
//
// Decodes every video and audio frame of INPUT with FFmpeg 8.1 (node-av) and prints one line per frame
// in the format of `ffmpeg -i INPUT -fps_mode passthrough -f framemd5 -`:
//   stream, dts, pts, duration, size, md5
// preceded by `#` header lines, among them one per stream:
//   #codec 0: hevc 640x360 yuv420p          (codec, coded size, decoded pixel format)
//   #codec 1: opus 48000 2ch fltp           (codec, rate, channels, decoded sample format)
//   #decoder 0: hevc                        (the FFmpeg decoder used, e.g. libdav1d for AV1)
//   #reorder 0: 2                           (video: the decoder's reordering depth, > 0 with B-frames)
//   #frames 0: 50                           (frames hashed)
//
// What the md5 covers, exactly as ffmpeg's framemd5 muxer does with its default rawvideo/pcm_s16le
// "encoders":
//   video: the decoded picture's planes in the decoder's pixel format, each plane's rows packed
//          without padding (av_image_copy_to_buffer with alignment 1), cropped as the decoder crops;
//   audio: the decoded samples converted to signed 16-bit interleaved (swresample, no dither; the
//          conversion ffmpeg's CLI inserts before pcm_s16le), all channels, nb_samples * channels * 2 bytes.
// Streams are numbered 0, 1, … in file order over the selected video and audio streams (attached
// pictures excluded); dts/pts/duration are the decoded frame's, in the input stream's time base
// (#tb lines). Only the md5 column is meant to be compared across containers.
//
// Unlike ffmpeg's CLI, nothing a container marks for dropping is dropped: audio decoders run with
// AV_CODEC_FLAG2_SKIP_MANUAL (encoder delay/priming and end padding from MP4 edit lists, Matroska
// CodecDelay or Ogg/Opus pre-skip stay in) and packets flagged AV_PKT_FLAG_DISCARD are decoded and
// hashed like any other, because FLV/RTMP cannot express either and the comparison must not depend on it.
//
// Exits 1 with a one-line error when INPUT cannot be opened or has no selected stream; decode errors
// in the middle are reported on stderr (one line each, like ffmpeg) and decoding goes on.
import { createHash } from "node:crypto";
import {
  Codec,
  CodecContext,
  FormatContext,
  Frame,
  Packet,
  SoftwareResampleContext,
  avGetCodecName,
  avGetPixFmtName,
  avGetSampleFmtName,
} from "node-av/lib";
import {
  AVERROR_EAGAIN,
  AVERROR_EOF,
  AVMEDIA_TYPE_AUDIO,
  AVMEDIA_TYPE_VIDEO,
  AV_CODEC_FLAG2_SKIP_MANUAL,
  AV_DISPOSITION_ATTACHED_PIC,
  AV_PKT_FLAG_DISCARD,
  AV_SAMPLE_FMT_S16,
} from "node-av/constants";
import { check, fail, parseArgs, run } from "./common.js";

const usage = "node framemd5.js INPUT [--stream v|a]";
const lines = []; // frame lines, printed after the header once every stream is decoded

run(async () => {
  const { positionals, options } = parseArgs(process.argv.slice(2), { stream: "value" }, usage, 1);
  const [input] = positionals;
  const only = options.stream;
  if (only !== undefined && only !== "v" && only !== "a") fail(`--stream must be v or a, got ${only}`);

  const format = new FormatContext();
  check(format.openInputSync(input, null, null), `cannot open ${input}`);
  check(format.findStreamInfoSync(null), `cannot read the streams of ${input}`);

  const selected = new Map(); // input stream index -> output stream state
  for (const stream of format.streams) {
    const type = stream.codecpar.codecType;
    const wanted =
      (type === AVMEDIA_TYPE_VIDEO && only !== "a" && !stream.hasDisposition(AV_DISPOSITION_ATTACHED_PIC)) ||
      (type === AVMEDIA_TYPE_AUDIO && only !== "v");
    if (wanted) {
      selected.set(stream.index, openDecoder(stream, selected.size, input));
    }
  }
  if (selected.size === 0) {
    fail(`${input} has no ${only === "v" ? "video " : only === "a" ? "audio " : "video or audio "}stream`);
  }

  const packet = new Packet();
  packet.alloc();
  const frame = new Frame();
  frame.alloc();
  for (;;) {
    const ret = format.readFrameSync(packet);
    if (ret === AVERROR_EOF) break;
    check(ret, `reading ${input}`);
    const state = selected.get(packet.streamIndex);
    if (state) {
      // Keep what a container would have the decoder drop (see the header comment).
      packet.flags &= ~AV_PKT_FLAG_DISCARD;
      decode(state, packet, frame);
    }
    packet.unref();
  }
  for (const state of selected.values()) {
    decode(state, null, frame);
  }

  const out = ["#format: frame checksums", "#version: 2", "#hash: MD5"];
  for (const state of selected.values()) {
    out.push(...state.header());
  }
  out.push("#stream#, dts,        pts, duration,     size, hash");
  // Per stream in decode order, streams interleaved as decoded (like ffmpeg's output order).
  out.push(...lines);
  process.stdout.write(out.join("\n") + "\n");
  return 0;
});


function openDecoder(stream, outputIndex, input) {
  const par = stream.codecpar;
  const codec = Codec.findDecoder(par.codecId);
  const codecName = avGetCodecName(par.codecId) ?? `codec id ${par.codecId}`;
  if (!codec) fail(`no FFmpeg decoder for ${codecName} (stream ${stream.index} of ${input})`);
  const ctx = new CodecContext();
  ctx.allocContext3(codec);
  check(ctx.parametersToContext(par), `stream ${stream.index}: codec parameters`);
  ctx.pktTimebase = stream.timeBase;
  ctx.threadCount = 0; // auto, like ffmpeg's CLI; frame threading does not change the output
  if (par.codecType === AVMEDIA_TYPE_AUDIO) {
    ctx.setFlags2(AV_CODEC_FLAG2_SKIP_MANUAL);
  }
  check(ctx.open2Sync(codec, null), `cannot open the ${codec.name} decoder for stream ${stream.index}`);

  const isVideo = par.codecType === AVMEDIA_TYPE_VIDEO;
  const tb = stream.timeBase;
  const state = {
    index: outputIndex,
    inputIndex: stream.index,
    ctx,
    isVideo,
    frames: 0,
    errors: 0,
    decodedFormat: null,
    resampler: null,
    resamplerKey: "",
    header() {
      const h = [`#tb ${outputIndex}: ${tb.num}/${tb.den}`, `#media_type ${outputIndex}: ${isVideo ? "video" : "audio"}`];
      if (isVideo) {
        const fmt = this.decodedFormat ?? avGetPixFmtName(ctx.pixelFormat) ?? "none";
        h.push(`#codec ${outputIndex}: ${codecName} ${par.width}x${par.height} ${fmt}`);
      } else {
        const fmt = this.decodedFormat ?? avGetSampleFmtName(ctx.sampleFormat) ?? "none";
        h.push(`#codec ${outputIndex}: ${codecName} ${par.sampleRate} ${par.channels}ch ${fmt}`);
      }
      h.push(`#decoder ${outputIndex}: ${codec.name}`);
      // The decoder's reordering depth (has_b_frames) once everything is decoded: > 0 with B-frames.
      if (isVideo) h.push(`#reorder ${outputIndex}: ${ctx.hasBFrames}`);
      h.push(`#input_stream ${outputIndex}: ${stream.index}`);
      h.push(`#frames ${outputIndex}: ${this.frames}`);
      if (this.errors > 0) h.push(`#decode_errors ${outputIndex}: ${this.errors}`);
      return h;
    },
  };
  return state;
}

function decode(state, packet, frame) {
  let ret = state.ctx.sendPacketSync(packet);
  if (ret < 0 && ret !== AVERROR_EOF) {
    reportDecodeError(state, ret);
    return;
  }
  for (;;) {
    ret = state.ctx.receiveFrameSync(frame);
    if (ret === AVERROR_EAGAIN || ret === AVERROR_EOF) return;
    if (ret < 0) {
      reportDecodeError(state, ret);
      return;
    }
    hashFrame(state, frame);
    frame.unref();
  }
}

function reportDecodeError(state, ret) {
  state.errors++;
  process.stderr.write(`framemd5.js: stream ${state.inputIndex}: decoding failed (${ret}); going on\n`);
}

function hashFrame(state, frame) {
  let data;
  if (state.isVideo) {
    state.decodedFormat ??= avGetPixFmtName(frame.format);
    data = frame.toBuffer();
  } else {
    state.decodedFormat ??= avGetSampleFmtName(frame.format);
    data = frame.format === AV_SAMPLE_FMT_S16 ? frame.toBuffer() : toS16(state, frame);
  }
  const md5 = createHash("md5").update(data).digest("hex");
  const ts = (v) => v.toString().padStart(10);
  lines.push(
    `${state.index}, ${ts(frame.pktDts)}, ${ts(frame.bestEffortTimestamp)}, ${frame.duration.toString().padStart(8)}, ${String(data.length).padStart(8)}, ${md5}`,
  );
  state.frames++;
}

/** Converts a decoded audio frame to packed s16 with swresample, as ffmpeg's CLI does before pcm_s16le. */
function toS16(state, frame) {
  const layout = frame.channelLayout;
  const key = `${frame.format}/${frame.sampleRate}/${layout.order}/${layout.nbChannels}/${layout.mask}`;
  if (state.resamplerKey !== key) {
    state.resampler?.free();
    const swr = new SoftwareResampleContext();
    check(
      swr.allocSetOpts2(layout, AV_SAMPLE_FMT_S16, frame.sampleRate, layout, frame.format, frame.sampleRate),
      "swresample options",
    );
    check(swr.init(), "swresample init");
    state.resampler = swr;
    state.resamplerKey = key;
  }
  const out = new Frame();
  out.alloc();
  out.format = AV_SAMPLE_FMT_S16;
  out.channelLayout = layout;
  out.sampleRate = frame.sampleRate;
  check(state.resampler.convertFrame(out, frame), "converting audio to s16");
  const data = out.toBuffer();
  out.free();
  return data;
}
