// ActStage: decisions -> GitLab actions, the audit trail, notifications.
//
// For a `spam` or `suspicious` decision the policy (policy/policy.h) names
// ordered actions. Each GitLab-changing action, in this order:
//   1. already carried out for this decision (ledger)  -> not again
//   2. trusted author (admin, bot, verified e-mail)    -> refused
//   3. not applicable to the item (quarantine a note)  -> recorded, nothing sent
//   4. dry_run                                          -> the exact API call logged, none sent
//   5. the destructive-action cap for this minute       -> the decision waits (Hold) and
//                                                          spamphibian_act_cap_reached is 1
//   6. archive the item and decision to S3 actions/<action_id>.json; if that
//      fails, no action (Hold, tried again later)
//   7. the API calls; the result is remembered (idempotency) and audited.
// Every action taken or refused is one entry in the audit stream (atomic
// with the acknowledgement) and one JSON log line. With `notify` in the
// list, one notification entry (for the notify stage) says what happened.
#pragma once

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <string>

#include "gitlab/moderation.h"
#include "metrics/registry.h"
#include "policy/policy.h"
#include "stages/action_ledger.h"
#include "stages/stage.h"
#include "storage/object_store.h"

namespace spamphibian {

// Sends one GitLab API call (GitLabApi::Send in production).
using GitLabSend = std::function<Status(const gitlab::ApiCall& call, nlohmann::json* response)>;

struct ActStageOptions {
  std::string audit_stream;          // full key
  long long audit_maxlen = 0;        // approximate cap of the audit stream (0: none); the log lines are the full record
  std::string notifications_stream;  // full key; "" = no notifications (no Slack configured)
};

class ActStage : public Stage {
 public:
  // `policies`, `ledger`, `metrics` and `log` must outlive the stage;
  // `archive` may be null only while the policy changes nothing in GitLab.
  ActStage(ActStageOptions options, const policy::PolicyHolder& policies, ActionLedger& ledger,
           storage::ObjectStore* archive, GitLabSend send, metrics::Registry& metrics, spdlog::logger& log);

  std::string_view name() const override { return "act"; }
  Outcome Process(const Entry& entry) override;

 private:
  struct Step;
  // Appends the audit entry, counts and logs it.
  void Audit(const nlohmann::json& record, std::vector<Emit>* emits);

  ActStageOptions options_;
  const policy::PolicyHolder& policies_;
  ActionLedger& ledger_;
  storage::ObjectStore* archive_;
  GitLabSend send_;
  metrics::CounterFamily& actions_;
  metrics::GaugeFamily& cap_reached_;
  metrics::CounterFamily& deferred_;
  spdlog::logger& log_;
};

// The id of `action` for the decision in stream entry `entry_id`: stable,
// so that a re-processed decision finds its earlier actions.
std::string ActionId(const std::string& entry_id, const std::string& action);

}  // namespace spamphibian
