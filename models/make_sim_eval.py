#!/usr/bin/env python3
"""Writes models/sim_eval.jsonl: the GitLab simulator's hand-written dataset
(sim/dataset.json) as labelled items, for an evaluation on content the
training generator never produced (models/make_training_data.py)."""
import json

d = json.load(open("sim/dataset.json"))
users = {u["id"]: u for u in d["users"]}
out = []

def author(uid):
    u = users.get(uid, {})
    return {"id": uid, "username": u.get("username", ""), "email": u.get("email", ""), "created_at": u.get("created_at", ""),
            "confirmed_at": u.get("confirmed_at") or ""}

def add(itype, texts, uid, label):
    u = users.get(uid, {})
    dom = u.get("email", "@").split("@")[1]
    signals = {"email_confirmed": bool(u.get("confirmed_at")), "email_domain": dom,
               "disposable_email": dom in ("mailinator.com", "yopmail.com", "guerrillamail.com")}
    out.append({"label": label, "item": {"type": itype, "author": author(uid), "text": [[k, v] for k, v in texts if v]},
                "signals": signals})

for u in d["users"]:
    if u["is_admin"] or u["bot"]:
        continue
    add("user", [("username", u["username"]), ("name", u["name"]), ("bio", u["bio"]), ("website_url", u["website_url"]),
                 ("location", u["location"]), ("organization", u["organization"]), ("job_title", u["job_title"])], u["id"], u["label"])
for p in d["projects"]:
    add("project", [("name", p["name"]), ("path", p["path_with_namespace"]), ("description", p["description"])], p["creator_id"], p["label"])
for g in d["groups"]:
    owner = d["group_members"][str(g["id"])][0]["id"]
    add("group", [("name", g["name"]), ("path", g["full_path"]), ("description", g["description"])], owner, g["label"])
for i in d["issues"]:
    add("issue", [("title", i["title"]), ("description", i["description"])], i["author"]["id"], i["label"])
for m in d["merge_requests"]:
    add("merge_request", [("title", m["title"]), ("description", m["description"])], m["author"]["id"], m["label"])
for n in d["notes"]:
    add("note", [("body", n["body"])], n["author"]["id"], n["label"])
for w in d["wikis"]:
    add("wiki_page", [("title", w["title"]), ("content", w["content"])], w["author_id"], w["label"])
for s in d["snippets"]:
    add("snippet", [("title", s["title"]), ("description", s["description"]), ("file_names", s["file_name"]),
                    ("content", s["content"][:65536])], s["author"]["id"], s["label"])

with open("models/sim_eval.jsonl", "w") as f:
    for x in out:
        f.write(json.dumps(x, ensure_ascii=False) + "\n")
print(len(out), "items;", sum(x["label"] == "spam" for x in out), "spam")
