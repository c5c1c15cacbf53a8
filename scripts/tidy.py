#!/usr/bin/env python3
"""clang-tidy over the product sources in src/ (every .cc but the tests),
with the checks in .clang-tidy; exits 1 on any finding.

A file found clean is remembered in ${KANJIAN_CACHE:-~/.cache/kanjian}/tidy
under a key made of the clang-tidy version, .clang-tidy, the file's compile
command and the bytes of the file and of every header of ours it includes,
so a run checks only what changed (Debian's headers are not in the key:
they change with an apt upgrade, which also changes the compiler flags' meaning
rarely enough not to matter here).

    scripts/tidy.py            check (the test command's `tidy` stage)
    scripts/tidy.py FILE…      check these files only, cache or not
"""
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build-tidy"
CACHE = Path(os.environ.get("KANJIAN_CACHE", Path.home() / ".cache/kanjian")) / "tidy"
INCLUDE = re.compile(rb'^\s*#\s*include\s+"([^"]+)"', re.M)
# The compile database is gcc's; clang does not know some of its warning flags.
EXTRA = ["--extra-arg=-Wno-unknown-warning-option", "--extra-arg=-Wno-error"]


def compile_database():
    # A configure only (no build): per-file commands whatever the main tree's
    # unity setting, and the generated headers CMake writes at configure time.
    subprocess.run(["cmake", "-S", ROOT, "-B", BUILD, "-DCMAKE_UNITY_BUILD=OFF"],
                   check=True, stdout=subprocess.DEVNULL)
    return {Path(e["file"]).resolve(): e for e in json.loads((BUILD / "compile_commands.json").read_text())}


def include_dirs(entry):
    args = shlex.split(entry["command"]) if "command" in entry else entry["arguments"]
    dirs = [Path(a[2:]) for a in args if a.startswith("-I")]
    dirs += [Path(args[i + 1]) for i, a in enumerate(args[:-1]) if a in ("-I", "-isystem")]
    return [d for d in dirs if str(d).startswith(str(ROOT))]


def closure(source, dirs):
    """The file and every header of ours it reaches, in a stable order."""
    seen, todo = set(), [source]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in INCLUDE.findall(path.read_bytes()):
            for base in [path.parent, *dirs]:
                candidate = (base / name.decode()).resolve()
                if candidate.is_file():
                    todo.append(candidate)
                    break
    return sorted(seen)


def key_of(source, entry, salt):
    h = hashlib.sha256(salt)
    # The checkout's own path left out, so every clone on a machine shares the cache.
    command = entry.get("command", " ".join(entry.get("arguments", [])))
    h.update(command.replace(str(ROOT), "<root>").encode())
    for path in closure(source, include_dirs(entry)):
        h.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def tidy(source):
    run = subprocess.run(["clang-tidy", "-p", BUILD, "--quiet", *EXTRA, source],
                         capture_output=True, text=True)
    findings = [line for line in run.stdout.splitlines() if re.search(r": (warning|error): ", line)]
    return run.returncode == 0 and not findings, run.stdout


def main():
    db = compile_database()
    if len(sys.argv) > 1:
        sources = [Path(a).resolve() for a in sys.argv[1:]]
    else:
        sources = sorted(p for p in db if p.is_relative_to(ROOT / "src") and not p.name.endswith("_test.cc"))
    salt = subprocess.run(["clang-tidy", "--version"], capture_output=True).stdout
    salt += (ROOT / ".clang-tidy").read_bytes()
    CACHE.mkdir(parents=True, exist_ok=True)
    keys = {s: key_of(s, db[s], salt) for s in sources}
    todo = [s for s in sources if len(sys.argv) > 1 or not (CACHE / keys[s]).exists()]
    failed = []
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        for source, (clean, output) in zip(todo, pool.map(tidy, todo)):
            if clean:
                (CACHE / keys[source]).touch()
            else:
                failed.append(source)
                sys.stdout.write(output)
    print(f"tidy: {len(sources)} files, {len(todo)} checked ({len(sources) - len(todo)} unchanged "
          f"since a clean check), {len(failed)} with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
