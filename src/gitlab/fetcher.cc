#include "gitlab/fetcher.h"

#include "http/percent_encoding.h"
#include "text/utf8.h"

#include <cctype>
#include <tuple>

namespace spamphibian::gitlab {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::int64_t Int(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object()) return 0;
    auto it = cur->find(key);
    if (it == cur->end()) return 0;
    cur = &*it;
  }
  if (cur->is_number_integer()) return cur->get<std::int64_t>();
  if (cur->is_string()) {
    try {
      return std::stoll(cur->get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

// A flag of an API object; anything but a JSON true is false (an API
// object of an unexpected shape must not throw).
bool Bool(const json& j, const char* key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

void AddText(Item* item, const char* name, const std::string& value) {
  if (!value.empty()) item->text.emplace_back(name, value);
}

void Common(const json& obj, Item* item) {
  item->web_url = Str(obj, "web_url");
  item->created_at = Str(obj, "created_at");
  item->updated_at = Str(obj, "updated_at");
  item->raw = obj;
}

Author AuthorFromUser(const json& u) {
  Author a;
  a.id = Int(u, {"id"});
  a.username = Str(u, "username");
  a.name = Str(u, "name");
  a.email = Str(u, "email");
  a.state = Str(u, "state");
  a.is_admin = Bool(u, "is_admin");
  a.bot = Bool(u, "bot");
  a.user_type = Str(u, "user_type");
  a.created_at = Str(u, "created_at");
  a.confirmed_at = Str(u, "confirmed_at");
  a.note = Str(u, "note");
  return a;
}

// The project id of a webhook or system hook payload.
std::int64_t ProjectId(const json& p) {
  if (std::int64_t id = Int(p, {"project", "id"})) return id;
  if (std::int64_t id = Int(p, {"object_attributes", "project_id"})) return id;
  return Int(p, {"project_id"});
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
  item->type = "project";
  item->id = std::to_string(id);
  Common(project, item);
  item->visibility = Str(project, "visibility");
  AddText(item, "name", Str(project, "name"));
  AddText(item, "path", Str(project, "path_with_namespace"));
  AddText(item, "description", Str(project, "description"));
  if (project.contains("topics") && project["topics"].is_array() && !project["topics"].empty()) {
    std::string topics;
    for (const auto& t : project["topics"]) topics += (topics.empty() ? "" : ", ") + t.get<std::string>();
    AddText(item, "topics", topics);
  }
  item->refs = {{"project_id", id}};
  std::int64_t owner = Int(project, {"creator_id"});
  if (owner == 0) owner = Int(project, {"owner", "id"});
  return owner == 0 ? Status::Ok() : f.FillAuthor(owner, &item->author);
}

Status FetchGroup(Fetcher& f, const json& p, Item* item) {
  const std::int64_t id = Int(p, {"group_id"});
  if (id == 0) return Status::InvalidArgument("group event without group_id");
  json group;
  Status s = f.api().Get("/groups/" + std::to_string(id), &group);
  if (!s.ok()) return s;
  item->type = "group";
  item->id = std::to_string(id);
  Common(group, item);
  item->visibility = Str(group, "visibility");
  AddText(item, "name", Str(group, "name"));
  AddText(item, "path", Str(group, "full_path"));
  AddText(item, "description", Str(group, "description"));
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

// Issues and merge requests: /projects/:id/<kind>/:iid.
Status FetchIssuable(Fetcher& f, const json& p, Item* item, const char* type, const char* collection) {
  const std::int64_t project = ProjectId(p);
  const std::int64_t iid = Int(p, {"object_attributes", "iid"});
  if (project == 0 || iid == 0) return Status::InvalidArgument(std::string(type) + " event without project or iid");
  const std::string path = std::to_string(project) + "/" + collection + "/" + std::to_string(iid);
  json obj;
  Status s = f.api().Get("/projects/" + path, &obj);
  if (!s.ok()) return s;
  item->type = type;
  item->id = path;
  Common(obj, item);
  AddText(item, "title", Str(obj, "title"));
  AddText(item, "description", Str(obj, "description"));
  item->refs = {{"project_id", project}, {"iid", iid}, {"confidential", Bool(obj, "confidential")}};
  return f.FillAuthor(Int(obj, {"author", "id"}), &item->author);
}

Status FetchIssue(Fetcher& f, const json& p, Item* item) { return FetchIssuable(f, p, item, "issue", "issues"); }
Status FetchMergeRequest(Fetcher& f, const json& p, Item* item) {
  return FetchIssuable(f, p, item, "merge_request", "merge_requests");
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
  item->type = "note";
  item->id = path;
  Common(obj, item);
  item->web_url = Str(p["object_attributes"], "url");
  AddText(item, "body", Str(obj, "body"));
  item->refs = {{"project_id", project}, {"noteable_type", noteable}, {"parent", parent}, {"note_id", note}};
  return f.FillAuthor(Int(obj, {"author", "id"}), &item->author);
}

Status FetchWikiPage(Fetcher& f, const json& p, Item* item) {
  const std::int64_t project = ProjectId(p);
  const std::string slug = Str(p["object_attributes"], "slug");
  if (project == 0 || slug.empty()) return Status::InvalidArgument("wiki page event without project or slug");
  json obj;
  Status s = f.api().Get("/projects/" + std::to_string(project) + "/wikis/" + http::PercentEncode(slug), &obj);
  if (!s.ok()) return s;
  item->type = "wiki_page";
  item->id = std::to_string(project) + "/wikis/" + slug;
  Common(obj, item);
  item->web_url = Str(p["object_attributes"], "url");
  AddText(item, "title", Str(obj, "title"));
  AddText(item, "content", Str(obj, "content"));
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
  *item = UserItem(user);
  return Status::Ok();
}

Item UserItem(const json& user) {
  Item out;
  Item* item = &out;
  const std::int64_t id = Int(user, {"id"});
  item->type = "user";
  item->id = std::to_string(id);
  Common(user, item);
  item->author = AuthorFromUser(user);
  AddText(item, "username", Str(user, "username"));
  AddText(item, "name", Str(user, "name"));
  AddText(item, "bio", Str(user, "bio"));
  AddText(item, "website_url", Str(user, "website_url"));
  AddText(item, "location", Str(user, "location"));
  AddText(item, "organization", Str(user, "organization"));
  AddText(item, "job_title", Str(user, "job_title"));
  for (const char* social : {"skype", "linkedin", "twitter", "discord", "github"}) AddText(item, social, Str(user, social));
  item->refs = {{"user_id", id}};
  return out;
}

Status Fetcher::FetchSnippet(std::int64_t project_id, std::int64_t id, Item* item) {
  const std::string base = project_id != 0
                               ? "/projects/" + std::to_string(project_id) + "/snippets/" + std::to_string(id)
                               : "/snippets/" + std::to_string(id);
  json snippet;
  Status s = api_.Get(base, &snippet);
  if (!s.ok()) return s;
  std::string raw;
  s = api_.GetRaw(base + "/raw", 64 << 10, &raw);  // the first 64 KiB is plenty to judge
  if (!s.ok() && !s.IsNotFound()) return s;
  // Hostile bytes: cut only between characters, and any invalid UTF-8
  // replaced, so that the item always serialises.
  const std::string content = text::ValidUtf8(text::DropCutCharacter(raw));
  item->type = "snippet";
  item->id = project_id != 0 ? std::to_string(project_id) + "/snippets/" + std::to_string(id) : std::to_string(id);
  Common(snippet, item);
  item->visibility = Str(snippet, "visibility");
  AddText(item, "title", Str(snippet, "title"));
  AddText(item, "description", Str(snippet, "description"));
  std::string files;
  json paths = json::array();  // for restore: each file by its own name
  if (snippet.contains("files") && snippet["files"].is_array()) {
    for (const auto& f : snippet["files"]) {
      files += (files.empty() ? "" : ", ") + Str(f, "path");
      paths.push_back(Str(f, "path"));
    }
  }
  if (files.empty()) {
    files = Str(snippet, "file_name");
    if (!files.empty()) paths.push_back(files);
  }
  AddText(item, "file_names", files);
  AddText(item, "content", content);
  item->refs = {{"snippet_id", id}, {"files", paths}};
  if (project_id != 0) item->refs["project_id"] = project_id;
  return FillAuthor(Int(snippet, {"author", "id"}), &item->author);
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
