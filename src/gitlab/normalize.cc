#include "gitlab/normalize.h"

#include "gitlab/api_fields.h"
#include "text/utf8.h"

namespace spamphibian::gitlab {
namespace {

using nlohmann::json;

// Hostile text: valid UTF-8, cut between characters at `max_bytes`.
std::string Bounded(std::string text, std::size_t max_bytes) {
  if (text.size() > max_bytes) text.resize(max_bytes);
  return text::ValidUtf8(text::DropCutCharacter(text));
}

void AddText(Item* item, const char* name, const std::string& value) {
  if (!value.empty()) item->text.emplace_back(name, value);
}

void Common(const json& obj, const char* type, Item* item) {
  item->type = type;
  item->web_url = Str(obj, "web_url");
  item->created_at = Str(obj, "created_at");
  item->updated_at = Str(obj, "updated_at");
  item->visibility = Str(obj, "visibility");
  item->raw = obj;
}

void EmbeddedAuthor(const json& obj, Item* item) {
  auto it = obj.find("author");
  if (it != obj.end() && it->is_object()) item->author = AuthorFromUser(*it);
}

// The lines a merge request adds, from GET .../changes: spam MRs add one
// link to a README or docs page, and that line is all there is to read.
std::string AddedLines(const json& changes) {
  std::string out;
  if (!changes.is_array()) return out;
  for (const auto& change : changes) {
    const std::string diff = Str(change, "diff");
    std::size_t pos = 0;
    while (pos < diff.size() && out.size() < kMaxExtraTextBytes) {
      std::size_t end = diff.find('\n', pos);
      if (end == std::string::npos) end = diff.size();
      const std::string_view line(diff.data() + pos, end - pos);
      if (line.starts_with('+') && !line.starts_with("+++")) {
        out.append(line.substr(1));
        out.push_back('\n');
      }
      pos = end + 1;
    }
  }
  return Bounded(std::move(out), kMaxExtraTextBytes);
}

}  // namespace

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

Item NormalizeUser(const json& user) {
  Item item;
  const std::int64_t id = Int(user, {"id"});
  Common(user, "user", &item);
  item.visibility.clear();
  item.id = std::to_string(id);
  item.author = AuthorFromUser(user);
  for (const char* field : {"username", "name", "bio", "website_url", "location", "organization", "job_title", "skype",
                            "linkedin", "twitter", "discord", "github"}) {
    AddText(&item, field, Str(user, field));
  }
  item.refs = {{"user_id", id}};
  return item;
}

Item NormalizeProject(const json& project) {
  Item item;
  const std::int64_t id = Int(project, {"id"});
  Common(project, "project", &item);
  item.id = std::to_string(id);
  AddText(&item, "name", Str(project, "name"));
  AddText(&item, "path", Str(project, "path_with_namespace"));
  AddText(&item, "description", Str(project, "description"));
  if (auto it = project.find("topics"); it != project.end() && it->is_array()) {
    std::string topics;
    for (const auto& t : *it) {
      if (t.is_string()) topics += (topics.empty() ? "" : ", ") + t.get<std::string>();
    }
    AddText(&item, "topics", topics);
  }
  AddText(&item, "readme", Bounded(Str(project, "readme"), kMaxExtraTextBytes));
  item.refs = {{"project_id", id}};
  std::int64_t owner = Int(project, {"creator_id"});
  if (owner == 0) owner = Int(project, {"owner", "id"});
  if (auto it = project.find("owner"); it != project.end() && it->is_object()) item.author = AuthorFromUser(*it);
  item.author.id = owner;
  return item;
}

Item NormalizeGroup(const json& group) {
  Item item;
  const std::int64_t id = Int(group, {"id"});
  Common(group, "group", &item);
  item.id = std::to_string(id);
  AddText(&item, "name", Str(group, "name"));
  AddText(&item, "path", Str(group, "full_path"));
  AddText(&item, "description", Str(group, "description"));
  // A link-farm group is its projects: their names and descriptions are
  // what it says (the first 20; GitLab lists up to 100).
  if (auto it = group.find("projects"); it != group.end() && it->is_array()) {
    std::string projects;
    int n = 0;
    for (const auto& p : *it) {
      if (++n > 20) break;
      projects += Str(p, "name") + ": " + Str(p, "description") + "\n";
    }
    AddText(&item, "projects", Bounded(std::move(projects), kMaxExtraTextBytes));
  }
  item.refs = {{"group_id", id}};
  return item;
}

namespace {

Item Issuable(const json& obj, const char* type, const char* collection) {
  Item item;
  Common(obj, type, &item);
  const std::int64_t project = Int(obj, {"project_id"});
  const std::int64_t iid = Int(obj, {"iid"});
  item.id = std::to_string(project) + "/" + collection + "/" + std::to_string(iid);
  AddText(&item, "title", Str(obj, "title"));
  AddText(&item, "description", Str(obj, "description"));
  item.refs = {{"project_id", project}, {"iid", iid}, {"confidential", Bool(obj, "confidential")}};
  EmbeddedAuthor(obj, &item);
  return item;
}

}  // namespace

Item NormalizeIssue(const json& issue) { return Issuable(issue, "issue", "issues"); }

Item NormalizeMergeRequest(const json& mr) {
  Item item = Issuable(mr, "merge_request", "merge_requests");
  if (auto it = mr.find("changes"); it != mr.end()) AddText(&item, "added_lines", AddedLines(*it));
  return item;
}

Item NormalizeNote(const json& note) {
  Item item;
  Common(note, "note", &item);
  const std::int64_t project = Int(note, {"project_id"});
  const std::int64_t id = Int(note, {"id"});
  const std::string noteable = Str(note, "noteable_type");
  std::string parent;
  if (noteable == "Issue") parent = "issues/" + std::to_string(Int(note, {"noteable_iid"}));
  else if (noteable == "MergeRequest") parent = "merge_requests/" + std::to_string(Int(note, {"noteable_iid"}));
  else if (noteable == "Snippet") parent = "snippets/" + std::to_string(Int(note, {"noteable_id"}));
  item.id = std::to_string(project) + "/" + parent + "/notes/" + std::to_string(id);
  AddText(&item, "body", Str(note, "body"));
  item.refs = {{"project_id", project}, {"noteable_type", noteable}, {"parent", parent}, {"note_id", id}};
  EmbeddedAuthor(note, &item);
  return item;
}

Item NormalizeWikiPage(const json& page) {
  Item item;
  Common(page, "wiki_page", &item);
  const std::string slug = Str(page, "slug");
  item.id = "wikis/" + slug;
  AddText(&item, "title", Str(page, "title"));
  AddText(&item, "content", Str(page, "content"));
  item.refs = {{"slug", slug}};
  return item;
}

Item NormalizeSnippet(const json& snippet) {
  Item item;
  Common(snippet, "snippet", &item);
  const std::int64_t id = Int(snippet, {"id"});
  const std::int64_t project = Int(snippet, {"project_id"});
  item.id = project > 0 ? std::to_string(project) + "/snippets/" + std::to_string(id) : std::to_string(id);
  AddText(&item, "title", Str(snippet, "title"));
  AddText(&item, "description", Str(snippet, "description"));
  std::string files;
  json paths = json::array();  // for restore: each file by its own name
  if (auto it = snippet.find("files"); it != snippet.end() && it->is_array()) {
    for (const auto& f : *it) {
      files += (files.empty() ? "" : ", ") + Str(f, "path");
      paths.push_back(Str(f, "path"));
    }
  }
  if (files.empty()) {
    files = Str(snippet, "file_name");
    if (!files.empty()) paths.push_back(files);
  }
  AddText(&item, "file_names", files);
  AddText(&item, "content", Bounded(Str(snippet, "content"), kMaxExtraTextBytes));
  item.refs = {{"snippet_id", id}, {"files", paths}};
  if (project > 0) item.refs["project_id"] = project;
  EmbeddedAuthor(snippet, &item);
  return item;
}

Status Normalize(std::string_view item_type, const json& api, Item* item) {
  using Fn = Item (*)(const json&);
  struct Row {
    std::string_view type;
    Fn fn;
  };
  static constexpr Row kTable[] = {
      {"user", NormalizeUser},   {"project", NormalizeProject},     {"group", NormalizeGroup},
      {"issue", NormalizeIssue}, {"merge_request", NormalizeMergeRequest}, {"note", NormalizeNote},
      {"wiki_page", NormalizeWikiPage}, {"snippet", NormalizeSnippet},
  };
  if (!api.is_object()) return Status::InvalidArgument("the API object is not a JSON object");
  for (const Row& row : kTable) {
    if (row.type == item_type) {
      *item = row.fn(api);
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("unknown item type '" + std::string(item_type) +
                                 "' (user, project, group, issue, note, merge_request, wiki_page, snippet)");
}

}  // namespace spamphibian::gitlab
