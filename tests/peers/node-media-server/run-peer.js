#!/usr/bin/env node
// Runs Node-Media-Server's own command line (bin/app.js, same arguments) as a test peer, with two
// changes that make it usable from tests:
//  1. A publish ends as soon as the publisher disconnects. NMS 4.4.3 otherwise holds the publish
//     (and keeps the recording open) for a 30 s "grace window" in case the same client resumes.
//     With --uplink-resume=MS (taken off the arguments) the window is MS milliseconds instead, for tests
//     of the resume itself that still want the recording closed soon after the publish ends.
//  2. When a recording's file has been flushed and closed, one line is printed on stdout:
//       UPLINK_RECORD_CLOSED <absolute path of the .flv>
//     so a test waits for an event instead of guessing when the file is complete.
"use strict";

const path = require("node:path");

const nmsRoot = path.dirname(require.resolve("node-media-server/package.json"));
const Context = require(path.join(nmsRoot, "src", "core", "context.js"));

const resumeArgument = process.argv.find((a) => a.startsWith("--uplink-resume="));
const graceMs = resumeArgument ? Number(resumeArgument.slice("--uplink-resume=".length)) : 0;

Context.eventEmitter.on("postPublish", (session) => {
  const broadcast = session.broadcast ?? Context.broadcasts.get(session.streamPath);
  if (broadcast) {
    broadcast.publishGraceMs = graceMs;
  }
});

Context.eventEmitter.on("doneRecord", (session) => {
  const report = () => console.log(`UPLINK_RECORD_CLOSED ${path.resolve(session.filePath)}`);
  if (session.fileStream.closed) {
    report();
  } else {
    session.fileStream.once("close", report);
  }
});

const app = path.join(nmsRoot, "bin", "app.js");
process.argv = [process.argv[0], app, ...process.argv.slice(2).filter((a) => a !== resumeArgument)];
require(app);
