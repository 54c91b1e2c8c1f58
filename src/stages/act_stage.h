// ActStage: decisions -> GitLab actions, the audit trail, notifications.
//
// For a `spam` or `suspicious` decision the policy (policy/policy.h) names
// ordered actions. Each GitLab-changing action, in this order:
//   1. trusted author (the one trust decision, trust/trust_policy.h:
//      admins, listed or internal bots, confirmed verified e-mails)
//                                                       -> refused
//   2. not applicable to the item (quarantine a note)  -> recorded, nothing sent
//   3. dry_run                                          -> the exact API call logged, none sent
//   4. reserved in the ledger before anything is sent, all actions of the
//      decision at once with their destructive-cap slots (Lua, atomic):
//        already carried out                          -> not again (replayed in the audit)
//        cap reached                                  -> the decision waits (Hold),
//                                                        spamphibian_act_cap_reached is 1
//        reserved by someone whose lease runs         -> wait (Retry)
//        reserved, lease over, no result recorded     -> reconcile: ask GitLab whether
//          (the owner died, or was cut off)              the effect is there; if so, record
//                                                        it done without writing
//                                                        (spamphibian_act_reconciled_total)
//   5. archive the item and decision to S3 (stages/action_archive.h): every
//      action of the batch in one object, noted in the ledger with its
//      reservation, written before any of them is sent; if that fails,
//      their reservations (and notes) are dropped and nothing is sent
//      (Hold). A taken-over action keeps the archive its first owner wrote,
//      if it is there: it is older than any call of the action
//   6. the API calls, bounded by the reservation's lease (no request is
//      sent after it ends, so a resumer that waits for the lease never
//      races a write in flight); the result is recorded and audited. The
//      batch's decisions are sent at once, one per lane (ActStageDeps::send),
//      each decision's actions in order.
// A reviewed decision (its "review" object, from the review queue) carries
// the reviewer's actions instead of the policy's, taken even in monitor
// mode and whatever the policy's dry run (review.dry_run has its say), or, for "not spam", undoes every action taken
// on the item (and, after a purge, on every item of the purge).
// A reviewed decision with a purge plan also puts one reviewed decision
// per item of the plan back onto `decisions`, atomically with its own
// acknowledgement, under one audit entry for the purge; every action of a
// purge is indexed under it in the ledger (`restore --purge`). An item of
// a purge whose review was answered "not spam" meanwhile is refused.
// Every action taken or refused is one entry in the audit stream (atomic
// with the acknowledgement) and one JSON log line. With `notify` in the
// list, one notification entry (for the notify stage) says what happened.
#pragma once

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "base/lanes.h"
#include "gitlab/moderation.h"
#include "metrics/registry.h"
#include "policy/policy.h"
#include "stages/action_ledger.h"
#include "stages/stage.h"
#include "storage/object_store.h"

namespace spamphibian {

// Sends one GitLab API call (GitLabApi::Send in production), sending and
// retrying nothing after `deadline`.
using GitLabSend = std::function<Status(const gitlab::ApiCall& call, std::chrono::steady_clock::time_point deadline,
                                        nlohmann::json* response)>;

// The trust decision for an author: *reason "" when not trusted. An error
// (Redis down) makes the decision wait.
using AuthorTrust = std::function<Status(const gitlab::Author& author, std::string* reason)>;

struct ActStageOptions {
  std::string audit_stream;          // full key
  long long audit_maxlen = 0;        // approximate cap of the audit stream (0: none); the log lines are the full record
  std::string notifications_stream;  // full key; "" = no notifications (no Slack configured)
  // Names this worker in its reservations; unique per process and worker.
  std::string owner = "act";
  // The lease of a reservation: every GitLab call of an action ends within
  // it. Shorter than the claim time (checked at start-up).
  std::chrono::milliseconds action_deadline{20000};
  // Reviewers' answers are logged, not sent (review.dry_run).
  bool review_dry_run = false;
  // Full key of the decisions stream (this stage's input): a purge
  // (purge/purge_plan.h) goes back onto it as one reviewed decision per
  // item, each then carried out like any other.
  std::string decisions_stream;
};

// What the stage works with; all must outlive it. `archive` may be null
// only while the policy changes nothing in GitLab.
// The review queue's state of each decision of `ids` ("" when it has no
// review, or no queue runs), in one round trip for a batch: a decision
// that waited here (S3 down, the cap) while a reviewer answered "not spam"
// is not acted on afterwards.
using ReviewState = std::function<Status(const std::vector<std::string>& ids, std::vector<std::string>* states)>;

struct ActStageDeps {
  const policy::PolicyHolder& policies;
  ActionLedger& ledger;
  storage::ObjectStore* archive;
  // One GitLab connection per lane: a batch's decisions are sent on
  // send.size() lanes at once, each lane's calls on its own connection
  // (at least one).
  std::vector<GitLabSend> send;
  gitlab::ApiGet get;  // for reconciling, on the stage's own thread
  AuthorTrust trust;
  ReviewState review_state = nullptr;  // null: no review queue
};

class ActStage : public Stage {
 public:
  ActStage(ActStageOptions options, ActStageDeps deps, metrics::Registry& metrics, spdlog::logger& log);

