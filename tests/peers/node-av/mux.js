#!/usr/bin/env node
// usage: node mux.js INPUT [INPUT …] OUTPUT
//
// Stream-copies every video and audio stream of the INPUTs, in argument order, into one OUTPUT with FFmpeg 8.1's
// muxer (node-av), so a test can build a clip with several video and audio tracks from single-track clips made by
// make-clip.js. Video streams come first, then audio, each in argument order: the first video and the first audio
// are the file's default tracks. The container comes from OUTPUT's extension (.mp4, .mov, .mkv, .webm, .ts, .flv;
// FFmpeg 8.1 writes several tracks of an FLV as Enhanced-RTMP multitrack). OUTPUT is written as OUTPUT.partial and
// renamed when complete; a combination the muxer refuses fails with its message.
import { renameSync, rmSync } from "node:fs";
import { extname } from "node:path";
import { FormatContext, Packet } from "node-av/lib";
import { AVERROR_EOF, AVMEDIA_TYPE_AUDIO, AVMEDIA_TYPE_VIDEO } from "node-av/constants";
import { check, fail, run } from "./common.js";

const usage = "node mux.js INPUT [INPUT …] OUTPUT";
const formats = { ".mp4": "mp4", ".mov": "mov", ".mkv": "matroska", ".webm": "webm", ".ts": "mpegts", ".flv": "flv" };

run(async () => {
  const args = process.argv.slice(2);
  if (args.length < 2 || args.some((a) => a.startsWith("--"))) fail(`usage: ${usage}`);
  const output = args.at(-1);
  const formatName = formats[extname(output).toLowerCase()];
  if (!formatName) fail(`cannot tell the container from ${output}; use one of ${Object.keys(formats).join(" ")}`);

  const inputs = [];
  for (const path of args.slice(0, -1)) {
    const input = new FormatContext();
    check(await input.openInput(path, null, null), `cannot open ${path}`);
    check(await input.findStreamInfo(null), `cannot read the streams of ${path}`);
    inputs.push(input);
  }

  const partial = `${output}.partial`;
  const muxer = new FormatContext();
  check(muxer.allocOutputContext2(null, formatName, partial), `cannot create a ${formatName} muxer`);
  const map = new Map(); // "input:stream" -> { out, inTb }
  for (const kind of [AVMEDIA_TYPE_VIDEO, AVMEDIA_TYPE_AUDIO]) {
    inputs.forEach((input, i) => {
      for (const s of input.streams) {
        if (s.codecpar.codecType !== kind) continue;
        const out = muxer.newStream(null);
        check(s.codecpar.copy(out.codecpar), "copying stream parameters");
        out.codecpar.codecTag = 0;
        out.timeBase = s.timeBase;
        map.set(`${i}:${s.index}`, { out, inTb: s.timeBase });
      }
    });
  }
  if (map.size === 0) fail("the inputs hold no video or audio stream");
  check(await muxer.openOutput(), `cannot write ${partial}`);
  check(await muxer.writeHeader(null), `the ${formatName} muxer refused these streams`);

  // Read the inputs side by side, always from the one whose next packet is earliest, so the interleaving
  // muxer never has to hold a whole input back.
  const packets = inputs.map(() => null);
  const next = async (i) => {
    const packet = new Packet();
    packet.alloc();
    for (;;) {
      const ret = await inputs[i].readFrame(packet);
      if (ret === AVERROR_EOF) return null;
      check(ret, `reading ${args[i]}`);
      if (map.has(`${i}:${packet.streamIndex}`)) return packet;
      packet.unref();
    }
  };
  for (let i = 0; i < inputs.length; i++) packets[i] = await next(i);
  const seconds = (i) => {
    const p = packets[i];
    const s = inputs[i].streams[p.streamIndex];
    return Number(p.dts ?? p.pts) * s.timeBase.num / s.timeBase.den;
  };
  for (;;) {
    let pick = -1;
    for (let i = 0; i < inputs.length; i++) {
      if (packets[i] && (pick < 0 || seconds(i) < seconds(pick))) pick = i;
    }
    if (pick < 0) break;
    const packet = packets[pick];
    const m = map.get(`${pick}:${packet.streamIndex}`);
    packet.streamIndex = m.out.index;
    packet.rescaleTs(m.inTb, m.out.timeBase);
    packet.pos = -1n;
    check(await muxer.interleavedWriteFrame(packet), "writing a packet");
    packets[pick] = await next(pick);
  }
  check(await muxer.interleavedWriteFrame(null), "flushing");
  check(await muxer.writeTrailer(), "finishing the file");
  await muxer.closeOutput();
  for (const input of inputs) await input.closeInput();
  rmSync(output, { force: true });
  renameSync(partial, output);
  return 0;
});
