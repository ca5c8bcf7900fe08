#!/usr/bin/env node
// usage: node rtmp-publish.js INPUT rtmp://127.0.0.1:PORT/APP/STREAM [--realtime] [--all-streams]
//
// Publishes INPUT's first video and first audio stream (with --all-streams every video and audio stream, which
// FFmpeg's FLV muxer sends as Enhanced-RTMP multitrack: the first of each kind as usual, the others as OneTrack
// packets with track ids 1, 2, …) over RTMP with FFmpeg 8.1's own RTMP client
// and FLV muxer (node-av), without re-encoding: HEVC/AV1/VP9 and Opus/FLAC/AC-3/E-AC-3 go out as
// Enhanced-RTMP FourCC tags, H.264/AAC/MP3 as classic ones. Every packet of INPUT is sent, including
// those a container marks for discarding (as framemd5.js hashes them). --realtime paces packets by
// their timestamps like `ffmpeg -re`; without it the file is sent as fast as the server takes it.
// Exits 0 once the stream is finished and the connection closed, 1 with a one-line error otherwise.
import { FormatContext, Packet } from "node-av/lib";
import {
  AVERROR_EOF,
  AVMEDIA_TYPE_AUDIO,
  AVMEDIA_TYPE_VIDEO,
  AV_DISPOSITION_ATTACHED_PIC,
  AV_NOPTS_VALUE,
  AV_PKT_FLAG_DISCARD,
} from "node-av/constants";
import { check, fail, parseArgs, run } from "./common.js";

const usage = "node rtmp-publish.js INPUT rtmp://127.0.0.1:PORT/APP/STREAM [--realtime] [--all-streams]";

run(async () => {
  const { positionals, options } = parseArgs(process.argv.slice(2), { realtime: "flag", "all-streams": "flag" }, usage, 2);
  const [input, url] = positionals;
  if (!/^rtmps?:\/\//.test(url)) fail(`not an rtmp:// URL: ${url}`);

  const source = new FormatContext();
  check(await source.openInput(input, null, null), `cannot open ${input}`);
  check(await source.findStreamInfo(null), `cannot read the streams of ${input}`);

  const firstOf = (type) =>
    source.streams.find((s) => s.codecpar.codecType === type && !s.hasDisposition(AV_DISPOSITION_ATTACHED_PIC));
  const media = (s) =>
    (s.codecpar.codecType === AVMEDIA_TYPE_VIDEO || s.codecpar.codecType === AVMEDIA_TYPE_AUDIO) &&
    !s.hasDisposition(AV_DISPOSITION_ATTACHED_PIC);
  const picked = options["all-streams"]
    ? source.streams.filter(media)
    : [firstOf(AVMEDIA_TYPE_VIDEO), firstOf(AVMEDIA_TYPE_AUDIO)].filter(Boolean);
  if (picked.length === 0) fail(`${input} has no video or audio stream`);

  const sink = new FormatContext();
  check(sink.allocOutputContext2(null, "flv", url), "cannot create the flv muxer");
  const map = new Map(); // input stream index -> { out, inTb }
  for (const s of picked) {
    const out = sink.newStream(null);
    check(s.codecpar.copy(out.codecpar), "copying stream parameters");
    out.codecpar.codecTag = 0; // the input container's tag (hvc1, Opus…) means nothing to FLV
    out.timeBase = s.timeBase;
    map.set(s.index, { out, inTb: s.timeBase });
  }
  check(await sink.openOutput(), `cannot connect to ${url}`);
  check(await sink.writeHeader(null), `the flv muxer refused the streams of ${input}`);

  const packet = new Packet();
  packet.alloc();
  const started = performance.now();
  let firstDts = null;
  for (;;) {
    const ret = await source.readFrame(packet);
    if (ret === AVERROR_EOF) break;
    check(ret, `reading ${input}`);
    const m = map.get(packet.streamIndex);
    if (!m) {
      packet.unref();
      continue;
    }
    if (options.realtime && packet.dts !== AV_NOPTS_VALUE) {
      const seconds = (Number(packet.dts) * m.inTb.num) / m.inTb.den;
      firstDts ??= seconds;
      const due = started + (seconds - firstDts) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait)); // pacing, like ffmpeg -re
    }
    packet.flags &= ~AV_PKT_FLAG_DISCARD; // FLV has no such flag: the packet goes out as it is
    packet.streamIndex = m.out.index;
    packet.rescaleTs(m.inTb, m.out.timeBase);
    packet.pos = -1n;
    check(await sink.interleavedWriteFrame(packet), `sending to ${url}`);
  }
  check(await sink.interleavedWriteFrame(null), `sending to ${url}`);
  check(await sink.writeTrailer(), `finishing the stream to ${url}`);
  await sink.closeOutput();
  await source.closeInput();
  process.stdout.write(`published ${input} to ${url}\n`);
  return 0;
});
