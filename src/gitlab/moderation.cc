#include "gitlab/moderation.h"

#include "http/percent_encoding.h"

namespace spamphibian::gitlab {
namespace {

std::string Ref(const Item& item, const char* name) {
  const auto it = item.refs.find(name);
  if (it == item.refs.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// The item's own API path: /users/41, /projects/5/issues/7, ...
std::string ItemPath(const Item& item) {
  if (item.type == "user") return "/users/" + Ref(item, "user_id");
  if (item.type == "project") return "/projects/" + Ref(item, "project_id");
  if (item.type == "group") return "/groups/" + Ref(item, "group_id");
  if (item.type == "snippet") {
    const std::string project = Ref(item, "project_id");
    return (project.empty() ? "" : "/projects/" + project) + "/snippets/" + Ref(item, "snippet_id");
  }
  if (item.type == "issue") return "/projects/" + Ref(item, "project_id") + "/issues/" + Ref(item, "iid");
  if (item.type == "merge_request") return "/projects/" + Ref(item, "project_id") + "/merge_requests/" + Ref(item, "iid");
  if (item.type == "note") {
    return "/projects/" + Ref(item, "project_id") + "/" + Ref(item, "parent") + "/notes/" + Ref(item, "note_id");
  }
  if (item.type == "wiki_page") return "/projects/" + Ref(item, "project_id") + "/wikis/" + http::PercentEncode(Ref(item, "slug"));
  return "";
}

std::string AuthorPath(const Item& item) {
  if (item.type == "user") return ItemPath(item);
  return item.author.id > 0 ? "/users/" + std::to_string(item.author.id) : "";
}

std::string Original(const Item& item, const std::string& action_id) {
  return "Restored by Spamphibian from action " + action_id + " (originally by @" + item.author.username + ").";
}

}  // namespace

std::string ApiCall::Describe() const {
  return method + " /api/v4" + path + (body.empty() ? "" : " " + body.dump());
}

nlohmann::json ApiCall::ToJson() const { return {{"method", method}, {"path", path}, {"body", body}}; }

Status PlanAction(const Item& item, const std::string& action, std::vector<ApiCall>* calls, std::string* why) {
  calls->clear();
  why->clear();
  // The author's actions need only the author (an item GitLab refused to
  // save, inline_check/, has no path of its own).
  if (action == "block_user" || action == "ban_user") {
    const std::string author = AuthorPath(item);
    if (author.empty()) {
      *why = "the item names no author";
      return Status::Ok();
    }
    calls->push_back({"POST", author + (action == "ban_user" ? "/ban" : "/block"), nlohmann::json::object()});
    return Status::Ok();
  }
  const std::string path = ItemPath(item);
  if (path.empty() || path.ends_with("/")) return Status::InvalidArgument("item " + item.type + " " + item.id + " has no API path");
  if (action == "delete") {
    calls->push_back({"DELETE", path + (item.type == "user" ? "?hard_delete=false" : ""), nlohmann::json::object()});
    return Status::Ok();
  }
  if (action == "quarantine") {
    if (item.type == "user") {
      calls->push_back({"POST", path + "/block", nlohmann::json::object()});
    } else if (item.type == "project" || item.type == "group" || item.type == "snippet") {
      if (item.visibility == "private") {
        *why = "already private";
      } else {
        calls->push_back({"PUT", path, {{"visibility", "private"}}});
      }
    } else if (item.type == "issue") {
      // Confidential already (by its author, an admin, or the model's own
      // action before a purge reached it): nothing to send, nothing to undo.
      if (item.refs.value("confidential", false)) {
        *why = "already confidential";
      } else {
        calls->push_back({"PUT", path, {{"confidential", true}}});
      }
    } else {
      *why = "a " + item.type + " has no reversible form of hiding";
    }
    return Status::Ok();
  }
  return Status::InvalidArgument("'" + action + "' is not a GitLab action");
}

Status AlreadyApplied(const ApiCall& call, const ApiGet& get, bool* applied) {
  *applied = false;
  std::string path = call.path.substr(0, call.path.find('?'));
  std::string want_state;
  if (call.method == "POST" && path.ends_with("/block")) want_state = "blocked";
  if (call.method == "POST" && path.ends_with("/ban")) want_state = "banned";
  if (!want_state.empty()) path.resize(path.rfind('/'));
  nlohmann::json now;
  Status s = get(path, &now);
  if (call.method == "DELETE") {
    if (s.IsNotFound()) *applied = true;
    return s.IsNotFound() ? Status::Ok() : s;
  }
  if (!s.ok()) return s;
  if (!want_state.empty()) {
    const std::string state = now.value("state", "");
    // An LDAP block or a pending approval also keeps the user out.
    *applied = state == want_state || (want_state == "blocked" && state.find("blocked") != std::string::npos);
    return Status::Ok();
  }
  if (call.method == "PUT" && call.body.is_object()) {
    bool all = !call.body.empty();
    for (auto it = call.body.begin(); it != call.body.end(); ++it) {
      all = all && now.contains(it.key()) && now[it.key()] == it.value();
    }
    *applied = all;
    return Status::Ok();
  }
  return Status::InvalidArgument("cannot tell whether " + call.Describe() + " was applied");
}

Status PlanRestore(const Item& item, const std::string& action, const std::string& action_id, RestorePlan* plan) {
  *plan = RestorePlan();
  const std::string path = ItemPath(item);
  if (action == "block_user" || action == "ban_user" || (action == "quarantine" && item.type == "user")) {
    // Undo only what Spamphibian did: a user who was not active when it
    // acted (blocked or banned by an admin) stays so.
    const std::string& before = item.author.state;
    if (!before.empty() && before != "active") {
      plan->kept = "the user was already '" + before + "' before Spamphibian acted; left as it is";
      return Status::Ok();
    }
    const std::string author = AuthorPath(item);
    plan->calls.push_back({"POST", author + (action == "ban_user" ? "/unban" : "/unblock"), nlohmann::json::object()});
    return Status::Ok();
  }
  if (action == "quarantine") {
    if (item.type == "issue") {
      const bool was = item.refs.value("confidential", false);
      plan->calls.push_back({"PUT", path, {{"confidential", was}}});
    } else {
      plan->calls.push_back({"PUT", path, {{"visibility", item.visibility.empty() ? "public" : item.visibility}}});
    }
    return Status::Ok();
  }
  if (action != "delete") return Status::InvalidArgument("'" + action + "' is not a GitLab action");
  // Deleted: re-create what the API lets an admin create, under the admin
  // account, saying so; the rest can only be shown.
  if (item.type == "snippet") {
    // Every file by its archived name; the archive holds the first file's
    // text (GitLab's /raw), the others come back as a note saying so.
    std::vector<std::string> names;
    for (const auto& f : item.refs.value("files", nlohmann::json::array())) {
      if (f.is_string() && !f.get<std::string>().empty()) names.push_back(f.get<std::string>());
    }
    if (names.empty()) {
      const std::string old(item.Text("file_names"));  // archives before the file list was kept
      names.push_back(old.substr(0, old.find(", ")));
    }
    if (names.front().empty()) names.front() = "restored.txt";
    nlohmann::json files = nlohmann::json::array();
    for (std::size_t i = 0; i < names.size(); ++i) {
      files.push_back({{"file_path", names[i]},
                       {"content", i == 0 ? std::string(item.Text("content"))
                                          : "(content of this file was not archived by Spamphibian)"}});
    }
    nlohmann::json body = {{"title", std::string(item.Text("title"))},
                           {"description", Original(item, action_id) + "\n\n" + std::string(item.Text("description"))},
                           {"visibility", item.visibility.empty() ? "private" : item.visibility},
                           {"files", files}};
    const std::string project = item.refs.contains("project_id") ? Ref(item, "project_id") : "";
    plan->calls.push_back({"POST", (project.empty() ? "" : "/projects/" + project) + "/snippets", body});
    plan->lost = "the snippet is re-created with a new id, by the admin account";
  } else if (item.type == "issue") {
    plan->calls.push_back({"POST", "/projects/" + Ref(item, "project_id") + "/issues",
                           {{"title", std::string(item.Text("title"))},
                            {"description", Original(item, action_id) + "\n\n" + std::string(item.Text("description"))},
                            {"confidential", item.refs.value("confidential", false)}}});
    plan->lost = "the issue is re-created with a new number, by the admin account; its comments are not";
  } else {
    plan->lost = "GitLab's API cannot re-create a deleted " + item.type + "; its archived content is printed below";
  }
  return Status::Ok();
}

}  // namespace spamphibian::gitlab
