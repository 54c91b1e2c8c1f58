#include "purge/planner.h"

#include "decisions/decision.h"

namespace spamphibian::purge {

RedisPlanStore::RedisPlanStore(const redis::Connector& connector, std::string prefix, std::chrono::seconds keep)
    : client_(connector), prefix_(std::move(prefix)), keep_(keep) {}

Status RedisPlanStore::Load(const std::string& review_id, PurgePlan* plan, bool* found) {
  *found = false;
  redis::Reply r;
  if (Status s = client_.Run({"GET", prefix_ + "purge_plan:" + review_id}, &r); !s.ok()) return s;
  if (r->type != REDIS_REPLY_STRING) return Status::Ok();
  const nlohmann::json j = nlohmann::json::parse(redis::ReplyText(r.get()), nullptr, false);
  // A stored plan that no longer reads (an older format) is found again.
  if (!FromJson(j, plan).ok()) return Status::Ok();
  *found = true;
  return Status::Ok();
}

Status RedisPlanStore::Save(const PurgePlan& plan) {
  return client_.Run({"SET", prefix_ + "purge_plan:" + plan.review_id,
                      ToJson(plan).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "EX",
                      std::to_string(keep_.count())});
}

Status Planner::PlanFor(const std::string& review_id, const gitlab::Item& reviewed, bool refresh, PurgePlan* plan) {
  bool found = false;
  if (Status s = store_.Load(review_id, plan, &found); !s.ok()) return s;
  if (found && plan->ready() && !refresh) return Status::Ok();
  if (!found || refresh) {
    *plan = PurgePlan();
    plan->review_id = review_id;
    plan->author = reviewed.author;
    plan->reviewed_item = reviewed.type + ":" + reviewed.id;
  }
  plan->max_items = options_.max_items;
  plan->author_action = options_.policy.author_action;
  // GitLab's failure is the plan's state ("partial", and why), not ours.
  (void)finder_.Find(plan);
  AssignActions(options_.policy, plan);
  plan->found_at = NowRfc3339();
  return store_.Save(*plan);
}

}  // namespace spamphibian::purge
