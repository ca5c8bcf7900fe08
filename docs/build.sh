#!/usr/bin/env bash
# Builds the documentation site into artifacts/docs/: the API reference generated from the XML docs of the shipped
# libraries (src/*/*.csproj except the CLI), plus the articles in docs/. Runs offline with the docfx pinned in
# .config/dotnet-tools.json. Fails on any docfx warning and on a doc comment whose <see cref> points at something
# the reference does not show (an internal type renders as dead text, and docfx does not warn about it).
#
#   bash docs/build.sh      # then open artifacts/docs/index.html
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild node or build server outlives the script (docfx restores and loads the projects through MSBuild), so a
# caller that reads the script's output to the end (a test) is not left waiting for a process holding it open.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

dotnet tool restore >/dev/null

# Start clean, so a type that was removed or made internal leaves no page behind.
rm -rf docs/api artifacts/docs

echo "::: docfx metadata (API yml from src/*/*.csproj into docs/api/)"
if ! dotnet docfx metadata docs/docfx.json --logLevel warning --log "$log/metadata.json"; then
    echo "docs/build.sh: docfx metadata failed" >&2
    exit 1
fi
if problems=$(grep -E '"severity":"(warning|error)"' "$log/metadata.json"); then
    echo "docs/build.sh: docfx metadata warned:" >&2
    echo "$problems" >&2
    exit 1
fi

echo "::: docfx build (site into artifacts/docs/)"
if ! dotnet docfx build docs/docfx.json --warningsAsErrors; then
    echo "docs/build.sh: docfx build failed: a warning above (a broken link or xref) counts as an error" >&2
    exit 1
fi

# Every cref in the generated yml that names an Uplink API must be a page (or an anchor on one) of the site, i.e.
# a uid in the exported xrefmap. docfx writes the crefs URL-encoded ({ } and ,), the xrefmap does not.
sed -n 's/^- uid: //p' artifacts/docs/xrefmap.yml | sort -u >"$log/uids"
grep -oh '<xref href="Uplink[^"]*"' docs/api/*.yml | sed -e 's/^<xref href="//; s/"$//' \
    -e 's/%7[bB]/{/g; s/%7[dD]/}/g; s/%2[cC]/,/g; s/%60/`/g; s/%5[bB]/[/g; s/%5[dD]/]/g' | sort -u >"$log/crefs"
if dangling=$(comm -23 "$log/crefs" "$log/uids") && [ -n "$dangling" ]; then
    echo "docs/build.sh: doc comments link to APIs the reference does not show (internal or not shipped):" >&2
    echo "$dangling" | sed 's/^/  /' >&2
    grep -l -F -f <(echo "$dangling") docs/api/*.yml | sed 's/^/  in /' >&2 || true
    exit 1
fi

echo "docs/build.sh: artifacts/docs/index.html ($(find artifacts/docs/api -name '*.html' | wc -l) API pages)"
