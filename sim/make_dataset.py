#!/usr/bin/env python3
"""Writes sim/dataset.json: the GitLab simulator's content, in GitLab API v4
response shapes. A deterministic mix of spam (many families) and ordinary
developers' content, of every item type. Run again after editing; the
output is committed."""
import json
import random

rng = random.Random(20261125)
BASE = "http://gitlab.sim"
T0 = "2026-11-20T10:00:00.000Z"

SPAM_USERS = [
    ("seo_links_4u", "Best SEO Services", "", "https://cheap-backlinks.example.xyz", "", ""),
    ("quickbooks_help_desk", "QuickBooks Support", "Call +1-888-555-0199 QuickBooks customer care number 24/7 toll free", "https://qb-support-247.example.top", "USA", ""),
    ("crypto_recovery_pro", "Recover Lost Bitcoin", "Lost your crypto to scammers? We recover stolen BTC, ETH, USDT. WhatsApp +44 7700 900123", "https://crypto-recovery.example.click", "", "Recovery Experts"),
    ("essay_writer_cheap", "Essay Writing Service", "Buy essays online, 100% plagiarism free, top grades guaranteed. Order now!", "https://best-essays.example.shop", "", ""),
    ("buy_pills_online", "Online Pharmacy", "Buy viagra cialis without prescription, discreet shipping worldwide", "https://rx-pharma.example.pw", "", ""),
    ("casino_bonus_888", "Casino Bonus", "Best online casino 2026, free spins, instant withdrawal. Slot gacor hari ini!", "https://casino-777.example.bet", "Jakarta", ""),
    ("judi_slot_gacor", "Situs Slot Gacor", "Daftar situs judi slot online terpercaya, bonus new member 100%", "https://slot-gacor.example.vip", "Indonesia", ""),
    ("ivermectin_shop", "Pharma Store", "Ivermectin 12mg buy online cheap price", "", "", ""),
    ("office_crack_2026", "Cracked Software", "Download Microsoft Office 2026 crack + keygen free full version", "https://free-crack.example.ws", "", ""),
    ("fast_loans_today", "Instant Loans", "Get a payday loan in 10 minutes, no credit check, bad credit OK", "https://loan-now.example.loan", "", ""),
    ("movers_dubai_best", "Best Movers Dubai", "Packers and movers in Dubai, call 050 123 4567", "https://movers-dubai.example.ae", "Dubai", "Movers LLC"),
    ("escort_service_vip", "VIP Service", "Call girls available 24/7, whatsapp now", "https://vip-girls.example.xxx", "", ""),
    ("cheap_rayban_sale", "Sunglasses Outlet", "Ray-Ban sunglasses 90% off outlet sale", "https://rayban-outlet.example.store", "", ""),
    ("tiktok_followers_buy", "Buy Followers", "Buy TikTok followers and likes, real and cheap", "https://followers.example.io", "", ""),
    ("keto_diet_pills", "Keto Gummies", "Keto gummies shark tank weight loss fast results", "https://keto-gummies.example.health", "", ""),
    ("airline_reservation", "Airlines Booking Number", "Delta airlines reservations phone number +1 (800) 555-0142 call now", "", "", ""),
    ("watch_movies_free", "Watch Free Movies", "Watch full movie online free HD 1080p streaming [click here](https://movies.example.cc)", "", "", ""),
    ("bestseo2026", "seo", "", "https://seo-agency.example.agency", "", ""),
    ("forex_signals_vip", "Forex Signals", "Guaranteed 300% profit forex trading signals, join telegram", "https://fx-signals.example.trade", "", ""),
    ("hacker_for_hire", "Hire A Hacker", "Hire a hacker to recover accounts, spy on phones, change grades", "https://hackers.example.ninja", "", ""),
]
HAM_USERS = [
    ("alice", "Alice Martin", "Backend engineer. Rust, Postgres, distributed systems.", "https://alice.dev", "Zurich", "ETH Zurich", "Research Software Engineer"),
    ("bob_k", "Bob Keller", "", "", "", "", ""),
    ("carol.nguyen", "Carol Nguyen", "Maintainer of the payments SDK. Opinions are my own.", "https://carol.codes", "Berlin", "Stripe-like GmbH", "Staff Engineer"),
    ("dpatel", "Deepak Patel", "PhD student working on climate models (Fortran, Python).", "https://dpatel.github.io", "Lausanne", "EPFL", "PhD student"),
    ("eva", "Eva Rossi", "Frontend, accessibility, Vue. I write about CSS at my blog.", "https://eva-rossi.blog", "Milano", "", "Frontend developer"),
    ("fjohansson", "Fredrik Johansson", "", "https://fredrik.se", "Stockholm", "", ""),
    ("gabriel", "Gabriel Silva", "Desenvolvedor de software livre. Contribuo para projetos de dados.", "", "São Paulo", "", ""),
    ("hana.sato", "佐藤 花", "機械学習エンジニア。PyTorch と JAX を使っています。", "https://hana.jp", "Tokyo", "", "ML engineer"),
    ("ivan_petrov", "Ivan Petrov", "Кросс-платформенная разработка, C++ и Qt.", "", "Sofia", "", ""),
    ("jwilson", "James Wilson", "DevOps. Kubernetes, Terraform, GitLab CI. Crypto library contributor (libsodium bindings).", "https://jwilson.io", "London", "Acme Cloud", "SRE"),
    ("kim.lee", "Kim Lee", "", "", "", "", ""),
    ("lucia", "Lucía Fernández", "Data scientist. Bioinformatics pipelines, R and Snakemake.", "https://lucia.science", "Madrid", "CNIO", ""),
    ("mohammed.a", "Mohammed Ali", "Student, learning Go and Linux. My english is not so good sorry.", "", "Cairo", "", "Student"),
    ("nina.k", "Nina Kowalski", "Security researcher. I report bugs responsibly.", "https://nina-sec.pl", "Warsaw", "", "Security engineer"),
    ("oscar", "Oscar Dubois", "Payment gateway integrations, PCI DSS, billing systems.", "https://oscar.fr", "Lyon", "PayCo", "Engineer"),
    ("project_bot_7", "Project bot", "", "", "", "", ""),
    ("admin", "Administrator", "", "", "", "", ""),
    ("quentin", "Quentin Moreau", "Game dev with Godot. Check out my itch.io page!", "https://quentin.itch.io", "Paris", "", ""),
    ("rachel", "Rachel Green", "Technical writer for open-source docs.", "https://rachelwrites.net", "Dublin", "", "Technical writer"),
    ("sam.verified", "Sam Okafor", "Maintainer.", "https://sam.ng", "Lagos", "", ""),
]

