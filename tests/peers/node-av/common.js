// Helpers shared by the node-av peer scripts: argument parsing, one-line failures, FFmpeg errors.
// node-av is ESM only, so these scripts are ES modules ("type": "module" in package.json).
import { basename } from "node:path";
import { FFmpegError, Log } from "node-av/lib";
import { AV_LOG_ERROR } from "node-av/constants";

const script = basename(process.argv[1] ?? "node-av");

/** Prints one line `SCRIPT: message` on stderr and exits 1 (the tests show stderr on failure). */
export function fail(message) {
  process.stderr.write(`${script}: ${String(message).split("\n")[0]}\n`);
  process.exit(1);
}

/** Runs main, turning any thrown error into a one-line failure. */
export function run(main) {
  // FFmpeg's own warnings go to stderr unfiltered by default; errors are all the tests need to see.
  Log.setLevel(AV_LOG_ERROR);
  main().then(
    (code) => process.exit(code ?? 0),
    (error) => fail(error instanceof Error ? error.message : error),
  );
}

/** Throws `what: FFmpeg's message` when ret is a negative AVERROR. */
export function check(ret, what) {
  if (typeof ret === "number" && ret < 0) {
    throw new Error(`${what}: ${FFmpegError.strerror(ret)} (${ret})`);
  }
  return ret;
}

/**
 * Splits argv into positionals and --options. `spec` maps option names to "flag" (no value) or
 * "value"; anything else fails with the usage line.
 */
export function parseArgs(argv, spec, usage, positionalCount) {
  const positionals = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(`usage: ${usage}\n`);
      process.exit(0);
    }
    if (arg.startsWith("--")) {
      const name = arg.slice(2);
      const kind = spec[name];
      if (kind === "flag") {
        options[name] = true;
      } else if (kind === "value") {
        if (i + 1 >= argv.length) fail(`--${name} needs a value; usage: ${usage}`);
        options[name] = argv[++i];
      } else {
        fail(`unknown option ${arg}; usage: ${usage}`);
      }
    } else {
      positionals.push(arg);
    }
  }
  if (positionals.length !== positionalCount) {
    fail(`expected ${positionalCount} argument(s), got ${positionals.length}; usage: ${usage}`);
  }
  return { positionals, options };
}

/** Parses a positive number option, failing with its name when it is not one. */
export function positiveNumber(value, name, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got ${value}`);
  return n;
}
