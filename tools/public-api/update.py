#!/usr/bin/env python3
"""Brings the shipped projects' PublicAPI.Unshipped.txt in line with the code.

The PublicApiAnalyzers fail the build when the public surface changes (RS0016: a public symbol the files do not
list; RS0017: a listed symbol that is gone). After a deliberate change, run this from the repository root: it builds
the shipped projects, adds what RS0016 names and removes what RS0017 names, and repeats until the build is clean
(a project whose dependency failed is only checked once that dependency builds). Review the diff of the
PublicAPI files like any other change: it is the public API change.
"""
import pathlib
import re
import subprocess
import sys

PROJECTS = ["Uplink", "Uplink.Media", "Uplink.Server", "Uplink.Hosting", "Uplink.Cli"]
DIAGNOSTIC = re.compile(r"^(?P<file>.+?)\(\d+,\d+\): error (?P<id>RS0016|RS0017): Symbol '(?P<symbol>.+?)' (?:is not part|is part) .*\[(?P<project>.+?\.csproj)\]$")


def build() -> str:
    output = ""
    for project in PROJECTS:
        result = subprocess.run(["dotnet", "build", "-v", "q", "-nologo", f"src/{project}/{project}.csproj"],
                                capture_output=True, text=True)
        output += result.stdout + result.stderr
    return output


def main() -> int:
    for _ in range(6):
        added: dict[pathlib.Path, set[str]] = {}
        removed: dict[pathlib.Path, set[str]] = {}
        for line in build().splitlines():
            m = DIAGNOSTIC.match(line.strip())
            if not m:
                continue
            unshipped = pathlib.Path(m["project"]).parent / "PublicAPI.Unshipped.txt"
            (added if m["id"] == "RS0016" else removed).setdefault(unshipped, set()).add(m["symbol"])
        if not added and not removed:
            print("public API files match the code")
            return 0
        for path in set(added) | set(removed):
            lines = [l for l in path.read_text().splitlines() if l and l != "#nullable enable"]
            lines = sorted((set(lines) - removed.get(path, set())) | added.get(path, set()), key=str.lower)
            path.write_text("#nullable enable\n" + "".join(l + "\n" for l in lines))
            print(f"{path}: +{len(added.get(path, ()))} -{len(removed.get(path, ()))}")
    print("still changing after 6 builds; run again or look at the build output", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
