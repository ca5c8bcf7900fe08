#!/usr/bin/env bash
# Coverage-guided fuzzing of Uplink with SharpFuzz + AFL++ (see README.md next to this script).
#
#   tests/Uplink.Fuzz/fuzz.sh                      every target, FUZZ_SECONDS (60) each, one after another
#   FUZZ_SECONDS=300 tests/Uplink.Fuzz/fuzz.sh flv mp4
#
# Environment: FUZZ_SECONDS (per target), FUZZ_OUT (work folder, default artifacts/fuzz), FUZZ_TIMEOUT_MS (afl -t,
# default 10000), FUZZ_SKIP_BUILD=1 (reuse the instrumented build in FUZZ_OUT/bin), FUZZ_CMIN=0 (skip afl-cmin).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${FUZZ_SECONDS:-60}"
out="${FUZZ_OUT:-$root/artifacts/fuzz}"
timeout_ms="${FUZZ_TIMEOUT_MS:-10000}"
bin="$out/bin"

# Tools: afl++ from the distribution, the sharpfuzz instrumenter as a .NET global tool.
if ! command -v afl-fuzz >/dev/null; then
  echo "installing afl++" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y afl++ >/dev/null; else sudo apt-get install -y afl++ >/dev/null; fi
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  echo "installing the sharpfuzz tool" >&2
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

# A fresh Release build in its own folder, its Uplink assemblies instrumented (the driver and the BCL are not).
if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
  rm -rf "$bin"
  dotnet build "$here/Uplink.Fuzz.csproj" -c Release -o "$bin" -v q -nologo >/dev/null
  for assembly in Uplink.dll Uplink.Media.dll Uplink.Server.dll; do
    sharpfuzz "$bin/$assembly" >/dev/null
  done
fi

if [ $# -eq 0 ]; then
  mapfile -t targets < <(dotnet "$bin/Uplink.Fuzz.dll" --list | awk '{print $1}')
else
  targets=("$@")
fi

# dotnet is not an instrumented binary (skip the check); crashes are exceptions the driver reports, not core dumps;
# no UI, a status line instead; -m none because the runtime maps far more address space than it uses.
export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
export AFL_SKIP_CRASHES=1 AFL_TMPDIR="${AFL_TMPDIR:-/tmp}" AFL_FORKSRV_INIT_TMOUT=60000
export DOTNET_TieredPGO=0 DOTNET_TC_QuickJitForLoops=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

summary="$out/summary.txt"
printf '%-10s %9s %11s %8s %8s %6s %s\n' target execs/s execs corpus crashes hangs findings > "$summary"
for target in "${targets[@]}"; do
  seeds="$here/Corpus/$target"
  if [ ! -d "$seeds" ]; then
    echo "no seed corpus for '$target' ($seeds)" >&2
    exit 2
  fi

  runs="$out/afl/$target"
  rm -rf "$runs"
  mkdir -p "$runs"
  dictionary=()
  if [ -f "$here/Dictionaries/$target.dict" ]; then dictionary=(-x "$here/Dictionaries/$target.dict"); fi
  echo "== $target: ${seconds} s" >&2
  afl-fuzz -i "$seeds" -o "$runs" -V "$seconds" -m none -t "$timeout_ms" "${dictionary[@]}" \
    -- dotnet "$bin/Uplink.Fuzz.dll" "$target" > "$runs/afl.log" 2>&1 || {
      echo "afl-fuzz failed for $target; the end of its log:" >&2
      tail -n 30 "$runs/afl.log" >&2
      exit 1
    }

  stats="$runs/default/fuzzer_stats"
  stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  findings="$out/findings/$target"
  mkdir -p "$findings"
  for kind in crashes hangs; do
    for f in "$runs/default/$kind"/id:*; do
      [ -e "$f" ] || continue
      cp "$f" "$findings/$kind-$(sha1sum "$f" | cut -c1-12)"
    done
  done

  # The queue, minimised to the smallest inputs that keep its coverage: where to pick corpus additions from.
  if [ "${FUZZ_CMIN:-1}" = 1 ]; then
    rm -rf "$out/cmin/$target"
    afl-cmin -i "$runs/default/queue" -o "$out/cmin/$target" -m none -t "$timeout_ms" \
      -- "$(command -v dotnet)" "$bin/Uplink.Fuzz.dll" "$target" > "$runs/cmin.log" 2>&1 || echo "afl-cmin failed for $target (see $runs/cmin.log)" >&2
  fi

  printf '%-10s %9s %11s %8s %8s %6s %s\n' "$target" "$(stat execs_per_sec)" "$(stat execs_done)" "$(stat corpus_count)" \
    "$(stat saved_crashes)" "$(stat saved_hangs)" "$findings" >> "$summary"
done

cat "$summary"