users = []
uid = 100
spam_ids, ham_ids = [], []
for i, (username, name, bio, web, loc, org) in enumerate(SPAM_USERS):
    uid += 1
    domain = rng.choice(["mailinator.com", "guerrillamail.com", "yopmail.com", "gmail.com", "outlook.com", "proton.me"])
    users.append({"id": uid, "username": username, "name": name, "state": "active", "bio": bio,
                  "website_url": web, "location": loc, "organization": org, "job_title": "",
                  "email": f"{username}@{domain}", "public_email": "", "is_admin": False, "bot": False,
                  "created_at": f"2026-11-2{i % 5}T0{i % 10}:15:00.000Z", "confirmed_at": None if i % 3 == 0 else T0,
                  "note": "", "web_url": f"{BASE}/{username}", "skype": "", "linkedin": "", "twitter": "", "discord": "",
                  "label": "spam"})
    spam_ids.append(uid)
for i, (username, name, bio, web, loc, org, job) in enumerate(HAM_USERS):
    uid += 1
    domain = {"alice": "ethz.ch", "dpatel": "epfl.ch", "lucia": "cnio.es", "jwilson": "acme-cloud.com",
              "admin": "example.com", "sam.verified": "gmail.com"}.get(username, rng.choice(["gmail.com", "posteo.de", "fastmail.com", "outlook.com"]))
    users.append({"id": uid, "username": username, "name": name, "state": "active", "bio": bio,
                  "website_url": web, "location": loc, "organization": org, "job_title": job,
                  "email": f"{username.replace('.', '_')}@{domain}", "public_email": "",
                  "is_admin": username == "admin", "bot": username == "project_bot_7",
                  **({"user_type": "project_bot"} if username == "project_bot_7" else {}),
                  "created_at": f"20{19 + i % 6}-0{1 + i % 9}-1{i % 10}T08:00:00.000Z", "confirmed_at": T0,
                  "note": "[spamphibian:verified] contributor" if username == "sam.verified" else "",
                  "web_url": f"{BASE}/{username}", "skype": "", "linkedin": "", "twitter": "", "discord": "",
                  "label": "ham"})
    ham_ids.append(uid)
