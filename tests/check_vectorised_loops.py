#!/usr/bin/env python3
"""Every loop marked `// [vectorised]` must be vectorised with AVX2 or AVX-512.

The device batch's stages and the noise paths are loops over devices
compiled for AVX-512, AVX2 and the baseline (target_clones). GCC keeps a
loop scalar without a word where, for instance, its results might overlap
what it reads through an index; two such loops ran scalar for many
versions while believed vectorised. This recompiles each source file that
has markers, exactly as the build does (compile_commands.json), with
GCC's vectorisation report, and fails unless every marked line reports a
loop vectorised with 32- or 64-byte vectors.

usage: check_vectorised_loops.py BUILD_DIR/compile_commands.json
Exits 77 (skipped) for a compiler other than GCC, whose report this reads.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

MARKER = "// [vectorised]"
REPORT = re.compile(r"^(.*?):(\d+):\d+: optimized: loop vectorized using (\d+) byte vectors")


def marked_lines(path):
    with open(path, encoding="utf-8") as source:
        return [n for n, line in enumerate(source, 1) if MARKER in line]


def build_command(entry):
    """The file's build command, without a compiler launcher (ccache)."""
    words = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    if os.path.basename(words[0]) == "ccache":  # the compiler itself, not a cached report
        words = words[1:]
    return words


def is_gcc(compiler):
    try:
        done = subprocess.run([compiler, "--version"], capture_output=True, text=True)
    except OSError:
        return False
    return done.returncode == 0 and "Free Software Foundation" in done.stdout


def compile_with_report(entry, output):
    """The file's build command with GCC's vectorisation report, into `output`."""
    words = build_command(entry)
    command = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "-o":
            command += ["-o", output]
            skip = True
        else:
            command.append(word)
    command.append("-fopt-info-vec-optimized")
    done = subprocess.run(command, cwd=entry["directory"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{entry['file']}: the compiler failed:\n{done.stderr}")
    return done.stderr


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        with open(sys.argv[1], encoding="utf-8") as database:
            entries = json.load(database)
    except (OSError, ValueError) as error:
        sys.exit(f"{sys.argv[1]}: cannot read the compile commands ({error})")
    checked, failures, unreached, seen = 0, [], [], set()
    with tempfile.TemporaryDirectory() as scratch:
        for entry in entries:
            path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
            lines = marked_lines(path) if path.endswith(".cc") else []
            seen.add(path)
            if not lines:
                continue
            if not is_gcc(build_command(entry)[0]):
                print(f"{entry['file']}: not compiled by GCC; the check reads GCC's report")
                sys.exit(77)
            widest = {}
            for report in compile_with_report(entry, os.path.join(scratch, "object.o")).splitlines():
                match = REPORT.match(report)
                if match and os.path.realpath(os.path.join(entry["directory"], match[1])) == path:
                    line = int(match[2])
                    widest[line] = max(widest.get(line, 0), int(match[3]))
            for line in lines:
                checked += 1
                if widest.get(line, 0) < 32:
                    failures.append(f"{path}:{line}: marked {MARKER} but "
                                    + (f"vectorised with {widest[line]}-byte vectors only"
                                       if line in widest else "not vectorised"))
    if checked == 0:
        sys.exit(f"no loop marked {MARKER} in the sources of {sys.argv[1]}")
    # A marker where no build command reaches it (a header, a file not built) is not checked.
    root = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for folder in ("solver", "materials", "circuits", "mesh"):
        for directory, _, names in os.walk(os.path.join(root, folder)):
            for name in names:
                path = os.path.join(directory, name)
                if name.endswith((".cc", ".h")) and path not in seen and marked_lines(path):
                    unreached.append(f"{path}: loops marked {MARKER} that no build command compiles")
    for failure in failures + unreached:
        print(failure)
    print(f"{checked - len(failures)} of {checked} marked loops vectorised with AVX2 or AVX-512")
    sys.exit(1 if failures or unreached else 0)


if __name__ == "__main__":
    main()
