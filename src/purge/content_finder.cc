#include "purge/content_finder.h"

#include <algorithm>
#include <set>

#include "gitlab/api_fields.h"
#include "gitlab/author_content.h"
#include "gitlab/normalize.h"

namespace spamphibian::purge {
namespace {

// The listings of a purge, in order; "groups" is two steps of its own
// (ContentFinder::Groups).
constexpr const char* kListings[] = {"projects", "issues", "merge_requests", "snippets", "groups", "events"};

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
  for (const char* name : kListings) {
    if (std::find(plan->sources_done.begin(), plan->sources_done.end(), name) != plan->sources_done.end()) continue;
    bool full = false;
    Status s;
    if (std::string_view(name) == "groups") {
      s = Groups(plan, [&](gitlab::Item item) { return (full = !add(std::move(item))) == false; });
    } else {
      const gitlab::AuthorListing& listing = *gitlab::FindAuthorListing(name);
      s = list_(gitlab::AuthorListingPath(listing, author), [&](const nlohmann::json& page) {
        if (!page.is_array()) return false;
        for (const auto& element : page) {
          gitlab::Item item;
          if (!gitlab::ItemFromListing(listing, element, &item)) continue;
          // The admin's listing of every snippet: only this author's.
          if (item.type == "snippet" && gitlab::Int(element, {"author", "id"}) != author.id) continue;
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
      plan->stopped = std::string(name) + ": " + s.message();
      return s;
    }
    plan->sources_done.push_back(name);
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
