#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""SPDX licence lines: every source file of the project (C, shell, Python, CMake) names its
licence on its first line (after a #! line).  `scripts/spdx.py --check` lists the files that
do not and exits 1 (the test docs.spdx); `scripts/spdx.py` adds the line where it is missing."""
import subprocess, sys, os

LICENSE = "BSD-2-Clause"
TAG = "SPDX-License-Identifier: " + LICENSE

def comment(path):
    if path.endswith((".c", ".h", ".c.in", ".h.in")):
        return "/* " + TAG + " */"
    if path.endswith(".1"):
        return '.\\" ' + TAG
    if path.endswith((".sh", ".py", ".txt", ".sbatch", ".bash", ".gp")) or \
            os.path.basename(path) in ("run", "_icmpsweep", "postinst") or path.startswith(".ci/"):
        return "# " + TAG
    return None

def sources(root):
    out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    for p in out:
        if not p or p.startswith(("tests/fuzz/corpus/", "tests/fixtures/", "bench/results/")):
            continue
        if comment(p) and os.path.isfile(os.path.join(root, p)):
            yield p

def has_tag(text):
    return TAG in "\n".join(text.split("\n")[:3])

def add(path, text):
    lines = text.split("\n")
    # After a #! line, and after zsh's #compdef, which must stay the first line.
    at = 1 if lines and lines[0].startswith(("#!", "#compdef")) else 0
    lines.insert(at, comment(path))
    return "\n".join(lines)

root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                      check=True, cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
missing = []
for p in sources(root):
    full = os.path.join(root, p)
    text = open(full, encoding="utf-8").read()
    if has_tag(text):
        continue
    if "--check" in sys.argv:
        missing.append(p)
    else:
        mode = os.stat(full).st_mode
        open(full, "w", encoding="utf-8").write(add(p, text))
        os.chmod(full, mode)
if missing:
    print("no '%s' line in:\n  %s" % (TAG, "\n  ".join(missing)))
    sys.exit(1)
