#!/usr/bin/env python3
"""Writes models/training_data.jsonl: GitLab-shaped labelled items for the
default spam model, {"label": "spam"|"ham", "item": {...}, "signals": {...}}
in the shapes the fetch and trust stages produce (see src/gitlab/item.h).

Deterministic (seeded). Many spam families (SEO profiles whose only signal is
a website, phone-number "customer care" scams, crypto recovery, essays,
pills, casino and betting in several languages, cracked software, loans,
hidden markdown links, obfuscated URLs) and hard legitimate content
(personal sites with links, vendors' staff, payment and crypto libraries,
empty profiles, READMEs full of badges, broken English). See
shared MODEL-NOTES: mail spam alone does not transfer to forge spam."""
import json
import random

rng = random.Random(42)

TLDS_SPAM = ["xyz", "top", "click", "shop", "pw", "bet", "vip", "ws", "loan", "trade", "ninja", "store", "site", "online", "club", "icu", "live"]
TLDS_HAM = ["dev", "io", "org", "com", "net", "de", "ch", "fr", "se", "jp", "edu", "me", "blog", "codes"]
DISPOSABLE = ["mailinator.com", "yopmail.com", "guerrillamail.com", "sharklasers.com", "trashmail.com", "10minutemail.com"]
FREE = ["gmail.com", "outlook.com", "proton.me", "yahoo.com", "hotmail.com", "fastmail.com", "posteo.de", "gmx.de"]
ORG = ["ethz.ch", "epfl.ch", "mit.edu", "cern.ch", "inria.fr", "kth.se", "tum.de", "acme-cloud.com", "paycorp.io", "datalab.org"]

def word(n=None):
    syll = ["ka", "lo", "mi", "ra", "te", "zu", "no", "be", "shi", "po", "an", "el", "or", "ix", "qu"]
    return "".join(rng.choice(syll) for _ in range(n or rng.randint(2, 4)))

def phone():
    return rng.choice(["+1-888-{}-{}", "+1 (800) {} {}", "1-877-{}-{}", "+44 7700 {}{}", "+91 98{} {}", "050 {} {}"]).format(
        rng.randint(100, 999), rng.randint(1000, 9999))

def spam_domain(topic):
    return f"{topic}-{word()}.{rng.choice(TLDS_SPAM)}"

def url(domain):
    path = rng.choice(["", "/", "/buy", "/promo?ref=" + word(), "/" + word() + ".html", "/go/" + str(rng.randint(1, 999))])
    return rng.choice(["https://", "http://", "https://www."]) + domain + path

def obfuscate(u):
    return rng.choice([u, u.replace(".", " . "), u.replace("https://", "hxxps://"), u.replace(".", "[.]"), u])

FAMILIES = {
    "seo": (["best seo services", "cheap backlinks", "rank #1 on google", "digital marketing agency", "guest posting service",
             "buy high da backlinks", "local seo experts", "web design company"], "seo"),
    "care": (["{brand} customer care number {phone}", "{brand} support phone number {phone} toll free 24/7",
              "call {phone} for {brand} help desk", "{brand} refund helpline {phone}", "{brand} error support {phone} call now"], "support"),
    "crypto": (["recover lost bitcoin", "crypto recovery experts, contact us on whatsapp {phone}",
                "we recover stolen usdt eth btc", "hire a crypto recovery hacker", "guaranteed bitcoin investment returns 300%"], "recovery"),
    "essay": (["buy essay online cheap", "essay writing service plagiarism free", "write my paper for me fast",
               "top grades guaranteed, order your dissertation now", "cheap assignment help"], "essays"),
    "pills": (["buy viagra without prescription", "cheap cialis online pharmacy", "tramadol overnight delivery",
               "keto gummies shark tank weight loss", "ivermectin buy online cheap"], "pharma"),
    "casino": (["best online casino free spins", "slot gacor hari ini", "situs judi slot online terpercaya",
                "casino bonus sans depot", "apuestas deportivas bono", "online casino echtgeld bonus", "daftar slot gacor maxwin"], "casino"),
    "crack": (["{software} crack keygen free download", "{software} full version activation key", "download {software} cracked",
               "{software} license key generator 2026"], "crack"),
    "loan": (["payday loans no credit check", "instant loan approval in 10 minutes", "bad credit loans guaranteed",
              "get cash today, apply online"], "loan"),
    "service": (["packers and movers in dubai call {phone}", "best escort service whatsapp {phone}", "cheap ray-ban outlet sale 90% off",
                 "buy tiktok followers and likes", "watch full movie online free hd", "airline reservations number {phone}"], "deals"),
}
BRANDS = ["QuickBooks", "Delta Airlines", "Coinbase", "Norton", "Outlook", "Cash App", "Binance", "Epson printer", "Geek Squad"]
SOFTWARE = ["Microsoft Office 2026", "Adobe Photoshop", "Windows 11 Pro", "FL Studio", "AutoCAD", "IDM", "Wondershare Filmora"]

