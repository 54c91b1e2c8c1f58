// Planner: the purge plan of a review's author, found once and kept.
//
// The plan is stored under the review (PlanStore, Redis, a day) so that
// the answer carries out the very plan the reviewer was shown: the answer
// quotes the plan's id, and a plan found again since (different items)
// has another. A partial plan (GitLab failed or the time ran out) is kept
// too and resumed by the next request.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/status.h"
#include "purge/content_finder.h"
#include "purge/purge_plan.h"
#include "redis/client.h"
#include "review/outcomes.h"

namespace spamphibian::purge {

class PlanStore {
 public:
  virtual ~PlanStore() = default;
  virtual Status Load(const std::string& review_id, PurgePlan* plan, bool* found) = 0;
  virtual Status Save(const PurgePlan& plan) = 0;
};

// Keys: <prefix>purge_plan:<review_id> (JSON), expiring after `keep`.
// Not thread-safe: one per thread.
class RedisPlanStore : public PlanStore {
 public:
  RedisPlanStore(const redis::Connector& connector, std::string prefix, std::chrono::seconds keep = std::chrono::hours(24));
  Status Load(const std::string& review_id, PurgePlan* plan, bool* found) override;
  Status Save(const PurgePlan& plan) override;

 private:
  redis::Client client_;
  std::string prefix_;
  std::chrono::seconds keep_;
};

struct PlannerOptions {
  std::size_t max_items = 1000;              // review.purge_max_items
  review::ReviewPolicy policy;               // on_spam by type, author_action
};

class Planner {
 public:
  // `finder` and `store` must outlive this.
  Planner(PlannerOptions options, ContentFinder& finder, PlanStore& store)
      : options_(std::move(options)), finder_(finder), store_(store) {}

  // The plan for review `review_id`, whose item is `reviewed` (its author
  // is the one purged): the stored one when it is ready and `refresh` is
  // false; else found (a partial one resumed), stored and returned. A
  // plan GitLab stopped half-way is returned as it is (state "partial",
  // `stopped` says why); errors are Redis's.
  Status PlanFor(const std::string& review_id, const gitlab::Item& reviewed, bool refresh, PurgePlan* plan);

 private:
  PlannerOptions options_;
  ContentFinder& finder_;
  PlanStore& store_;
};

}  // namespace spamphibian::purge