by_name = {u["username"]: u for u in users}

groups, members = [], {}
GROUPS = [("research-software", "Research software of the lab", "ham", "alice"),
          ("payments", "Payment SDKs and tools", "ham", "carol.nguyen"),
          ("climate", "Climate modelling", "ham", "dpatel"),
          ("best-casino-bonus-2026", "Online casino free spins bonus, slot gacor", "spam", "casino_bonus_888"),
          ("qb-support-number", "QuickBooks support phone number +1-888-555-0199", "spam", "quickbooks_help_desk"),
          ("crypto-recovery-experts", "Recover stolen crypto, contact us on WhatsApp", "spam", "crypto_recovery_pro")]
for i, (path, desc, label, owner) in enumerate(GROUPS):
    gid = 200 + i
    groups.append({"id": gid, "name": path.replace("-", " ").title(), "path": path, "full_path": path,
                   "description": desc, "visibility": "public", "web_url": f"{BASE}/groups/{path}",
                   "created_at": T0, "label": label})
    o = by_name[owner]
    other = by_name["rachel"] if label == "ham" else by_name["seo_links_4u"]
    members[str(gid)] = [{"id": o["id"], "username": o["username"], "name": o["name"], "state": "active", "access_level": 50},
                         {"id": other["id"], "username": other["username"], "name": other["name"], "state": "active", "access_level": 30}]

projects = []
PROJECTS = [("alice", "consensus-sim", "Simulator for Raft and Paxos in Rust", "ham"),
            ("carol.nguyen", "payments-sdk", "Payment gateway SDK with Stripe, Adyen and crypto (BTC) support", "ham"),
            ("dpatel", "icon-runs", "Run scripts for ICON climate model experiments", "ham"),
            ("eva", "a11y-checklist", "Accessibility checklist for Vue apps", "ham"),
            ("jwilson", "k8s-gitlab-runner", "Helm values for GitLab runners on Kubernetes", "ham"),
            ("lucia", "rnaseq-pipeline", "Snakemake RNA-seq pipeline", "ham"),
            ("mohammed.a", "my-first-go", "learning go, please give advice", "ham"),
            ("quentin", "godot-platformer", "A small platformer game made with Godot 4", "ham"),
            ("essay_writer_cheap", "buy-essay-online", "Buy essay online cheap, best essay writing service, order now", "spam"),
            ("office_crack_2026", "office-2026-crack", "Microsoft Office 2026 crack keygen free download full version", "spam"),
            ("casino_bonus_888", "slot-gacor-hari-ini", "Situs slot gacor hari ini, link alternatif terbaru", "spam"),
            ("fast_loans_today", "payday-loans-no-credit-check", "Payday loans online same day, no credit check", "spam"),
            ("watch_movies_free", "watch-movie-online-free-hd", "Watch movie online free full HD streaming", "spam")]
for i, (owner, path, desc, label) in enumerate(PROJECTS):
    pid = 300 + i
    o = by_name[owner]
    projects.append({"id": pid, "name": path, "path": path, "path_with_namespace": f"{owner}/{path}",
                     "description": desc, "visibility": "public", "creator_id": o["id"],
                     "owner": {"id": o["id"], "username": owner}, "topics": [],
                     "web_url": f"{BASE}/{owner}/{path}", "created_at": T0, "updated_at": T0, "label": label})
# READMEs (the fetch stage reads them): a link farm says everything there.
README = {"consensus-sim": "# consensus-sim\n\nRaft and Paxos in a deterministic simulator. `cargo test` runs the suite.\n",
          "watch-movie-online-free-hd": "# Watch movies online free\n\n" + "Watch full movie free HD 1080p streaming, no sign up: https://movies.example.cc/watch\n" * 20}
for p in projects:
    if p["path"] in README:
        p["readme"] = README[p["path"]]

