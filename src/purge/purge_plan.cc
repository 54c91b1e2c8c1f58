#include "purge/purge_plan.h"

#include <algorithm>

#include "gitlab/moderation.h"
#include "security/crypto.h"

namespace spamphibian::purge {
namespace {

// GitLab hides a banned user's issues, merge requests and comments from
// everyone but admins (and shows them again on unban).
bool HiddenByBan(const std::string& type) { return type == "issue" || type == "merge_request" || type == "note"; }

// What is kept of an item's text in a plan: enough to re-create what
// `delete` removed, bounded so that a plan of a thousand items stays a
// stream entry of reasonable size.
constexpr std::size_t kMaxFieldBytes = 8 << 10;

nlohmann::json ItemJson(const gitlab::Item& item, bool for_people) {
  if (for_people) {
    return {{"type", item.type}, {"id", item.id}, {"title", std::string(item.Text("title"))},
            {"web_url", item.web_url}, {"visibility", item.visibility}, {"created_at", item.created_at}};
  }
  gitlab::Item bounded = item;
  bounded.raw = nlohmann::json::object();
  for (auto& [field, value] : bounded.text) {
    if (value.size() > kMaxFieldBytes) value.resize(kMaxFieldBytes);  // the archive's copy is JSON-dumped with replace
  }
  return gitlab::ToJson(bounded);
}

}  // namespace

void AssignActions(const review::ReviewPolicy& policy, PurgePlan* plan) {
  std::string digest_input = plan->author_action + "|" + std::to_string(plan->author.id) + "|";
  for (PlanItem& p : plan->items) {
    p.actions.clear();
    p.why.clear();
    std::string not_applicable;
    for (const std::string& action : policy.OnSpam(p.item.type)) {
      if (action != "quarantine" && action != "delete") continue;  // the author's actions are the review's own
      std::vector<gitlab::ApiCall> calls;
      std::string why;
      if (!gitlab::PlanAction(p.item, action, &calls, &why).ok()) {
        not_applicable = "GitLab's API has no address for it";
      } else if (calls.empty()) {
        not_applicable = why;
      } else {
        p.actions.push_back(action);
      }
    }
    if (std::find(p.actions.begin(), p.actions.end(), "delete") != p.actions.end()) {
      p.effect = "delete";
    } else if (!p.actions.empty()) {
      p.effect = "hide";
    } else if (plan->author_action == "ban_user" && HiddenByBan(p.item.type)) {
      p.effect = "hidden_by_ban";
      p.why = "GitLab hides a banned user's issues, merge requests and comments";
    } else {
      p.effect = "kept";
      p.why = not_applicable.empty() ? "review.on_spam sends nothing for a " + p.item.type : not_applicable;
    }
    digest_input += p.item.type + ":" + p.item.id + "=";
    for (const auto& a : p.actions) digest_input += a + ",";
    digest_input += ";";
  }
  plan->purge_id = "purge-" + security::Sha256Hex(digest_input).substr(0, 16);
}

nlohmann::json Summary(const PurgePlan& plan) {
  nlohmann::json counts = nlohmann::json::object();
  for (const PlanItem& p : plan.items) {
    nlohmann::json& n = counts[p.item.type][p.effect.empty() ? "kept" : p.effect];
    n = n.is_number() ? n.get<int>() + 1 : 1;
  }
  return counts;
}

nlohmann::json ToJson(const PurgePlan& plan, bool for_people) {
  nlohmann::json items = nlohmann::json::array();
  for (const PlanItem& p : plan.items) {
    items.push_back({{"item", ItemJson(p.item, for_people)}, {"actions", p.actions}, {"effect", p.effect}, {"why", p.why}});
  }
  return {{"purge_id", plan.purge_id},
          {"review_id", plan.review_id},
          {"author", {{"id", plan.author.id}, {"username", plan.author.username}, {"created_at", plan.author.created_at}}},
          {"reviewed_item", plan.reviewed_item},
          {"author_action", plan.author_action},
          {"state", plan.state},
          {"stopped", plan.stopped},
          {"max_items", plan.max_items},
          {"sources_done", plan.sources_done},
          {"found_at", plan.found_at},
          {"counts", Summary(plan)},
          {"items", items}};
}

Status FromJson(const nlohmann::json& j, PurgePlan* plan) {
  *plan = PurgePlan();
  if (!j.is_object()) return Status::InvalidArgument("a purge plan is a JSON object");
  try {
    plan->purge_id = j.value("purge_id", "");
    plan->review_id = j.value("review_id", "");
    const nlohmann::json author = j.value("author", nlohmann::json::object());
    plan->author.id = author.value("id", std::int64_t{0});
    plan->author.username = author.value("username", "");
    plan->author.created_at = author.value("created_at", "");
    plan->reviewed_item = j.value("reviewed_item", "");
    plan->author_action = j.value("author_action", "block_user");
    plan->state = j.value("state", "partial");
    plan->stopped = j.value("stopped", "");
    plan->max_items = j.value("max_items", std::size_t{1000});
    plan->found_at = j.value("found_at", "");
    for (const auto& s : j.value("sources_done", nlohmann::json::array())) plan->sources_done.push_back(s.get<std::string>());
    for (const auto& e : j.value("items", nlohmann::json::array())) {
      PlanItem p;
      if (Status s = gitlab::FromJson(e.value("item", nlohmann::json::object()), &p.item); !s.ok()) return s;
      for (const auto& a : e.value("actions", nlohmann::json::array())) p.actions.push_back(a.get<std::string>());
      p.effect = e.value("effect", "");
      p.why = e.value("why", "");
      plan->items.push_back(std::move(p));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("purge plan: ") + e.what());
  }
  return Status::Ok();
}

nlohmann::json ForAct(const PurgePlan& plan) {
  nlohmann::json items = nlohmann::json::array();
  for (const PlanItem& p : plan.items) {
    if (p.actions.empty()) continue;
    items.push_back({{"item", ItemJson(p.item, false)}, {"actions", p.actions}});
  }
  return {{"purge_id", plan.purge_id},
          {"author", {{"id", plan.author.id}, {"username", plan.author.username}}},
          {"counts", Summary(plan)},
          {"state", plan.state},
          {"items", items}};
}

std::vector<nlohmann::json> ItemDecisions(const nlohmann::json& purge, const nlohmann::json& review,
                                          const std::string& time) {
  std::vector<nlohmann::json> out;
  const std::string purge_id = purge.value("purge_id", "");
  std::size_t n = 0;
  for (const auto& e : purge.value("items", nlohmann::json::array())) {
    const nlohmann::json item = e.value("item", nlohmann::json::object());
    nlohmann::json d = {{"decision_id", purge_id + "-" + std::to_string(++n)},
                        {"event_type", "purge"},
                        {"item_type", item.value("type", "")},
                        {"item_id", item.value("id", "")},
                        {"verdict", "spam"},
                        {"time", time},
                        {"purge_id", purge_id},
                        {"item", item},
                        {"review",
                         {{"review_id", review.value("review_id", "")},
                          {"outcome", "spam"},
                          {"reviewer", review.value("reviewer", "")},
                          {"via", review.value("via", "")},
                          {"actions", e.value("actions", nlohmann::json::array())},
                          {"scope", "purge"},
                          {"purge_id", purge_id}}}};
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace spamphibian::purge
