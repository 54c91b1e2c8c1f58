// InlineChecker: GitLab's question "is this spam?", asked before it saves an
// issue, snippet, comment or merge request, answered with the pipeline's
// own judgement (classify/judgement.h) and the inline policy
// (policy/policy.h `policy.inline`).
//
//   1. trust      the one trust decision (trust/trust_policy.h) for each
//                 verified e-mail GitLab sent: trusted -> ALLOW, not scored
//   2. render     the item as the classify stage renders a saved one
//   3. memory     the campaign counts and what reviewers answered, one
//                 round trip on a connection with a short timeout; when
//                 Redis does not answer in time the model judges alone and
//                 the answer says so (GitLab must never wait on us)
//   4. judge      model, thresholds, the rule that words alone are at most
//                 suspicious, the reviewers' memory; an author whose last
//                 reviewed item was answered not spam is allowed
//   5. policy     spam/suspicious -> ALLOW, CONDITIONAL_ALLOW, DISALLOW or
//                 BLOCK per item type; ALLOW when not named (monitor mode)
//   6. record     the decision (decision log); when refused also onto the
//                 decisions stream (the review queue shows what was refused
//                 before saving, and the act stage leaves it alone until a
//                 reviewer answers) and an audit entry. Written by a
//                 background writer: the answer never waits on it.
//
// Campaigns are counted without an item id (no flood): the item has none
// yet, and once saved the pipeline counts it under its real one; counting
// both would double an ordinary author's items.
//
// Thread-safe: one checker serves every gRPC thread.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "classify/campaigns.h"
#include "classify/model_holder.h"
#include "config/config.h"
#include "decisions/decision.h"
#include "inline_check/inline_request.h"
#include "metrics/registry.h"
#include "policy/policy.h"
#include "trust/trust_policy.h"

namespace spamphibian::inline_check {

// What a check asks Redis, on one connection (not thread-safe: the checker
// keeps one per call in flight).
class Memory {
 public:
  virtual ~Memory() = default;
  virtual Status InVerifiedSet(const std::string& email, bool* member) = 0;
  virtual classify::CampaignMemory& campaigns() = 0;
};
using MemoryFactory = std::function<std::unique_ptr<Memory>()>;

// Hands records (stream entries) to whatever writes them; never blocks.
using RecordSink = std::function<void(std::vector<Emit> emits)>;

struct InlineCheckerOptions {
  DecisionLog refused;      // queue: decisions, log: decision_log
  std::string decision_log; // full key of the decision log
  long long decision_log_maxlen = 0;
  std::string audit_stream;  // full key
  long long audit_maxlen = 0;
  ThresholdPair defaults;
  std::map<std::string, ThresholdPair> by_type;
  std::string gitlab_url;  // links to the instance itself are not off-site
};

struct CheckResult {
  std::string gitlab_verdict = "ALLOW";  // ALLOW, CONDITIONAL_ALLOW, DISALLOW, BLOCK
  std::string verdict;                   // trusted, spam, suspicious, ham
  double score = 0;
  bool evaluated = false;  // scored by the model (GitLab stores the score then)
  std::string reason;      // one sentence, for GitLab's log and ours
  bool memory_answered = true;
  std::string decision_id;
};

class InlineChecker {
 public:
  // Everything passed in must outlive the checker.
  InlineChecker(InlineCheckerOptions options, const classify::ModelHolder& models, const TrustPolicyHolder& trust,
                const policy::PolicyHolder& policies, MemoryFactory memory, RecordSink records,
                metrics::Registry& metrics, spdlog::logger& log);

  // Unavailable when no model is loaded (GitLab then allows: it fails open).
  Status Check(const InlineRequest& request, const std::string& correlation_id, CheckResult* out);

  bool ready() const { return models_.Get() != nullptr; }

 private:
  std::unique_ptr<Memory> TakeMemory();
  void GiveBack(std::unique_ptr<Memory> memory);
  std::string TrustedBy(const InlineRequest& request, const gitlab::Item& item, const TrustPolicy& trust,
                        Memory* memory, bool* memory_ok);
  void Judge(const gitlab::Item& item, const TrustPolicy& trust, const policy::Policy& policy,
             const classify::SpamModel& model, const std::string& version, Memory* memory, bool* memory_ok,
             CheckResult* out, Decision* d);
  void Record(const InlineRequest& request, const std::string& correlation_id, const CheckResult& result,
              Decision d);

  const InlineCheckerOptions options_;
  const classify::ModelHolder& models_;
  const TrustPolicyHolder& trust_;
  const policy::PolicyHolder& policies_;
  const MemoryFactory memory_factory_;
  const RecordSink records_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Memory>> idle_;  // connections not in use
  metrics::CounterFamily& checks_;
  metrics::CounterFamily& memory_unavailable_;
  spdlog::logger& log_;
};

}  // namespace spamphibian::inline_check