issues, merge_requests, notes, wikis, snippets = [], [], [], [], []
ISSUES = [(300, "alice", "Leader election stalls with 5 nodes", "Steps: start 5 nodes, kill the leader. Expected a new leader within 2 s; got none after 30 s.", "ham"),
          (300, "fjohansson", "Typo in README", "`cargo bulid` should be `cargo build`.", "ham"),
          (301, "oscar", "Support 3-D Secure 2 for card payments", "Adyen requires 3DS2 from next year. See https://docs.adyen.com for the flow.", "ham"),
          (301, "crypto_recovery_pro", "Lost bitcoin? Contact the recovery experts", "We recovered $2M of stolen crypto for our clients. WhatsApp +44 7700 900123 or visit https://crypto-recovery.example.click", "spam"),
          (302, "dpatel", "Restart files not written on Piz Daint", "Job 4711 ran out of quota; we should check disk space before the run.", "ham"),
          (303, "airline_reservation", "Delta Airlines reservations number", "Call +1 (800) 555-0142 for Delta airlines booking, cancellation and refund. Toll free 24/7.", "spam"),
          (304, "mohammed.a", "runner not start", "hello, my runner not starting, error is 'x509: certificate signed by unknown authority' what i do?", "ham"),
          (305, "essay_writer_cheap", "Best essay writing service 2026", "Need an essay fast? [Order here](https://best-essays.example.shop) — cheap and plagiarism free!", "spam"),
          (306, "mohammed.a", "how to read file", "I try os.ReadFile but get error. thank you for help", "ham"),
          (307, "casino_bonus_888", "Slot gacor hari ini bonus 100%", "Daftar sekarang di https://casino-777.example.bet — free spins, jackpot, withdraw cepat!!!", "spam")]
for i, (pid, author, title, desc, label) in enumerate(ISSUES):
    a = by_name[author]
    iid = i + 1
    issues.append({"id": 400 + i, "iid": iid, "project_id": pid, "title": title, "description": desc,
                   "state": "opened", "confidential": False, "author": {"id": a["id"], "username": author},
                   "web_url": f"{BASE}/p/{pid}/-/issues/{iid}", "created_at": T0, "updated_at": T0, "label": label})
MRS = [(300, "alice", "Add pre-vote to avoid disruptive elections", "Implements the PreVote extension from the Raft thesis, section 9.6.", "ham"),
       (303, "rachel", "Fix heading order", "h3 came before h2 in the checklist.", "ham"),
       (307, "keto_diet_pills", "Update README", "Keto gummies shark tank, buy now at https://keto-gummies.example.health best price!!", "spam")]
for i, (pid, author, title, desc, label) in enumerate(MRS):
    a = by_name[author]
    merge_requests.append({"id": 500 + i, "iid": i + 1, "project_id": pid, "title": title, "description": desc,
                           "state": "opened", "author": {"id": a["id"], "username": author},
                           "web_url": f"{BASE}/p/{pid}/-/merge_requests/{i + 1}", "created_at": T0, "updated_at": T0,
                           "label": label})
NOTES = [("Issue", 300, 1, "carol.nguyen", "I can reproduce this on main; looks like the election timeout is not reset.", "ham"),
         ("Issue", 300, 1, "buy_pills_online", "Buy cheap pills online without prescription https://rx-pharma.example.pw", "spam"),
         ("Issue", 301, 3, "jwilson", "+1, we need this before March.", "ham"),
         ("Issue", 301, 3, "quickbooks_help_desk", "For QuickBooks help call +1-888-555-0199 (toll free) customer care 24/7", "spam"),
         ("Issue", 304, 7, "nina.k", "You need to add your CA to the runner's config: `tls-ca-file`.", "ham"),
         ("Issue", 304, 7, "hacker_for_hire", "Contact a professional hacker to fix any problem, hackers.example.ninja", "spam"),
         ("MergeRequest", 300, 1, "fjohansson", "LGTM, one nit in the log message.", "ham"),
         ("MergeRequest", 300, 1, "forex_signals_vip", "Make 300% profit with our forex signals! Join telegram t.me/fxsignals", "spam"),
         ("Snippet", 300, 700, "alice", "Thanks, this saved me an hour.", "ham"),
         ("Snippet", 300, 700, "tiktok_followers_buy", "buy tiktok followers cheap https://followers.example.io", "spam")]
for i, (ntype, pid, parent, author, body, label) in enumerate(NOTES):
    a = by_name[author]
    notes.append({"id": 600 + i, "noteable_type": ntype, "project_id": pid, "parent": parent, "body": body,
                  "system": False, "author": {"id": a["id"], "username": author},
                  "created_at": T0, "updated_at": T0, "label": label})
WIKIS = [(300, "Home", "home", "alice", "# Consensus simulator\n\nSee the design notes under [Design](design).", "ham"),
         (300, "Design/Timers", "design/timers", "alice", "Election timeouts are randomised between 150 and 300 ms.", "ham"),
         (305, "Free movies", "free-movies", "watch_movies_free", "Watch full movies free online HD https://movies.example.cc stream now", "spam")]
