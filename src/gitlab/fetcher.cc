#include "gitlab/fetcher.h"

#include "gitlab/api_fields.h"
#include "gitlab/normalize.h"

#include "http/percent_encoding.h"
#include "text/utf8.h"

#include <cctype>
#include <tuple>

namespace spamphibian::gitlab {
namespace {

using nlohmann::json;

// The project id of a webhook or system hook payload.
std::int64_t ProjectId(const json& p) {
  if (std::int64_t id = Int(p, {"project", "id"})) return id;
  if (std::int64_t id = Int(p, {"object_attributes", "project_id"})) return id;
  return Int(p, {"project_id"});
}

// "<ref>/<path>" of a GitLab blob or raw URL after `marker` ("/-/blob/",
// "/raw/"), split at the ref when it is known, else at the first '/'.
bool RefAndPath(const std::string& url, std::string_view marker, const std::string& ref_hint, std::string* ref,
                std::string* path) {
  const std::size_t at = url.find(marker);
  if (at == std::string::npos) return false;
  const std::string rest = url.substr(at + marker.size());
  if (!ref_hint.empty() && rest.starts_with(ref_hint + "/")) {
    *ref = ref_hint;
    *path = rest.substr(ref_hint.size() + 1);
  } else {
    const std::size_t slash = rest.find('/');
    if (slash == std::string::npos) return false;
    *ref = rest.substr(0, slash);
    *path = rest.substr(slash + 1);
  }
  return !ref->empty() && !path->empty();
}

// The project's README (the first 64 KiB), into project["readme"]: link-farm
// projects put everything there. No README is not an error.
Status ReadReadme(GitLabApi& api, std::int64_t id, json* project) {
  std::string ref, path;
  if (!RefAndPath(Str(*project, "readme_url"), "/-/blob/", Str(*project, "default_branch"), &ref, &path)) {
    return Status::Ok();
  }
  std::string readme;
  Status s = api.GetRaw("/projects/" + std::to_string(id) + "/repository/files/" + http::PercentEncode(path) +
                            "/raw?ref=" + http::PercentEncode(ref),
                        kMaxExtraTextBytes, &readme);
  if (s.IsNotFound()) return Status::Ok();
  if (!s.ok()) return s;
  (*project)["readme"] = text::ValidUtf8(text::DropCutCharacter(readme));
  return Status::Ok();
}

using FetchFn = Status (*)(Fetcher&, const json& payload, Item* item);

Status FetchUserEvent(Fetcher& f, const json& p, Item* item) {
  const std::int64_t id = Int(p, {"user_id"});
  if (id == 0) return Status::InvalidArgument("user event without user_id");
  return f.FetchUser(id, item);
}

Status FetchProject(Fetcher& f, const json& p, Item* item) {
  const std::int64_t id = ProjectId(p);
  if (id == 0) return Status::InvalidArgument("project event without project_id");
  json project;
  Status s = f.api().Get("/projects/" + std::to_string(id), &project);
  if (!s.ok()) return s;
  if (s = ReadReadme(f.api(), id, &project); !s.ok()) return s;
  *item = NormalizeProject(project);
  item->id = std::to_string(id);
  item->refs = {{"project_id", id}};
  const std::int64_t owner = item->author.id;
  item->author = Author();
  return owner == 0 ? Status::Ok() : f.FillAuthor(owner, &item->author);
}

Status FetchGroup(Fetcher& f, const json& p, Item* item) {
  const std::int64_t id = Int(p, {"group_id"});
  if (id == 0) return Status::InvalidArgument("group event without group_id");
  json group;
  Status s = f.api().Get("/groups/" + std::to_string(id), &group);
  if (!s.ok()) return s;
  *item = NormalizeGroup(group);
  item->id = std::to_string(id);
  item->refs = {{"group_id", id}};
  // Groups name no author. The creator is an owner whose membership no one
  // granted (members added by someone carry `created_by`), the oldest; not
  // merely any member with the top access level, who may be an admin or a
  // maintainer added later. The act stage asks the
  // trust decision about whoever this finds before anything is done.
  std::int64_t owner = 0;
  std::tuple<std::int64_t, bool, std::string, std::int64_t> best{0, false, "", 0};  // lower is better
  bool found = false;
  s = f.api().GetPages("/groups/" + std::to_string(id) + "/members/all", [&](const json& m_page) {
    for (const auto& m : m_page) {
      const std::int64_t level = Int(m, {"access_level"});
      const bool invited = m.contains("created_by") && m["created_by"].is_object();
      const std::string since = Str(m, "created_at");
      const std::tuple<std::int64_t, bool, std::string, std::int64_t> key{-level, invited, since, Int(m, {"id"})};
      if (!found || key < best) {
        best = key;
        owner = Int(m, {"id"});
        found = true;
      }
    }
    return true;
  });
  if (!s.ok()) return s;
  return owner == 0 ? Status::Ok() : f.FillAuthor(owner, &item->author);
}

// A merge request's diffs (GET .../merge_requests/:iid/diffs, GitLab 15.7
// and later), into mr["changes"], 64 KiB of diff text at most: a backlink
// spammer's MR says everything in the one line it adds. An older GitLab
// (404) or none: the MR without them.
Status ReadDiffs(GitLabApi& api, const std::string& path, json* mr) {
  json changes = json::array();
  std::size_t bytes = 0;
  Status s = api.GetPages("/projects/" + path + "/diffs", [&](const json& page) {
    if (!page.is_array()) return false;
    for (const auto& diff : page) {
      const std::string text = Str(diff, "diff");
      if (bytes + text.size() > kMaxExtraTextBytes) return false;
      bytes += text.size();
      changes.push_back({{"diff", text}});
    }
    return true;
  });
  if (s.IsNotFound()) return Status::Ok();
  if (!s.ok()) return s;
  if (mr->is_object()) (*mr)["changes"] = std::move(changes);
  return Status::Ok();
}

// Issues and merge requests: /projects/:id/<kind>/:iid (and, for merge
// requests, their diffs).
Status FetchIssuable(Fetcher& f, const json& p, Item* item, const char* type, const char* collection,
                     Item (*normalize)(const json&), Status (*read_more)(GitLabApi&, const std::string&, json*) = nullptr) {
  const std::int64_t project = ProjectId(p);
  const std::int64_t iid = Int(p, {"object_attributes", "iid"});
  if (project == 0 || iid == 0) return Status::InvalidArgument(std::string(type) + " event without project or iid");
  const std::string path = std::to_string(project) + "/" + collection + "/" + std::to_string(iid);
  json obj;
  Status s = f.api().Get("/projects/" + path, &obj);
  if (!s.ok()) return s;
  if (read_more != nullptr) {
    if (s = read_more(f.api(), path, &obj); !s.ok()) return s;
  }
  *item = normalize(obj);
  item->id = path;
  item->refs = {{"project_id", project}, {"iid", iid}, {"confidential", Bool(obj, "confidential")}};
  const std::int64_t author = item->author.id;
  item->author = Author();
  return f.FillAuthor(author, &item->author);
}

Status FetchIssue(Fetcher& f, const json& p, Item* item) {
  return FetchIssuable(f, p, item, "issue", "issues", NormalizeIssue);
}
Status FetchMergeRequest(Fetcher& f, const json& p, Item* item) {
  return FetchIssuable(f, p, item, "merge_request", "merge_requests", NormalizeMergeRequest, ReadDiffs);
}

Status FetchNote(Fetcher& f, const json& p, Item* item) {
  const std::int64_t project = ProjectId(p);
  const std::int64_t note = Int(p, {"object_attributes", "id"});
  const std::string noteable = Str(p["object_attributes"], "noteable_type");
  std::string parent;
  if (noteable == "Issue") parent = "issues/" + std::to_string(Int(p, {"issue", "iid"}));
  else if (noteable == "MergeRequest") parent = "merge_requests/" + std::to_string(Int(p, {"merge_request", "iid"}));
  else if (noteable == "Snippet") parent = "snippets/" + std::to_string(Int(p, {"snippet", "id"}));
  if (project == 0 || note == 0 || parent.empty() || parent.ends_with("/0")) {
    return Status::InvalidArgument("note event without project, note id or parent");
  }
  const std::string path = std::to_string(project) + "/" + parent + "/notes/" + std::to_string(note);
  json obj;
  Status s = f.api().Get("/projects/" + path, &obj);
  if (!s.ok()) return s;
  *item = NormalizeNote(obj);
  item->id = path;
  item->web_url = Str(p["object_attributes"], "url");
  item->refs = {{"project_id", project}, {"noteable_type", noteable}, {"parent", parent}, {"note_id", note}};
  const std::int64_t author = item->author.id;
  item->author = Author();
  return f.FillAuthor(author, &item->author);
}

Status FetchWikiPage(Fetcher& f, const json& p, Item* item) {
  const std::int64_t project = ProjectId(p);
  const std::string slug = Str(p["object_attributes"], "slug");
  if (project == 0 || slug.empty()) return Status::InvalidArgument("wiki page event without project or slug");
  json obj;
  Status s = f.api().Get("/projects/" + std::to_string(project) + "/wikis/" + http::PercentEncode(slug), &obj);
  if (!s.ok()) return s;
  *item = NormalizeWikiPage(obj);
  item->id = std::to_string(project) + "/wikis/" + slug;
  item->web_url = Str(p["object_attributes"], "url");
  item->refs = {{"project_id", project}, {"slug", slug}};
  // The wiki API names no author; the hook's user made the change.
  return f.FillAuthor(Int(p, {"user", "id"}), &item->author);
}

// The API's e-mail is the truth (an admin token sees it). Only when the API
// gave none does the hook's copy serve, and only if it is the same person and
// not redacted.
void UseHookEmail(const json& p, Author* author) {
  if (!author->email.empty()) {
    author->email_source = "api";
    return;
  }
  std::string email;
  if (Int(p, {"user_id"}) == author->id) email = Str(p, "email");             // user system hooks
  if (email.empty() && Int(p, {"user", "id"}) == author->id && p.contains("user")) email = Str(p["user"], "email");
  if (email.empty()) email = Str(p, "owner_email");                            // project system hooks
  if (email.empty() || email == "[REDACTED]" || email.find('@') == std::string::npos) return;
  author->email = email;
  author->email_source = "hook";
}

struct Route {
  std::string_view prefix;  // event types starting with this
  std::string_view item_type;
  FetchFn fetch;
};

// Order matters: note events are matched before issue and merge request ones.
constexpr Route kRoutes[] = {
    {"user_", "user", FetchUserEvent},
    {"project_", "project", FetchProject},
    {"group_", "group", FetchGroup},
    {"issue_note_", "note", FetchNote},
    {"merge_request_note_", "note", FetchNote},
    {"snippet_note_", "note", FetchNote},
    {"issue_", "issue", FetchIssue},
    {"merge_request_", "merge_request", FetchMergeRequest},
    {"wiki_page_", "wiki_page", FetchWikiPage},
    {"snippet_check", "snippet", nullptr},  // see Fetcher::Fetch
};

const Route* FindRoute(std::string_view event_type) {
  for (const Route& r : kRoutes) {
    if (event_type.starts_with(r.prefix)) return &r;
  }
  return nullptr;
}

}  // namespace

std::string_view ItemTypeOf(std::string_view event_type) {
  const Route* r = FindRoute(event_type);
  return r ? r->item_type : std::string_view();
}

Status Fetcher::FillAuthor(std::int64_t user_id, Author* author) {
  if (user_id == 0) return Status::Ok();
  json user;
  Status s = api_.Get("/users/" + std::to_string(user_id), &user);
  // An item whose author was deleted is still worth classifying.
  if (s.IsNotFound()) return Status::Ok();
  if (s.ok()) *author = AuthorFromUser(user);
  return s;
}

Status Fetcher::FetchUser(std::int64_t id, Item* item) {
  json user;
  Status s = api_.Get("/users/" + std::to_string(id), &user);
  if (!s.ok()) return s;
  *item = NormalizeUser(user);
  return Status::Ok();
}

Status Fetcher::FetchSnippet(std::int64_t project_id, std::int64_t id, Item* item) {
  const std::string base = project_id != 0
                               ? "/projects/" + std::to_string(project_id) + "/snippets/" + std::to_string(id)
                               : "/snippets/" + std::to_string(id);
  json snippet;
  Status s = api_.Get(base, &snippet);
  if (!s.ok()) return s;
  if (!snippet.is_object()) snippet = json::object();  // an unexpected shape reads as empty
  // Every file's text (the first 64 KiB in all is plenty to judge): /raw
  // gives only the first file of a multi-file snippet, so each is read by
  // its own path.
  std::string content;
  const json files = snippet.value("files", json::array());
  if (files.is_array() && files.size() > 1) {
    for (const auto& file : files) {
      if (content.size() >= kMaxExtraTextBytes) break;
      std::string ref, path, raw;
      if (!RefAndPath(Str(file, "raw_url"), "/raw/", "", &ref, &path)) continue;
      s = api_.GetRaw(base + "/files/" + http::PercentEncode(ref) + "/" + http::PercentEncode(path) + "/raw",
                      kMaxExtraTextBytes - content.size(), &raw);
      if (s.IsNotFound()) continue;
      if (!s.ok()) return s;
      content += raw;
      content += '\n';
    }
  } else {
    s = api_.GetRaw(base + "/raw", kMaxExtraTextBytes, &content);
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  // Hostile bytes: cut only between characters, and any invalid UTF-8
  // replaced (NormalizeSnippet), so that the item always serialises.
  snippet["content"] = std::move(content);
  *item = NormalizeSnippet(snippet);
  item->id = project_id != 0 ? std::to_string(project_id) + "/snippets/" + std::to_string(id) : std::to_string(id);
  item->refs["snippet_id"] = id;
  if (project_id != 0) item->refs["project_id"] = project_id;
  const std::int64_t author = item->author.id;
  item->author = Author();
  return FillAuthor(author, &item->author);
}

Status Fetcher::ListNewSnippets(const SnippetFilter& is_new, std::vector<SnippetRef>* out) {
  // GitLab lists public snippets newest first. Paging stops after a page
  // with nothing new or changed: everything older was seen by an earlier
  // check (edits to old snippets are what `spamphibian sweep snippets` is for).
  return api_.GetPages("/snippets/public", [&](const json& page) {
    bool any_new = false;
    for (const auto& snippet : page) {
      const std::int64_t id = Int(snippet, {"id"});
      const std::string updated_at = Str(snippet, "updated_at");
      if (id > 0 && (!is_new || is_new(id, updated_at))) {
        out->push_back({std::max<std::int64_t>(Int(snippet, {"project_id"}), 0), id, updated_at});
        any_new = true;
      }
    }
    return any_new;
  });
}

Status Fetcher::Fetch(std::string_view event_type, const json& payload, std::vector<Item>* out,
                      const SnippetFilter& is_new) {
  const Route* route = FindRoute(event_type);
  if (route == nullptr) return Status::InvalidArgument("no item for event type '" + std::string(event_type) + "'");
  if (route->fetch != nullptr) {
    Item item;
    Status s = route->fetch(*this, payload, &item);
    if (!s.ok()) return s;
    item.event_type = std::string(event_type);
    UseHookEmail(payload, &item.author);
    out->push_back(std::move(item));
    return Status::Ok();
  }
  // Snippet check: one snippet, or every new or changed public snippet.
  if (const std::int64_t id = Int(payload, {"snippet_id"})) {
    Item item;
    Status s = FetchSnippet(Int(payload, {"project_id"}), id, &item);
    if (!s.ok()) return s;
    item.event_type = std::string(event_type);
    out->push_back(std::move(item));
    return Status::Ok();
  }
  std::vector<SnippetRef> todo;
  Status s = ListNewSnippets(is_new, &todo);
  if (!s.ok()) return s;
  for (const auto& [project, id, updated_at] : todo) {
    Item item;
    s = FetchSnippet(project, id, &item);
    if (s.IsNotFound()) continue;  // deleted since the listing
    if (!s.ok()) return s;
    item.event_type = std::string(event_type);
    out->push_back(std::move(item));
  }
  return Status::Ok();
}

}  // namespace spamphibian::gitlab