  std::string_view name() const override { return "act"; }
  void ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) override;
  Outcome Process(const Entry& entry) override;

 private:
  struct Step;
  struct Work;
  // Appends the audit entry, counts and logs it.
  void Audit(const nlohmann::json& record, std::vector<Emit>* emits);
  // A reviewer said "not spam": every action on the item is undone from its
  // archive (stages/restorer.h), each restore audited.
  Outcome Undo(const nlohmann::json& decision, const gitlab::Item& item);
  // The purge's audit entry and one reviewed decision per item of `plan`
  // back onto the decisions stream (emitted with the acknowledgement);
  // `status` started, dry_run, or refused (a trusted author: no items).
  void Purge(const nlohmann::json& decision, const nlohmann::json& plan, const gitlab::Item& item,
             const std::string& decided_by, const std::string& status, std::vector<Emit>* emits);
  // The phases of a batch, in order:
  //   Read (per decision: the policy's or the reviewer's actions),
  //   AskReviews (the review queue's state, for the batch at once),
  //   Reserve (per decision, steps 1-4: trust, the reservation; Resume for
  //            an action someone else reserved),
  //   ArchiveBatch (step 5, one object for the batch),
  //   Send (step 6, the decisions on lanes at once),
  //   Settle (per decision) and the ledger's records for the batch at once,
  //   Finish (per decision: the audit, the notification).
  // A decision that ends early carries its outcome (Work::outcome) through
  // the later phases untouched.
  void Read(const Entry& entry, Work& work);
  void AskReviews(std::vector<Work>& works);
  // The batch's archive object is named at its first reservation, in
  // *archive_key, and noted with each (one round trip fewer per batch).
  void Reserve(Work& work, std::string* archive_key);
  void Resume(Work& work, Step& step);
  void ArchiveBatch(std::vector<Work>& works, std::string archive_key);
  void Send(Work& work, int lane);
  // What sending came to: a failed action's lease ends; the ones carried
  // out are added to `carried_out`, remembered for the batch at once.
  void Settle(Work& work, std::vector<ActionLedger::Record>* carried_out);
  Outcome Finish(Work& work);
  // Ends `work` with `outcome` before anything of it is sent.
  void Stop(Work& work, Outcome outcome);
  // Appends an action's archive record, one line of the batch's object.
  void AppendArchiveLine(const Step& step, const Work& work, std::string* lines) const;

  ActStageOptions options_;
  ActStageDeps deps_;
  metrics::CounterFamily& actions_;
  metrics::GaugeFamily& cap_reached_;
  metrics::CounterFamily& deferred_;
  metrics::Counter& reconciled_;
  spdlog::logger& log_;
  Lanes lanes_;  // one per deps_.send connection
};

// The id of `action` for the decision in stream entry `entry_id`: stable,
// so that a re-processed decision finds its earlier actions.
std::string ActionId(const std::string& entry_id, const std::string& action);

}  // namespace spamphibian