for i, (pid, title, slug, author, content, label) in enumerate(WIKIS):
    wikis.append({"project_id": pid, "title": title, "slug": slug, "content": content, "format": "markdown",
                  "author_id": by_name[author]["id"], "label": label})
SNIPPETS = [("alice", "raft_test.rs", "Minimal Raft election test", "", "fn main() {\n    let cluster = Cluster::new(5);\n    cluster.kill_leader();\n    assert!(cluster.wait_for_leader(Duration::from_secs(2)));\n}\n", "ham"),
            ("jwilson", "values.yaml", "GitLab runner Helm values", "for k8s executors", "runners:\n  privileged: false\n  config: |\n    [[runners]]\n      executor = \"kubernetes\"\n", "ham"),
            ("eva", "focus.css", "Visible focus ring", "", ":focus-visible {\n  outline: 3px solid #1f75cb;\n}\n", "ham"),
            ("lucia", "Snakefile", "RNA-seq rule", "", "rule align:\n    input: 'reads/{s}.fq'\n    output: 'bam/{s}.bam'\n    shell: 'star --readFilesIn {input}'\n", "ham"),
            ("office_crack_2026", "office-2026-activator.txt", "Office 2026 Activator Free Download", "crack keygen full version", "Download Microsoft Office 2026 crack with activator key free full version: https://free-crack.example.ws/office\n" * 40, "spam"),
            ("quickbooks_help_desk", "quickbooks.txt", "QuickBooks Customer Care Number +1-888-555-0199", "", "QuickBooks support phone number +1-888-555-0199 ☎ call now, QuickBooks payroll support, QuickBooks error help\n" * 30, "spam"),
            ("judi_slot_gacor", "slot.md", "Link Slot Gacor Hari Ini", "", "Situs slot gacor hari ini gampang menang, daftar di https://slot-gacor.example.vip\n", "spam"),
            ("movers_dubai_best", "movers.html", "Best Movers in Dubai", "", "<a href=\"https://movers-dubai.example.ae\">movers dubai</a> call 050 123 4567 packers and movers\n", "spam")]
for i, (author, fname, title, desc, content, label) in enumerate(SNIPPETS):
    a = by_name[author]
    sid = 700 + i
    snippets.append({"id": sid, "title": title, "description": desc, "file_name": fname,
                     "files": [{"path": fname, "raw_url": f"{BASE}/-/snippets/{sid}/raw/main/{fname}"}],
                     "visibility": "public", "project_id": None, "author": {"id": a["id"], "username": author},
                     "web_url": f"{BASE}/-/snippets/{sid}", "created_at": T0,
                     "updated_at": f"2026-11-2{i % 5}T12:00:00.000Z", "content": content, "label": label})
# Merge requests' diffs (the fetch stage reads them): the spam one adds a link.
for mr in merge_requests:
    if mr["label"] == "spam":
        mr["diffs"] = [{"old_path": "README.md", "new_path": "README.md",
                        "diff": "@@ -1,3 +1,4 @@\n # Project\n+Best [keto gummies](https://keto-gummies.example.health) deals!\n"}]
    else:
        mr["diffs"] = [{"old_path": "src/main.rs", "new_path": "src/main.rs", "diff": "@@ -1 +1 @@\n-fn old() {}\n+fn new() {}\n"}]
# A multi-file snippet: /raw gives the first file only; the second holds the phone number.
movers = snippets[-1]
movers["files"].append({"path": "contact.txt", "raw_url": f"{BASE}/-/snippets/{movers['id']}/raw/main/contact.txt"})
movers["file_contents"] = {"movers.html": movers["content"], "contact.txt": "Movers Dubai hotline 050 123 4567, cheap packers and movers, call now\n"}

with open("dataset.json", "w") as f:
    json.dump({"users": users, "groups": groups, "group_members": members, "projects": projects,
               "issues": issues, "merge_requests": merge_requests, "notes": notes, "wikis": wikis,
               "snippets": snippets}, f, indent=1, ensure_ascii=False)
print(f"users {len(users)}, groups {len(groups)}, projects {len(projects)}, issues {len(issues)}, "
      f"merge requests {len(merge_requests)}, notes {len(notes)}, wikis {len(wikis)}, snippets {len(snippets)}")
