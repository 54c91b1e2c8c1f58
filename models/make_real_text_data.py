#!/usr/bin/env python3
"""Turns the real text (models/corpus/real-text/real-text.jsonl.gz: chat,
GitHub comments, Stack Exchange titles, SMS, package summaries; written by
people, labelled by the data sets' authors; see its README) into labelled
items for `spamphibian train`, and writes its held-out part apart, in its own
format, for `spamphibian evaluate` (and the floors in tests/model/).

Why: a words model whose ordinary side is generated text learns its
generator; everything else people write then looks like the spam side. Real
ordinary text in every register is the ham side's ground.

How a text becomes an item (by a random draw seeded with the text's hash):
  * chat lines and messages: a note (body); a tenth of the SMS spam a
    user's bio;
  * comments: a note, a tenth a merge request's description;
  * issues (title and body): an issue, a fifth a wiki page;
  * titles: an issue's title (40 %), a merge request's title (10 %; a
    group's description for spam titles), or a note (half);
  * package summaries: a project's description (40 %), a group's (10 %),
    or a note (half).
  The judge of the model scores real text as notes, and so does production
  for comments; the rest keeps issues, merge requests, wiki pages, projects
  and groups from being known only through the generator. Snippets (code)
  and ordinary users' bios have no real text here yet.
  Half the items carry an author's account, drawn as make_training_data.py
  draws one for ordinary or spam content (age, mail domain, confirmed); half
  carry none (an embedded author), so that an item with no account says
  nothing about its label.

Split, fixed by the text alone: a text whose SHA-256 starts with a byte
below 0x33 (about 20 %) of every source is held out ("split": "heldout") and
never trained on. The data has no thread or channel ids; it is deduplicated.

No campaigns: texts gathered from many places are no stream of one
instance ("stream": false), as mail is not.

Weights: an ordinary text weighs 1 (there are 135,000 of them); a spam text
weighs SPAM_WEIGHT (there are about 1,000, all short messages and titles).

Usage: make_real_text_data.py OUT [HELDOUT]
"""
import gzip
import hashlib
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(ROOT, "corpus", "real-text", "real-text.jsonl.gz")
SPAM_WEIGHT = 4
MAX_TEXT = 20000

FREE = ["gmail.com", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "proton.me", "icloud.com", "mail.ru",
        "qq.com", "yandex.ru", "gmx.de"]
ORG = ["ethz.ch", "mit.edu", "cern.ch", "inria.fr", "tum.de", "acme-cloud.com", "paycorp.io", "datalab.org",
       "uni-heidelberg.de", "oddslab.io"]
DISPOSABLE = ["mailinator.com", "yopmail.com", "guerrillamail.com", "sharklasers.com", "trashmail.com"]


SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "del", "an", "jo", "sa", "ri", "mar", "el", "to", "ni", "be", "su",
             "ha", "ol", "kim", "li", "pa", "dre", "xu", "wen", "ta", "no", "gu", "ser", "fi"]


def username(rng):
    """A person's username: syllables, sometimes two parts, a fifth with a
    number at the end (as people pick them; "rt123" for every author would
    teach the model that trailing digits mean an ordinary person)."""
    part = lambda: "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    name = part() + (rng.choice([".", "_", "-", ""]) + part() if rng.random() < 0.4 else "")
    if rng.random() < 0.2:
        name += str(rng.randint(1, 9999))
    return name


def account(rng, spam):
    """An author's account as make_training_data.py's account() draws one
    for content items, or None (half the time: an author we know nothing of)."""
    if rng.random() < 0.5:
        return None
    if spam:
        domain = rng.choice(DISPOSABLE + FREE * 3 + ["gmail.com"] * 3)
        age = rng.choice([rng.uniform(0, 1), rng.uniform(0, 7), rng.uniform(0, 60), rng.uniform(0, 900)])
        confirmed = rng.random() < 0.75
    else:
        domain = rng.choice(FREE * 2 + ORG)
        age = rng.choice([rng.uniform(0, 1), rng.uniform(0, 30), rng.uniform(30, 4000), rng.uniform(300, 4000)])
        confirmed = rng.random() < 0.9
    return {"domain": domain, "age": age, "confirmed": confirmed, "disposable": domain in DISPOSABLE}


