#include "purge/content_finder.h"

#include <algorithm>
#include <set>

#include "gitlab/api_fields.h"
#include "gitlab/normalize.h"
#include "http/percent_encoding.h"

namespace spamphibian::purge {
namespace {

// One listing of an author's content. %ID% is the author's id, %SINCE%
// their sign-up time.
struct Source {
  const char* name;
  const char* type;  // the item type of each element ("" for events: by target)
  const char* path;
};

constexpr Source kSources[] = {
    {"projects", "project", "/users/%ID%/projects?order_by=id&sort=asc"},
    {"issues", "issue", "/issues?author_id=%ID%&scope=all&order_by=created_at&sort=asc"},
    {"merge_requests", "merge_request", "/merge_requests?author_id=%ID%&scope=all&state=all&order_by=created_at&sort=asc"},
    {"snippets", "snippet", "/snippets/all%SINCE%"},
    {"groups", "group", ""},  // two steps: ContentFinder::Groups
    {"events", "", "/users/%ID%/events?sort=asc"},
};

std::string PathFor(const Source& s, const gitlab::Author& author) {
  std::string path = s.path;
  if (auto at = path.find("%ID%"); at != std::string::npos) path.replace(at, 4, std::to_string(author.id));
  if (auto at = path.find("%SINCE%"); at != std::string::npos) {
    path.replace(at, 7, author.created_at.empty() ? "" : "?created_after=" + http::PercentEncode(author.created_at));
  }
  return path;
}

// The item an event tells of: a comment (its note is embedded) or a wiki
// page (slug and title). Other events (pushes, joins, issues opened: those
// come from their own listings) tell of nothing to purge.
bool FromEvent(const nlohmann::json& event, gitlab::Item* item) {
  if (!event.is_object()) return false;
  const std::string target = gitlab::Str(event, "target_type");
  const std::int64_t project = gitlab::Int(event, {"project_id"});
  if (target == "Note" || target == "DiffNote" || target == "DiscussionNote") {
    auto it = event.find("note");
    if (it == event.end() || !it->is_object() || gitlab::Bool(*it, "system")) return false;
    nlohmann::json note = *it;
    note["project_id"] = project;  // an event's note lacks where it is: the event says
    return gitlab::Normalize("note", note, item).ok() && project > 0;
  }
  if (target == "WikiPage::Meta") {
    auto it = event.find("wiki_page");
    if (it == event.end() || !it->is_object() || project <= 0 || gitlab::Str(*it, "slug").empty()) return false;
    if (!gitlab::Normalize("wiki_page", *it, item).ok()) return false;
    item->refs["project_id"] = project;
    item->id = std::to_string(project) + "/" + item->id;
    return true;
  }
  return false;
}

}  // namespace

Status ContentFinder::Find(PurgePlan* plan) {
  std::set<std::string> seen;
  for (const PlanItem& p : plan->items) seen.insert(p.item.type + ":" + p.item.id);
  const gitlab::Author author = plan->author;
  // Adds an item unless seen (or the review's own); false when the plan is
  // full already (so a listing that ends at the cap is complete).
  const auto add = [&](gitlab::Item item) {
    if (plan->items.size() >= plan->max_items) return false;
    const std::string key = item.type + ":" + item.id;
    if (key == plan->reviewed_item || !seen.insert(key).second) return true;
    // Listings embed a short author; the plan is about this one.
    item.author.id = author.id;
    item.author.username = author.username;
    item.raw = nlohmann::json::object();
    plan->items.push_back(PlanItem{std::move(item), {}, "", ""});
    return true;
  };
  plan->state = "partial";
  plan->stopped.clear();
  for (const Source& source : kSources) {
    if (std::find(plan->sources_done.begin(), plan->sources_done.end(), source.name) != plan->sources_done.end()) continue;
    bool full = false;
    Status s;
    if (std::string_view(source.name) == "groups") {
      s = Groups(plan, [&](gitlab::Item item) { return (full = !add(std::move(item))) == false; });
    } else {
      s = list_(PathFor(source, author), [&](const nlohmann::json& page) {
        if (!page.is_array()) return false;
        for (const auto& element : page) {
          gitlab::Item item;
          if (*source.type == '\0') {
            if (!FromEvent(element, &item)) continue;
          } else {
            if (!element.is_object() || !gitlab::Normalize(source.type, element, &item).ok()) continue;
            // The admin's listing of every snippet: only this author's.
            if (item.type == "snippet" && gitlab::Int(element, {"author", "id"}) != author.id) continue;
          }
          if (!add(std::move(item))) {
            full = true;
            return false;
          }
        }
        return true;
      });
    }
    if (full) {
      plan->state = "truncated";
      plan->stopped = "stopped at review.purge_max_items (" + std::to_string(plan->max_items) + ")";
      return Status::Ok();
    }
    // A listing this GitLab does not have (an older version, no admin
    // memberships) is no reason to stop: the rest is still found.
    if (!s.ok() && !s.IsNotFound()) {
      plan->stopped = std::string(source.name) + ": " + s.message();
      return s;
    }
    plan->sources_done.push_back(source.name);
  }
  plan->state = "complete";
  return Status::Ok();
}

Status ContentFinder::Groups(PurgePlan* plan, const std::function<bool(gitlab::Item)>& add) {
  std::vector<std::int64_t> owned;
  Status s = list_("/users/" + std::to_string(plan->author.id) + "/memberships?type=Namespace",
                   [&](const nlohmann::json& page) {
                     for (const auto& m : page) {
                       if (!m.is_object() || gitlab::Str(m, "source_type") != "Namespace") continue;
                       if (gitlab::Int(m, {"access_level"}) >= 50) owned.push_back(gitlab::Int(m, {"source_id"}));
                     }
                     return true;
                   });
  if (!s.ok()) return s;
  for (std::int64_t group : owned) {
    bool alone = true;
    s = list_("/groups/" + std::to_string(group) + "/members/all", [&](const nlohmann::json& page) {
      for (const auto& m : page) {
        if (gitlab::Int(m, {"id"}) != plan->author.id) alone = false;
      }
      return alone;
    });
    if (s.IsNotFound()) continue;
    if (!s.ok()) return s;
    if (!alone) continue;
    nlohmann::json object;
    s = get_("/groups/" + std::to_string(group), &object);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return s;
    gitlab::Item item;
    if (!gitlab::Normalize("group", object, &item).ok()) continue;
    if (!add(std::move(item))) return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace spamphibian::purge
