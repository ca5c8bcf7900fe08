#!/usr/bin/env node
// usage: node packets.js INPUT [--ignore-editlist] [--dump FILE]
//
// Lists the packets FFmpeg 8.1's demuxer (node-av) reads from INPUT, in file order, one line each:
//   stream, kind (v|a), dts_ms, pts_ms, key (0|1), size, md5 of the packet data
// preceded by one `#stream N: kind codec extradata_md5` line per video/audio stream. Timestamps are
// rounded down to milliseconds (RTMP's unit); a missing DTS or PTS prints as "-". A reader under test
// compares its frames with these lines: same count, order within each stream, timestamps, keyframe
// flags and bytes (where the container's sample form is the one RTMP carries). --ignore-editlist (MP4/MOV)
// gives the raw sample-table times, as Uplink's MP4 reader does, instead of times shifted by the edit list.
//
// --dump FILE also writes the streams and packets to FILE, so a test can feed FFmpeg's own demuxing to
// the writer without any reader of ours in between. Records, big-endian:
//   'S' u8 index, u8 kind ('v'|'a'), u16 codec-name length, codec name, u32 extradata length, extradata
//   'P' u8 index, i64 dts_us, i64 pts_us, u8 key, u32 size, data
// (timestamps in microseconds; a missing DTS or PTS is written as the other one).
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Dictionary, FormatContext, Packet, avGetCodecName } from "node-av/lib";
import { AVERROR_EOF, AVMEDIA_TYPE_AUDIO, AVMEDIA_TYPE_VIDEO, AV_NOPTS_VALUE, AV_PKT_FLAG_KEY } from "node-av/constants";
import { check, fail, parseArgs, run } from "./common.js";

const usage = "node packets.js INPUT [--ignore-editlist] [--dump FILE]";

run(async () => {
  const { positionals, options } = parseArgs(process.argv.slice(2), { "ignore-editlist": "flag", dump: "value" }, usage, 1);
  const dump = [];
  const [input] = positionals;
  const format = new FormatContext();
  // The async open: node-av 6.1.1's sync calls with a Dictionary crash the process at exit (double free).
  const demuxerOptions = options["ignore-editlist"] ? Dictionary.fromObject({ ignore_editlist: "1" }) : null;
  check(await format.openInput(input, null, demuxerOptions), `cannot open ${input}`);
  check(format.findStreamInfoSync(null), `cannot read the streams of ${input}`);

  const out = [];
  const kinds = new Map();
  for (const stream of format.streams) {
    const type = stream.codecpar.codecType;
    if (type !== AVMEDIA_TYPE_VIDEO && type !== AVMEDIA_TYPE_AUDIO) continue;
    const kind = type === AVMEDIA_TYPE_VIDEO ? "v" : "a";
    kinds.set(stream.index, { kind, tb: stream.timeBase });
    const extradata = stream.codecpar.extradata;
    const md5 = extradata && extradata.length > 0 ? createHash("md5").update(extradata).digest("hex") : "-";
    const name = avGetCodecName(stream.codecpar.codecId);
    out.push(`#stream ${stream.index}: ${kind} ${name} ${md5}`);
    const header = Buffer.alloc(5);
    header.write("S", 0);
    header.writeUInt8(stream.index, 1);
    header.write(kind, 2);
    header.writeUInt16BE(Buffer.byteLength(name), 3);
    const extra = extradata ?? Buffer.alloc(0);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(extra.length, 0);
    dump.push(header, Buffer.from(name), length, Buffer.from(extra));
  }
  if (kinds.size === 0) fail(`${input} has no video or audio stream`);

  const ms = (t, tb) => (t === AV_NOPTS_VALUE ? "-" : String(Math.floor((Number(t) * 1000 * tb.num) / tb.den)));
  const packet = new Packet();
  packet.alloc();
  for (;;) {
    const ret = format.readFrameSync(packet);
    if (ret === AVERROR_EOF) break;
    check(ret, `reading ${input}`);
    const info = kinds.get(packet.streamIndex);
    if (info) {
      const data = packet.data ?? Buffer.alloc(0);
      const key = (packet.flags & AV_PKT_FLAG_KEY) !== 0 ? 1 : 0;
      const md5 = createHash("md5").update(data).digest("hex");
      out.push(`${packet.streamIndex}, ${info.kind}, ${ms(packet.dts, info.tb)}, ${ms(packet.pts, info.tb)}, ${key}, ${data.length}, ${md5}`);
      const us = (t) => (BigInt(t) * 1000000n * BigInt(info.tb.num)) / BigInt(info.tb.den);
      const dts = packet.dts === AV_NOPTS_VALUE ? packet.pts : packet.dts;
      const pts = packet.pts === AV_NOPTS_VALUE ? packet.dts : packet.pts;
      const record = Buffer.alloc(23);
      record.write("P", 0);
      record.writeUInt8(packet.streamIndex, 1);
      record.writeBigInt64BE(us(dts), 2);
      record.writeBigInt64BE(us(pts), 10);
      record.writeUInt8(key, 18);
      record.writeUInt32BE(data.length, 19);
      dump.push(record, Buffer.from(data));
    }
    packet.unref();
  }
  if (options.dump !== undefined) writeFileSync(options.dump, Buffer.concat(dump));
  process.stdout.write(out.join("\n") + "\n");
  return 0;
});