def spam_text(family):
    templates, topic = FAMILIES[family]
    t = rng.choice(templates).format(brand=rng.choice(BRANDS), phone=phone(), software=rng.choice(SOFTWARE))
    return t, topic

def author(kind, age_days=None, email_domain=None):
    if kind == "spam":
        dom = email_domain or rng.choice(DISPOSABLE + FREE + FREE)
        age = age_days if age_days is not None else rng.choice([0.01, 0.1, 0.5, 2, 5, 20, 200])
        confirmed = rng.random() < 0.6
    else:
        dom = email_domain or rng.choice(FREE + ORG)
        age = age_days if age_days is not None else rng.choice([0.05, 3, 40, 400, 1500, 3000])
        confirmed = rng.random() < 0.95
    return dom, age, confirmed

def item(itype, texts, a, label, extra_signals=None):
    dom, age, confirmed = a
    username = (word() + rng.choice(["", "_", ".", ""]) + rng.choice(["", str(rng.randint(1, 2026))]))
    it = {"type": itype, "id": str(rng.randint(1, 10**6)), "event_type": "", "web_url": "", "visibility": "public",
          "created_at": "", "updated_at": "",
          "author": {"id": rng.randint(1, 10**6), "username": username, "name": "", "email": f"{username}@{dom}",
                     "email_source": "api", "state": "active", "is_admin": False, "bot": False, "created_at": "",
                     "confirmed_at": "x" if confirmed else "", "note": ""},
          "text": [[k, v] for k, v in texts if v], "refs": {}, "raw": {}}
    signals = {"account_age_days": age, "email_confirmed": confirmed, "email_known": True,
               "disposable_email": dom in DISPOSABLE, "email_domain": dom}
    if extra_signals:
        signals.update(extra_signals)
    return {"label": label, "item": it, "signals": signals}

HAM_BIOS = ["Backend engineer. Rust, Postgres, distributed systems.", "PhD student working on climate models (Fortran, Python).",
            "Frontend, accessibility, Vue.", "Maintainer of the payments SDK. Opinions are my own.", "DevOps, Kubernetes, Terraform, GitLab CI.",
            "Data scientist, bioinformatics pipelines in R and Snakemake.", "Student, learning Go and Linux. my english not so good sorry",
            "Security researcher, I report bugs responsibly.", "Game dev with Godot, check out my itch.io page!", "Technical writer for open-source docs.",
            "Sales engineer at a payment company, I help customers integrate our API.", "Crypto library contributor (libsodium bindings).",
            "Working on blockchain analytics for compliance.", "Support engineer at a SaaS vendor.", "", "", ""]
HAM_TITLES = ["Leader election stalls with 5 nodes", "Typo in README", "Support 3-D Secure 2 for card payments", "Restart files not written",
              "runner not start", "how to read file", "CI fails on arm64", "Add Bitcoin and Lightning payment support", "Update dependencies",
              "Crash when config is empty", "Docs: clarify install steps", "Improve error message for 401", "Memory leak in worker pool"]
HAM_BODIES = ["Steps to reproduce: start 5 nodes, kill the leader. Expected a new leader within 2 s.",
              "`cargo bulid` should be `cargo build`.", "Adyen requires 3DS2 next year, see https://docs.adyen.com/online-payments/3d-secure",
              "Job 4711 ran out of quota; we should check disk space before the run.",
              "hello, my runner not starting, error is x509 certificate signed by unknown authority what i do?",
              "I can reproduce this on main; looks like the timeout is not reset.", "LGTM, one nit in the log message.",
              "Thanks, this saved me an hour.", "See the upstream fix in https://github.com/org/project/pull/1234",
              "[![pipeline](https://gitlab.com/org/p/badges/main/pipeline.svg)](https://gitlab.com/org/p/-/commits/main) [![coverage](https://gitlab.com/org/p/badges/main/coverage.svg)](https://gitlab.com/org/p/-/commits/main)",
              "Please call me on +41 44 632 11 11 if the server room alarm goes off again (internal).",
              "The payment SDK supports Stripe, Adyen and crypto (BTC, ETH) checkouts.", "+1", "Fixed in !42, closing.",
              "This is a simple code for calculate sum, please review thank you", "```\nfn main() { println!(\"hello\"); }\n```"]

