#include "sim/gitlab_sim.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <charconv>

#include "http/percent_encoding.h"
#include "security/crypto.h"
#include <memory>

namespace spamphibian::sim {
namespace {

using nlohmann::json;

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (next > pos) out.emplace_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      out += static_cast<char>(v);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::int64_t ToInt(std::string_view s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

http::Response Json(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.body = body.dump();
  return r;
}

http::Response NotFound() { return Json(404, {{"message", "404 Not Found"}}); }

}  // namespace

// The API shape of a stored object: without our own bookkeeping fields.
json GitLabSim::Public(const json& obj) const {
  json copy = obj;
  if (obj.contains("readme")) {  // a project with a README, as GitLab points at it
    copy["default_branch"] = "main";
    copy["readme_url"] = obj.value("web_url", "") + "/-/blob/main/README.md";
  }
  for (const char* hidden : {"label", "content", "parent", "readme", "file_contents", "diffs"}) copy.erase(hidden);
  if (hide_emails_) copy.erase("email");
  return copy;
}

GitLabSim::GitLabSim(json dataset, std::string token, boost::asio::io_context& timers, int max_per_page,
                     bool hide_emails)
    : token_(std::move(token)),
      timers_(timers),
      max_per_page_(max_per_page),
      hide_emails_(hide_emails),
      data_(std::move(dataset)) {}

json GitLabSim::State() const {
  std::lock_guard<std::mutex> lock(mu_);
  return data_;
}

json* GitLabSim::Find(const char* collection, const char* key, std::int64_t value) {
  if (synthetic_users_ && std::string_view(collection) == "users" && value >= kSyntheticBase) {
    auto it = synthetic_.find(value);
    if (it == synthetic_.end()) it = synthetic_.emplace(value, SyntheticUser(value)).first;
    return it->second.is_null() ? nullptr : &it->second;
  }
  for (auto& obj : data_[collection]) {
    if (obj.value(key, std::int64_t{-1}) == value) return &obj;
  }
  return nullptr;
}

json GitLabSim::SyntheticUser(std::int64_t id) {
  // Odd ids sign up as SEO spammers, even ids as developers. The spammers
  // paste one bio, as a campaign does; the developers each write their
  // own, short as most are (hundreds of accounts with one long bio within
  // days would be a campaign, classify/campaigns.h). Short means under
  // kCampaignMinWords with the name and location: the 99 bios repeat every
  // 198 ids, and a longer one ("Kubernetes") shared by a hundred
  // accounts in a minute is a text campaign, rightly.
  static constexpr const char* kRoles[] = {"Backend engineer", "SRE", "Data scientist", "Student", "Frontend dev",
                                          "Maintainer", "Embedded developer", "Researcher", "DevOps person"};
  static constexpr const char* kTopics[] = {"Rust", "Postgres", "Kubernetes", "compilers", "React",
                                           "robotics", "NLP", "embedded C", "Haskell", "networking", "CI tooling"};
  const bool spam = id % 2 == 1;
  const std::string developer_bio = std::string(kRoles[id / 2 % std::size(kRoles)]) + ", " +
                                    kTopics[id / 2 / std::size(kRoles) % std::size(kTopics)] + ".";
  const std::string name = (spam ? "seo_deals_" : "dev_") + std::to_string(id);
  return {{"id", id},
          {"username", name},
          {"name", spam ? "Cheap SEO Backlinks" : "Dana Developer"},
          {"state", "active"},
          {"bio", spam ? "Buy cheap backlinks, SEO services, casino bonus, crypto loans, viagra. Best price, click here!"
                       : developer_bio},
          {"website_url", spam ? "https://cheap-seo-links.example/buy-now" : ""},
          {"location", spam ? "" : "Zurich"},
          {"organization", ""},
          {"job_title", ""},
          {"email", name + (spam ? "@mailinator.com" : "@gmail.com")},
          {"is_admin", false},
          {"bot", false},
          {"created_at", "2026-11-25T00:00:00.000Z"},
          {"confirmed_at", spam ? json(nullptr) : json("2026-11-25T00:05:00.000Z")},
          {"web_url", "http://gitlab.sim/" + name}};
}

void GitLabSim::Handle(http::Request req, http::Respond respond) {
  http::Response res;
  int latency = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    // t: seconds since the simulator started; wall_ms: the wall clock, to
    // compare with other servers' times (an S3 object's) in tests.
    const auto wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
    bool faulted = false;
    if (!req.path.starts_with("/_sim/")) {
      for (Fault& f : faults_) {
        if (!req.path.starts_with(f.path_prefix) || f.count == 0) continue;
        if (f.count > 0) --f.count;
        latency = f.latency_ms;
        if (f.drop) {
          res.abort = true;
          faulted = true;
        } else if (f.status != 0) {
          res = Json(f.status, {{"message", "injected fault"}});
          if (f.retry_after >= 0) res.headers.emplace_back("Retry-After", std::to_string(f.retry_after));
          faulted = true;
        }
        break;
      }
    }
    if (!req.path.starts_with("/_sim/")) {
      // `faulted`: answered by an injected fault, so GitLab did nothing.
      log_.push_back({{"method", req.method}, {"path", req.path + (req.query.empty() ? "" : "?" + req.query)},
                      {"t", t}, {"wall_ms", wall_ms}, {"faulted", faulted}});
    }
    if (!faulted) res = Route(req);
  }
  if (latency <= 0) return respond(std::move(res));
  auto timer = std::make_shared<boost::asio::steady_timer>(timers_, std::chrono::milliseconds(latency));
  timer->async_wait([timer, respond = std::move(respond), res = std::move(res)](const boost::system::error_code&) mutable {
    respond(std::move(res));
  });
}

// POST of a new issue or snippet (restore re-creates deleted content): the
// next id, the admin as author, the files' content as the snippet's.
json GitLabSim::Create(const char* collection, const json& body, std::int64_t project_id) {
  json obj = body;
  std::int64_t next = 1;
  for (const auto& o : data_[collection]) next = std::max(next, o.value("id", std::int64_t{0}) + 1);
  obj["id"] = next;
  if (std::string(collection) == "issues") {
    std::int64_t iid = 1;
    for (const auto& o : data_[collection]) {
      if (o.value("project_id", std::int64_t{0}) == project_id) iid = std::max(iid, o.value("iid", std::int64_t{0}) + 1);
    }
    obj["iid"] = iid;
  }
  if (project_id != 0) obj["project_id"] = project_id;
  if (body.contains("files") && body["files"].is_array() && !body["files"].empty()) {
    obj["file_name"] = body["files"][0].value("file_path", "");
    obj["content"] = body["files"][0].value("content", "");
    obj.erase("files");
  }
  obj["author"] = {{"id", 1}, {"username", "root"}};
  obj["created_at"] = "2026-11-25T00:00:00Z";
  data_[collection].push_back(obj);
  return obj;
}

http::Response GitLabSim::Route(const http::Request& req) {
  if (req.path.starts_with("/_sim/")) return Control(req);
  if (req.path.starts_with("/oauth/") || (req.path == "/api/v4/user" && req.Header("Authorization").starts_with("Bearer "))) {
    return OAuth(req);
  }
  if (!req.path.starts_with("/api/v4/")) return NotFound();
  if (!token_.empty() && req.Header("PRIVATE-TOKEN") != token_) return Json(401, {{"message", "401 Unauthorized"}});
  return Api(req.method, Split(std::string_view(req.path).substr(8)), req);
}

http::Response GitLabSim::Paged(const json& all, const http::Request& req) {
  const std::int64_t asked = ToInt(http::FormValue(http::ParseForm(req.query), "per_page"));
  const std::int64_t per_page = std::clamp<std::int64_t>(asked == 0 ? 20 : asked, 1, max_per_page_);
  const std::int64_t page = std::max<std::int64_t>(1, ToInt(http::FormValue(http::ParseForm(req.query), "page")));
  const std::int64_t total = static_cast<std::int64_t>(all.size());
  json out = json::array();
  for (std::int64_t i = (page - 1) * per_page; i < std::min(total, page * per_page); ++i) out.push_back(Public(all[i]));
  http::Response r = Json(200, out);
  const bool more = page * per_page < total;
  r.headers = {{"X-Page", std::to_string(page)},
               {"X-Per-Page", std::to_string(per_page)},
               {"X-Total", std::to_string(total)},
               {"X-Next-Page", more ? std::to_string(page + 1) : ""}};
  return r;
}

http::Response GitLabSim::Api(const std::string& method, const std::vector<std::string>& s, const http::Request& req) {
  const auto n = s.size();
  auto is = [&](std::initializer_list<const char*> pattern) {
    if (pattern.size() != n) return false;
    std::size_t i = 0;
    for (const char* p : pattern) {
      if (p[0] != ':' && s[i] != p) return false;
      ++i;
    }
    return true;
  };
  json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
  if (body.is_discarded()) body = json::object();

  // Users.
  if (is({"users"}) && method == "GET") return Paged(data_["users"], req);
  if (n >= 2 && s[0] == "users") {
    json* u = Find("users", "id", ToInt(s[1]));
    if (u == nullptr) return NotFound();
    if (n == 2 && method == "GET") return Json(200, Public(*u));
    // What a user made, as GitLab lists it: the projects they own, and
    // their contribution events (only comments: "commented on" with the
    // note embedded, as GET /users/:id/events?action=commented shows them).
    if (n == 3 && s[2] == "projects" && method == "GET") {
      json owned = json::array();
      for (const auto& p : data_["projects"]) {
        if (p.value("creator_id", std::int64_t{-1}) == ToInt(s[1]) ||
            p.value("owner", json::object()).value("id", std::int64_t{-1}) == ToInt(s[1])) {
          owned.push_back(p);
        }
      }
      return Paged(owned, req);
    }
    if (n == 3 && s[2] == "events" && method == "GET") {
      json events = json::array();
      for (const auto& note : data_["notes"]) {
        if (note.value("author", json::object()).value("id", std::int64_t{-1}) != ToInt(s[1])) continue;
        json embedded = Public(note);
        embedded.erase("project_id");
        if (note.value("noteable_type", "") == "Snippet") {
          embedded["noteable_id"] = note.value("parent", std::int64_t{0});
        } else {
          embedded["noteable_iid"] = note.value("parent", std::int64_t{0});
        }
        events.push_back({{"id", note.value("id", std::int64_t{0})},
                          {"action_name", "commented on"},
                          {"target_type", "Note"},
                          {"target_id", note.value("id", std::int64_t{0})},
                          {"project_id", note.value("project_id", std::int64_t{0})},
                          {"author_id", ToInt(s[1])},
                          {"created_at", note.value("created_at", "")},
                          {"note", embedded}});
      }
      return Paged(events, req);
    }
    // GET /users/:id/memberships (admins only in GitLab): the groups and
    // projects the user is a direct member of, with the access level.
    if (n == 3 && s[2] == "memberships" && method == "GET") {
      const std::string type = http::FormValue(http::ParseForm(req.query), "type");
      json memberships = json::array();
      if (type.empty() || type == "Namespace") {
        for (const auto& [group, members] : data_["group_members"].items()) {
          for (const auto& m : members) {
            if (m.value("id", std::int64_t{-1}) != ToInt(s[1])) continue;
            const json* g = Find("groups", "id", ToInt(group));
            memberships.push_back({{"source_id", ToInt(group)},
                                   {"source_name", g == nullptr ? "" : g->value("name", "")},
                                   {"source_type", "Namespace"},
                                   {"access_level", m.value("access_level", 30)}});
          }
        }
      }
      return Paged(memberships, req);
    }
    if (n == 2 && method == "DELETE") {
      (*u)["state"] = "deleted";
      if (synthetic_.count(ToInt(s[1])) > 0) {
        synthetic_[ToInt(s[1])] = nullptr;
        return Json(204, nullptr);
      }
      auto& users = data_["users"];
      users.erase(std::remove_if(users.begin(), users.end(), [&](const json& x) { return x["id"] == ToInt(s[1]); }),
                  users.end());
      return Json(204, nullptr);
    }
    if (n == 3 && method == "POST") {
      static const std::pair<const char*, const char*> kStates[] = {
          {"block", "blocked"}, {"unblock", "active"}, {"ban", "banned"}, {"unban", "active"},
          {"deactivate", "deactivated"}, {"activate", "active"}};
      for (const auto& [verb, state] : kStates) {
        if (s[2] == verb) {
          (*u)["state"] = state;
          return Json(201, true);
        }
      }
    }
    return NotFound();
  }
  // Listings (the sweep, the bootstrap).
  if (is({"projects"}) && method == "GET") return Paged(data_["projects"], req);
  if ((is({"issues"}) || is({"merge_requests"})) && method == "GET") {
    // scope=all with author_id: everything that user opened, as an admin sees it.
    const std::int64_t author = ToInt(http::FormValue(http::ParseForm(req.query), "author_id"));
    json opened = json::array();
    for (const auto& o : data_[s[0]]) {
      if (author == 0 || o.value("author", json::object()).value("id", std::int64_t{-1}) == author) opened.push_back(o);
    }
    return Paged(opened, req);
  }
  if (is({"groups"}) && method == "GET") return Paged(data_["groups"], req);
  // Groups.
  if (n >= 2 && s[0] == "groups") {
    json* g = Find("groups", "id", ToInt(s[1]));
    if (g == nullptr) return NotFound();
    if (n == 2 && method == "GET") return Json(200, Public(*g));
    if (n == 2 && method == "PUT") {
      if (body.contains("visibility")) (*g)["visibility"] = body["visibility"];
      return Json(200, Public(*g));
    }
    if (n == 2 && method == "DELETE") {
      (*g)["marked_for_deletion_on"] = "2026-11-25";
      return Json(202, {{"message", "202 Accepted"}});
    }
    if (is({"groups", ":id", "members", "all", ":user"}) && method == "GET") {
      for (const auto& m : data_["group_members"].value(s[1], json::array())) {
        if (m.value("id", std::int64_t{-1}) == ToInt(s[4])) return Json(200, m);
      }
      return NotFound();
    }
    if (is({"groups", ":id", "members", "all"}) && method == "GET") {
      return Paged(data_["group_members"].value(s[1], json::array()), req);
    }
    return NotFound();
  }
  // Snippets (personal).
  // GET /snippets/all (admins: every snippet, personal and project),
  // oldest first, created_after honoured as GitLab does.
  if (is({"snippets", "all"}) && method == "GET") {
    const std::string after = http::FormValue(http::ParseForm(req.query), "created_after");
    json all = json::array();
    for (const auto& sn : data_["snippets"]) {
      if (after.empty() || sn.value("created_at", "") >= after) all.push_back(sn);
    }
    return Paged(all, req);
  }
  if (is({"snippets", "public"}) && method == "GET") {
    // Newest first, as GitLab lists them.
    json visible = json::array();
    for (const auto& sn : data_["snippets"]) {
      if (sn.value("visibility", "") == "public") visible.push_back(sn);
    }
    std::reverse(visible.begin(), visible.end());
    return Paged(visible, req);
  }
  if (is({"snippets"}) && method == "POST") return Json(201, Public(Create("snippets", body, 0)));
  if (n >= 2 && s[0] == "snippets") {
    json* sn = Find("snippets", "id", ToInt(s[1]));
    if (sn == nullptr) return NotFound();
    if (n == 2 && method == "GET") return Json(200, Public(*sn));
    if (n == 3 && s[2] == "raw" && method == "GET") {
      http::Response r;
      r.content_type = "text/plain; charset=utf-8";
      r.body = sn->value("content", "");
      return r;
    }
    // GET /snippets/:id/files/:ref/:file_path/raw: one file of a multi-file
    // snippet (the dataset's "file_contents" by path).
    if (n == 6 && s[2] == "files" && s[5] == "raw" && method == "GET") {
      const json files = sn->value("file_contents", json::object());
      const std::string path = Unescape(s[4]);
      if (!files.contains(path)) return NotFound();
      http::Response r;
      r.content_type = "text/plain; charset=utf-8";
      r.body = files[path].get<std::string>();
      return r;
    }
    if (n == 2 && method == "PUT") {
      if (body.contains("visibility")) (*sn)["visibility"] = body["visibility"];
      return Json(200, Public(*sn));
    }
    if (n == 2 && method == "DELETE") {
      auto& all = data_["snippets"];
      const std::int64_t id = ToInt(s[1]);
      all.erase(std::remove_if(all.begin(), all.end(), [&](const json& x) { return x["id"] == id; }), all.end());
      return Json(204, nullptr);
    }
    return NotFound();
  }
  // Projects and what is inside them.
  if (n >= 2 && s[0] == "projects") {
    const std::int64_t pid = ToInt(s[1]);
    json* p = Find("projects", "id", pid);
    if (p == nullptr) return NotFound();
    if (n == 2 && method == "GET") return Json(200, Public(*p));
    if (n == 2 && method == "PUT") {
      if (body.contains("visibility")) (*p)["visibility"] = body["visibility"];
      return Json(200, Public(*p));
    }
    if (n == 2 && method == "DELETE") {
      auto& all = data_["projects"];
      all.erase(std::remove_if(all.begin(), all.end(), [&](const json& x) { return x["id"] == pid; }), all.end());
      return Json(202, {{"message", "202 Accepted"}});
    }
    // GET /projects/:id/repository/files/:file_path/raw?ref=: the README
    // (the dataset's "readme" text; any other file is not there).
    if (n == 6 && s[2] == "repository" && s[3] == "files" && s[5] == "raw" && method == "GET") {
      if (!p->contains("readme") || Unescape(s[4]) != "README.md") return NotFound();
      http::Response r;
      r.content_type = "text/plain; charset=utf-8";
      r.body = p->value("readme", "");
      return r;
    }
    if (is({"projects", ":id", "issues"}) && method == "POST") return Json(201, Public(Create("issues", body, pid)));
    if (is({"projects", ":id", "snippets"}) && method == "POST") return Json(201, Public(Create("snippets", body, pid)));
    // issues / merge_requests / snippets [/:id [/notes [/:note]]]
    if (n >= 4 && (s[2] == "issues" || s[2] == "merge_requests" || s[2] == "snippets")) {
      const char* collection = s[2] == "issues" ? "issues" : s[2] == "merge_requests" ? "merge_requests" : "snippets";
      const char* key = s[2] == "snippets" ? "id" : "iid";
      json* obj = nullptr;
      for (auto& o : data_[collection]) {
        const bool in_project = s[2] == "snippets" || o.value("project_id", std::int64_t{0}) == pid;
        if (in_project && o.value(key, std::int64_t{-1}) == ToInt(s[3])) obj = &o;
      }
      if (obj == nullptr) return NotFound();
      if (n == 4 && method == "GET") return Json(200, Public(*obj));
      // GET .../merge_requests/:iid/diffs: the dataset's "diffs" (paged).
      if (n == 5 && s[2] == "merge_requests" && s[4] == "diffs" && method == "GET") {
        return Paged(obj->value("diffs", json::array()), req);
      }
      if (n == 4 && method == "PUT") {
        for (const char* field : {"confidential", "visibility", "state_event", "discussion_locked"}) {
          if (body.contains(field)) (*obj)[field] = body[field];
        }
        return Json(200, Public(*obj));
      }
      if (n == 4 && method == "DELETE") {
        auto& all = data_[collection];
        all.erase(std::remove_if(all.begin(), all.end(), [&](const json& x) { return &x == obj; }), all.end());
        return Json(204, nullptr);
      }
      if (n == 5 && s[4] == "raw" && method == "GET") {
        http::Response r;
        r.content_type = "text/plain; charset=utf-8";
        r.body = obj->value("content", "");
        return r;
      }
      if (n == 6 && s[4] == "notes") {
        const std::string type = s[2] == "issues" ? "Issue" : s[2] == "merge_requests" ? "MergeRequest" : "Snippet";
        auto& notes = data_["notes"];
        for (auto it = notes.begin(); it != notes.end(); ++it) {
          if ((*it)["id"] != ToInt(s[5]) || (*it)["noteable_type"] != type) continue;
          if (method == "GET") return Json(200, Public(*it));
          if (method == "DELETE") {
            notes.erase(it);
            return Json(204, nullptr);
          }
        }
        return NotFound();
      }
      return NotFound();
    }
    if (n >= 4 && s[2] == "wikis") {
      std::string slug;
      for (std::size_t i = 3; i < n; ++i) slug += (i > 3 ? "/" : "") + Unescape(s[i]);
      auto& wikis = data_["wikis"];
      for (auto it = wikis.begin(); it != wikis.end(); ++it) {
        if (it->value("project_id", std::int64_t{0}) != pid || it->value("slug", "") != slug) continue;
        if (method == "GET") {
          json out = Public(*it);
          out["content"] = it->value("content", "");
          return Json(200, out);
        }
        if (method == "DELETE") {
          wikis.erase(it);
          return Json(204, nullptr);
        }
      }
      return NotFound();
    }
  }
  return NotFound();
}

http::Response GitLabSim::Control(const http::Request& req) {
  if (req.path == "/_sim/requests") {
    if (req.method == "DELETE") {
      log_ = json::array();
      return Json(200, {{"cleared", true}});
    }
    return Json(200, log_);
  }
  if (req.path == "/_sim/faults") {
    if (req.method == "DELETE") {
      faults_.clear();
      return Json(200, {{"cleared", true}});
    }
    json f = json::parse(req.body, nullptr, false);
    if (!f.is_object()) return Json(400, {{"error", "expected a JSON object"}});
    Fault fault;
    fault.path_prefix = f.value("path_prefix", "/api/v4/");
    fault.status = f.value("status", 0);
    fault.count = f.value("count", -1);
    fault.retry_after = f.value("retry_after", -1);
    fault.latency_ms = f.value("latency_ms", 0);
    fault.drop = f.value("drop", false);
    faults_.push_back(fault);
    return Json(200, {{"faults", faults_.size()}});
  }
  if (req.path == "/_sim/state") return Json(200, data_);
  if (req.path.starts_with("/_sim/objects/") && req.method == "POST") {
    // Adds an object to a collection (a test's own user, with hostile text).
    const std::string collection = req.path.substr(14);
    json o = json::parse(req.body, nullptr, false);
    // A group's member: {"group_id", "member": {"id", "username", "access_level", ...}}.
    if (collection == "group_members" && o.is_object() && o.contains("group_id") && o["group_id"].is_number_integer() &&
        o.contains("member") && o["member"].is_object()) {
      data_["group_members"][std::to_string(o["group_id"].get<std::int64_t>())].push_back(o["member"]);
      return Json(201, o);
    }
    if (!data_.contains(collection) || !data_[collection].is_array() || !o.is_object()) {
      return Json(400, {{"error", "unknown collection or not an object"}});
    }
    data_[collection].push_back(o);
    return Json(201, o);
  }
  if (req.path == "/_sim/oauth" && req.method == "POST") {
    json o = json::parse(req.body, nullptr, false);
    if (!o.is_object() || !o.contains("user")) return Json(400, {{"error", "expected {\"user\": username}"}});
    oauth_user_ = o.value("user", "");
    return Json(200, {{"user", oauth_user_}});
  }
  return NotFound();
}

void GitLabSim::EnableOAuth(std::string client_id, std::string client_secret, std::string username) {
  std::lock_guard<std::mutex> lock(mu_);
  oauth_client_id_ = std::move(client_id);
  oauth_client_secret_ = std::move(client_secret);
  oauth_user_ = std::move(username);
}

http::Response GitLabSim::OAuth(const http::Request& req) {
  if (oauth_client_id_.empty()) return NotFound();
  const auto form = http::ParseForm(req.method == "GET" ? req.query : req.body);
  auto param = [&](const char* name) { return http::FormValue(form, name); };
  if (req.path == "/oauth/authorize" && req.method == "GET") {
    if (param("client_id") != oauth_client_id_) return Json(400, {{"error", "invalid_client"}});
    if (param("response_type") != "code" || param("code_challenge_method") != "S256" || param("code_challenge").empty()) {
      return Json(400, {{"error", "invalid_request"}});
    }
    // The configured user signs in and approves at once.
    const std::string code = "sim-code-" + std::to_string(++oauth_serial_);
    oauth_codes_[code] = {oauth_user_, param("redirect_uri"), param("code_challenge")};
    http::Response r;
    r.status = 302;
    r.headers.emplace_back("Location", param("redirect_uri") + "?code=" + code + "&state=" + http::PercentEncode(param("state")));
    return r;
  }
  if (req.path == "/oauth/token" && req.method == "POST") {
    auto it = oauth_codes_.find(param("code"));
    if (param("grant_type") != "authorization_code" || it == oauth_codes_.end()) {
      return Json(400, {{"error", "invalid_grant"}});
    }
    const OAuthGrant grant = it->second;
    oauth_codes_.erase(it);  // a code is good once
    if (param("client_id") != oauth_client_id_ || param("client_secret") != oauth_client_secret_) {
      return Json(401, {{"error", "invalid_client"}});
    }
    if (param("redirect_uri") != grant.redirect_uri ||
        security::Base64Url(security::Sha256(param("code_verifier"))) != grant.challenge) {
      return Json(400, {{"error", "invalid_grant"}});
    }
    const std::string token = "sim-oauth-token-" + std::to_string(++oauth_serial_);
    oauth_tokens_[token] = grant.username;
    return Json(200, {{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", 7200}, {"scope", "read_user"}});
  }
  if (req.path == "/api/v4/user" && req.method == "GET") {
    auto it = oauth_tokens_.find(std::string(req.Header("Authorization").substr(7)));
    if (it == oauth_tokens_.end()) return Json(401, {{"message", "401 Unauthorized"}});
    for (const auto& u : data_["users"]) {
      if (u.value("username", "") == it->second) return Json(200, Public(u));
    }
    return NotFound();
  }
  return NotFound();
}

json HookPayloads(const json& d) {
  json out = json::array();
  auto add = [&](const char* header, json payload) { out.push_back({{"event", header}, {"payload", std::move(payload)}}); };
  for (const auto& u : d["users"]) {
    add("System Hook", {{"event_name", "user_create"}, {"user_id", u["id"]}, {"username", u["username"]},
                        {"name", u["name"]}, {"email", "[REDACTED]"}, {"created_at", u["created_at"]}});
  }
  for (const auto& g : d["groups"]) {
    add("System Hook", {{"event_name", "group_create"}, {"group_id", g["id"]}, {"name", g["name"]}, {"path", g["path"]}});
  }
  for (const auto& p : d["projects"]) {
    add("System Hook", {{"event_name", "project_create"}, {"project_id", p["id"]}, {"name", p["name"]},
                        {"path_with_namespace", p["path_with_namespace"]}, {"project_visibility", p["visibility"]}});
  }
  for (const auto& i : d["issues"]) {
    add("Issue Hook", {{"object_kind", "issue"}, {"event_type", "issue"}, {"user", {{"id", i["author"]["id"]}}},
                       {"project", {{"id", i["project_id"]}}},
                       {"object_attributes", {{"iid", i["iid"]}, {"project_id", i["project_id"]}, {"action", "open"},
                                              {"title", i["title"]}}}});
  }
  for (const auto& m : d["merge_requests"]) {
    add("Merge Request Hook", {{"object_kind", "merge_request"}, {"user", {{"id", m["author"]["id"]}}},
                               {"project", {{"id", m["project_id"]}}},
                               {"object_attributes", {{"iid", m["iid"]}, {"action", "open"}, {"title", m["title"]}}}});
  }
  for (const auto& n : d["notes"]) {
    const std::string type = n["noteable_type"];
    json payload = {{"object_kind", "note"}, {"event_type", "note"}, {"user", {{"id", n["author"]["id"]}}},
                    {"project_id", n["project_id"]}, {"project", {{"id", n["project_id"]}}},
                    {"object_attributes", {{"id", n["id"]}, {"note", n["body"]}, {"noteable_type", type},
                                           {"action", "create"}, {"created_at", n["created_at"]},
                                           {"updated_at", n["updated_at"]}}}};
    if (type == "Issue") payload["issue"] = {{"iid", n["parent"]}};
    if (type == "MergeRequest") payload["merge_request"] = {{"iid", n["parent"]}};
    if (type == "Snippet") payload["snippet"] = {{"id", n["parent"]}};
    add("Note Hook", payload);
  }
  for (const auto& w : d["wikis"]) {
    add("Wiki Page Hook", {{"object_kind", "wiki_page"}, {"user", {{"id", w["author_id"]}}},
                           {"project", {{"id", w["project_id"]}}},
                           {"object_attributes", {{"slug", w["slug"]}, {"title", w["title"]}, {"action", "create"}}}});
  }
  for (const auto& s : d["snippets"]) {
    add("", {{"event_name", "snippet_check"}, {"snippet_id", s["id"]}});
  }
  return out;
}

}  // namespace spamphibian::sim
