#!/usr/bin/python3
"""Only scripts/configure configures build/ and build-asan/: when two
scripts configured build/ with different types or flags (scripts/run
RelWithDebInfo with -g, scripts/test with -g1, people with Release), each
switch recompiled the whole tree. Every other `cmake -S . -B build...` in
scripts/, bench/, tests/ and .ci/ is listed, and the test fails.

Usage: configure_test.py SOURCE_DIR
"""
import os
import re
import sys

CONFIGURE = re.compile(r"cmake\s+-S\s+\.\s+-B\s+\"?(build(-asan)?|\$build)\b")


def main(root):
    bad = []
    for folder in ("scripts", "bench", "tests", ".ci"):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in files:
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if rel == os.path.join("scripts", "configure") or rel.endswith("configure_test.py"):
                    continue
                try:
                    text = open(path, encoding="utf-8").read()
                except (UnicodeDecodeError, OSError):
                    continue
                for n, line in enumerate(text.split("\n"), 1):
                    if CONFIGURE.search(line) and not line.lstrip().startswith("#"):
                        bad.append("%s:%d: %s" % (rel, n, line.strip()))
    for line in bad:
        print(line)
    if bad:
        print("%d place(s) configure a build folder themselves: call scripts/configure" % len(bad))
        return 1
    print("every build folder is configured by scripts/configure")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