def as_item(rec, n, rng):
    """The item a text becomes: where people write that kind of text on a
    forge, so that the generator is not the only author of any type's
    ordinary side (snippets are the exception: no code here)."""
    text = rec["text"][:MAX_TEXT]
    kind, spam = rec["kind"], rec["label"] == "spam"
    r = rng.random()
    if kind == "issue":
        title, _, body = text.partition("\n\n")
        if r < 0.8:
            itype, texts = "issue", [["title", title[:255]], ["description", body]]
        else:
            itype, texts = "wiki_page", [["title", title[:255]], ["content", body]]
    elif kind == "title" and r < 0.4:
        itype, texts = "issue", [["title", text]]
    elif kind == "title" and r < 0.5:
        itype, texts = ("group", [["description", text]]) if spam else ("merge_request", [["title", text]])
    elif kind == "description" and r < 0.4:
        itype, texts = "project", [["description", text]]
    elif kind == "description" and r < 0.5:
        itype, texts = "group", [["description", text]]
    elif kind == "comment" and r < 0.1:
        itype, texts = "merge_request", [["title", text.split("\n")[0][:80]], ["description", text]]
    elif kind == "message" and spam and r < 0.1:
        itype, texts = "user", [["bio", text[:255]]]
    else:
        itype, texts = "note", [["body", text]]
    acct = account(rng, rec["label"] == "spam")
    author = {}
    signals = {"email_known": False}
    if acct is not None:
        uname = username(rng)
        author = {"id": 20000000 + n, "username": uname, "email": uname + "@" + acct["domain"],
                  "confirmed_at": "x" if acct["confirmed"] else ""}
        signals = {"email_known": True, "account_age_days": acct["age"], "email_confirmed": acct["confirmed"],
                   "disposable_email": acct["disposable"], "email_domain": acct["domain"]}
    # Only what the rendering reads: 170,000 lines of empty fields would
    # quadruple the file the package ships.
    item = {"type": itype, "id": "rt/%d" % n, "author": author, "text": [[k, v] for k, v in texts if v]}
    return item, signals


def main():
    out_path = sys.argv[1]
    heldout_path = sys.argv[2] if len(sys.argv) > 2 else None
    counts = {}
    heldout_out = open(heldout_path + ".tmp", "w", encoding="utf-8") if heldout_path else None
    with gzip.open(SOURCE, "rt", encoding="utf-8") as src, open(out_path + ".tmp", "w", encoding="utf-8") as out:
        for n, line in enumerate(src):
            rec = json.loads(line)
            digest = hashlib.sha256(rec["text"].encode("utf-8")).digest()
            split = "heldout" if digest[0] < 0x33 else "train"
            rng = random.Random(digest)
            item, signals = as_item(rec, n, rng)
            row = {"label": rec["label"], "split": split, "item": item, "signals": signals,
                   "family": "real/" + rec["source"], "stream": False, "weight": SPAM_WEIGHT if rec["label"] == "spam" else 1}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            if heldout_out is not None and split == "heldout":
                heldout_out.write(line if line.endswith("\n") else line + "\n")
            key = (rec["source"], rec["label"], split)
            counts[key] = counts.get(key, 0) + 1
    os.replace(out_path + ".tmp", out_path)
    if heldout_out is not None:
        heldout_out.close()
        os.replace(heldout_path + ".tmp", heldout_path)
    print("wrote %s: %d texts" % (out_path, sum(counts.values())), file=sys.stderr)


if __name__ == "__main__":
    main()
