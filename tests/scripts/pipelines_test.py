#!/usr/bin/python3
"""No pipeline in a `set -o pipefail` script ends in a reader that stops
early (`grep -q`, `head`): once the writer has more to write than the pipe
holds, it gets SIGPIPE (curl: exit 23) and the pipeline fails although the
reader found what it looked for. That made scripts/test-image fail a fresh
CI run once /metrics outgrew 64 KiB. Read the output whole first
(`grep -q PATTERN <<<"$(command)"`), or let the first command stop itself
(`grep -m1`).

Usage: pipelines_test.py SOURCE_DIR   (exit 1 listing each such line)
"""
import os
import re
import sys

EARLY_READER = re.compile(r"\|\s*(grep\s+(-[A-Za-z]*q[A-Za-z]*|--quiet)\b|head\b)")


def shell_scripts(root):
    for folder in ("scripts", "bench", "tests", ".ci"):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in files:
                path = os.path.join(dirpath, name)
                try:
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                except (UnicodeDecodeError, OSError):
                    continue
                if text.startswith("#!") and ("bash" in text.split("\n", 1)[0] or "/sh" in text.split("\n", 1)[0]):
                    yield path, text


def offenders(root):
    found = []
    for path, text in shell_scripts(root):
        if "pipefail" not in text:
            continue
        heredoc = None
        for n, line in enumerate(text.split("\n"), 1):
            if heredoc is not None:  # another language's text (python3 - <<'PY' ...)
                if line.strip() == heredoc:
                    heredoc = None
                continue
            if line.lstrip().startswith("#"):
                continue
            m = re.search(r"<<-?\s*'?\"?(\w+)'?\"?", line)
            if EARLY_READER.search(line):
                found.append("%s:%d: %s" % (os.path.relpath(path, root), n, line.strip()))
            if m and "<<<" not in line:
                heredoc = m.group(1)
    return found


if __name__ == "__main__":
    bad = offenders(sys.argv[1])
    for line in bad:
        print(line)
    if bad:
        print("%d pipeline(s) end in a reader that stops early under pipefail (see this file's docstring)" % len(bad))
        sys.exit(1)
    print("no pipeline ends in grep -q or head under pipefail")
