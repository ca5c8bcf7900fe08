#!/usr/bin/env node
// usage: node rtmp-listen.js rtmp://127.0.0.1:PORT/APP/STREAM OUTPUT.flv [--timeout-seconds N]
//
// An independent RTMP receiver: FFmpeg 8.1's own RTMP server mode (the rtmp protocol with listen=1,
// through node-av) accepts ONE publisher on 127.0.0.1:PORT and remuxes every video and audio stream it
// sends, without re-encoding, into OUTPUT.flv with FFmpeg 8.1's FLV muxer (Enhanced-FLV FourCC tags
// for HEVC/AV1/VP9 and Opus/FLAC/AC-3/E-AC-3). Lines on stdout, for the tests to wait on:
//   UPLINK_LISTENING rtmp://…          once the listening socket exists (a publisher may connect)
//   UPLINK_PUBLISHING                  once the publisher's stream has started
//   UPLINK_RECORD_CLOSED /abs/OUTPUT.flv  when the publisher has gone and the file is closed; exit 0
// FFmpeg's server takes any APP/STREAM path from the publisher: the one connection is what is recorded.
// --timeout-seconds N (default 30): how long to wait for a publisher to connect, and for data while
// publishing (a publisher silent that long fails the run). The host must be 127.0.0.1.
// Exits 1 with a one-line error when nobody publishes in time, the stream cannot be remuxed, or
// the publisher stalls; a connection that ends (closed, reset) after data counts as the publisher leaving.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { resolve } from "node:path";
import { Dictionary, FFmpegError, FormatContext, Packet } from "node-av/lib";
import { AVERROR_EOF, AVERROR_EXIT, AVMEDIA_TYPE_AUDIO, AVMEDIA_TYPE_VIDEO } from "node-av/constants";
import { check, fail, parseArgs, positiveNumber, run } from "./common.js";

const usage = "node rtmp-listen.js rtmp://127.0.0.1:PORT/APP/STREAM OUTPUT.flv [--timeout-seconds N]";