out = []
def add(x):
    out.append(x)

for _ in range(900):  # spam of every type and family
    fam = rng.choice(list(FAMILIES))
    t, topic = spam_text(fam)
    dom = spam_domain(topic)
    u = obfuscate(url(dom))
    itype = rng.choice(["user", "user", "user", "snippet", "issue", "note", "project", "group", "merge_request", "wiki_page"])
    a = author("spam")
    if itype == "user":
        style = rng.random()
        if style < 0.3:   # SEO profile: the only signal is the website
            texts = [("username", word() + str(rng.randint(1, 99))), ("name", rng.choice(["seo", t.split(",")[0], word()])),
                     ("website_url", url(dom))]
        else:
            texts = [("username", word()), ("name", t[:40]), ("bio", t + " " + rng.choice(["", u, "[click here](" + url(dom) + ")"])),
                     ("website_url", url(dom) if rng.random() < 0.7 else ""), ("location", rng.choice(["", "USA", "Dubai", "Jakarta", "London"]))]
    elif itype == "snippet":
        body = "\n".join(rng.choice([t, t + " " + u, u, "<a href=\"" + url(dom) + "\">" + t + "</a>"]) for _ in range(rng.randint(2, 20)))
        texts = [("title", t.title()), ("description", rng.choice(["", t])), ("file_names", word() + rng.choice([".txt", ".md", ".html"])),
                 ("content", body)]
    elif itype in ("issue", "merge_request", "wiki_page"):
        texts = [("title", t.capitalize()), ("description", t + ". " + rng.choice([u, "[" + t + "](" + url(dom) + ")", "Contact " + phone(), ""]))]
    elif itype == "note":
        texts = [("body", rng.choice([t + " " + u, t, "[" + t + "](" + url(dom) + ")", t + " " + phone()]))]
    else:
        texts = [("name", t[:50]), ("path", t[:30].replace(" ", "-")), ("description", t + " " + rng.choice(["", u]))]
    add(item(itype, texts, a, "spam"))

for _ in range(1300):  # legitimate content, including the hard cases
    itype = rng.choice(["user", "user", "user", "snippet", "issue", "note", "note", "project", "group", "merge_request", "wiki_page"])
    a = author("ham")
    site = rng.choice(["", "", f"https://{word()}.{rng.choice(TLDS_HAM)}", f"https://{word()}.github.io"])
    if itype == "user":
        texts = [("username", word() + rng.choice(["", ".", "_"]) + word(2)), ("name", word().title() + " " + word().title()),
                 ("bio", rng.choice(HAM_BIOS)), ("website_url", site), ("location", rng.choice(["", "Zurich", "Berlin", "Tokyo", "Cairo", "Lagos"])),
                 ("organization", rng.choice(["", "", "ETH Zurich", "Acme Cloud", "PayCorp", "CERN"]))]
    elif itype == "snippet":
        code = rng.choice(["def add(a, b):\n    return a + b\n", "SELECT id, name FROM users WHERE active;\n",
                           "runners:\n  privileged: false\n", ":focus-visible { outline: 3px solid #1f75cb; }\n",
                           "#!/bin/sh\nset -e\nmake test\n", "apiVersion: v1\nkind: ConfigMap\n"])
        texts = [("title", rng.choice(["helper", "CI config", "query", "focus ring", "Makefile snippet", word()])),
                 ("file_names", word() + rng.choice([".py", ".sql", ".yaml", ".css", ".sh"])), ("content", code * rng.randint(1, 5))]
    elif itype in ("issue", "merge_request", "wiki_page"):
        texts = [("title", rng.choice(HAM_TITLES)), ("description", rng.choice(HAM_BODIES))]
    elif itype == "note":
        texts = [("body", rng.choice(HAM_BODIES))]
    else:
        texts = [("name", word() + "-" + word()), ("path", word()), ("description", rng.choice(["", "Simulator for Raft", "Payment gateway SDK with crypto support",
                                                                                               "Helm values for runners", "my first go project", "README with badges"]))]
    add(item(itype, texts, a, "ham"))

rng.shuffle(out)
with open("models/training_data.jsonl", "w") as f:
    for x in out:
        f.write(json.dumps(x, ensure_ascii=False) + "\n")
print(len(out), "items;", sum(x["label"] == "spam" for x in out), "spam")