run(async () => {
  const { positionals, options } = parseArgs(process.argv.slice(2), { "timeout-seconds": "value" }, usage, 2);
  const [url, outputArg] = positionals;
  const output = resolve(outputArg);
  const timeoutSeconds = positiveNumber(options["timeout-seconds"], "timeout-seconds", 30);
  const parsed = /^rtmp:\/\/127\.0\.0\.1:(\d+)\/[^/]+\/.+$/.exec(url);
  if (!parsed) fail(`the URL must be rtmp://127.0.0.1:PORT/APP/STREAM (loopback only), got ${url}`);
  const port = Number(parsed[1]);

  const input = new FormatContext();
  input.allocContext();
  // FFmpeg's own accept timeout (whole seconds) bounds the wait for a publisher.
  const opening = input.openInput(
    url,
    null,
    Dictionary.fromObject({ listen: "1", timeout: String(Math.ceil(timeoutSeconds)) }),
  );
  // FFmpeg reports nothing when its socket starts listening, so watch the kernel's table for it.
  await waitForOwnListeningSocket(port, timeoutSeconds, opening);
  say(`UPLINK_LISTENING ${url}`);

  // FFmpeg's reads block without a timeout once a client is connected, so a watchdog interrupts them when
  // nothing arrives for timeoutSeconds: first the handshake and publish (after the accept timeout), then data.
  let lastData = Date.now() + timeoutSeconds * 1000;
  let stalled = false;
  const watchdog = setInterval(() => {
    if (Date.now() - lastData > timeoutSeconds * 1000) {
      stalled = true;
      input.interrupt();
    }
  }, 250);

  let ret = await opening;
  if (ret < 0) {
    check(ret, stalled ? `a client connected to ${url} but did not publish within ${timeoutSeconds} s` : `no publisher connected to ${url} within ${timeoutSeconds} s`);
  }
  lastData = Date.now();

  try {
    ret = await input.findStreamInfo(null);
    if (ret < 0 && stalled) fail(`the publisher sent no stream within ${timeoutSeconds} s`);
    check(ret, "reading the published streams");
    say("UPLINK_PUBLISHING");

    const recording = new FormatContext();
    check(recording.allocOutputContext2(null, "flv", output), "cannot create the flv muxer");
    const map = new Map(); // input stream index -> { out, inTb }
    for (const s of input.streams) {
      const type = s.codecpar.codecType;
      if (type !== AVMEDIA_TYPE_VIDEO && type !== AVMEDIA_TYPE_AUDIO) continue;
      const out = recording.newStream(null);
      check(s.codecpar.copy(out.codecpar), "copying stream parameters");
      out.codecpar.codecTag = 0;
      out.timeBase = s.timeBase;
      map.set(s.index, { out, inTb: s.timeBase });
    }
    if (map.size === 0) fail("the publisher sent no video or audio stream");
    check(await recording.openOutput(), `cannot write ${output}`);
    check(await recording.writeHeader(null), "the flv muxer refused the published streams");

    const packet = new Packet();
    packet.alloc();
    const ignored = new Set();
    for (;;) {
      ret = await input.readFrame(packet);
      if (ret < 0) {
        if (stalled) fail(`the publisher sent nothing for ${timeoutSeconds} s`);
        // EOF, or the connection closed/reset by the publisher: either way it has gone.
        // (FFmpeg's RTMP server reads an I/O error when a client closes after deleteStream, as ffmpeg does.)
        if (ret !== AVERROR_EOF && ret !== AVERROR_EXIT) {
          process.stderr.write(`rtmp-listen.js: the publisher's connection ended (${FFmpegError.strerror(ret)}); closing the recording\n`);
        }
        break;
      }
      lastData = Date.now();
      const m = map.get(packet.streamIndex);
      if (!m) {
        // A stream that first appeared after the header was written cannot be added to the FLV.
        if (!ignored.has(packet.streamIndex)) {
          ignored.add(packet.streamIndex);
          process.stderr.write(`rtmp-listen.js: ignoring stream ${packet.streamIndex}, which started after the others\n`);
        }
        packet.unref();
        continue;
      }
      packet.streamIndex = m.out.index;
      packet.rescaleTs(m.inTb, m.out.timeBase);
      packet.pos = -1n;
      check(await recording.interleavedWriteFrame(packet), "recording a packet");
    }
    check(await recording.interleavedWriteFrame(null), "flushing the recording");
    check(await recording.writeTrailer(), "finishing the recording");
    await recording.closeOutput();
  } finally {
    clearInterval(watchdog);
  }
  await input.closeInput();
  say(`UPLINK_RECORD_CLOSED ${output}`);
  return 0;
});

function say(line) {
  // process.stdout is asynchronous on pipes; a test waits on these lines, so write them whole at once.
  process.stdout.write(`${line}\n`);
}

/**
 * Resolves once a socket owned by this process listens on 127.0.0.1:port (/proc/net/tcp state 0A, its
 * inode among our fds); fails when `opening` settles first (e.g. the port is taken) or after timeoutSeconds.
 */
async function waitForOwnListeningSocket(port, timeoutSeconds, opening) {
  let settled = null;
  opening.then((ret) => (settled = ret));
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const inodes = new Set();
    for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1] === local && f[3] === "0A") inodes.add(f[9]);
    }
    if (inodes.size > 0) {
      for (const fd of readdirSync("/proc/self/fd")) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
          if (m && inodes.has(m[1])) return;
        } catch {
          // The fd closed while we looked.
        }
      }
    }
    if (settled !== null) {
      check(settled < 0 ? settled : -1, `FFmpeg stopped before listening on 127.0.0.1:${port}`);
    }
    if (Date.now() > deadline) fail(`FFmpeg did not listen on 127.0.0.1:${port} within ${timeoutSeconds} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
