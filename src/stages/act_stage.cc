#include "stages/act_stage.h"

#include <algorithm>

#include "decisions/decision.h"
#include "gitlab/item.h"
#include "log/json_log.h"
#include "purge/purge_plan.h"
#include "stages/restorer.h"

namespace spamphibian {
namespace {

std::int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The lease (wall time, shared by every host) as a deadline on this
// process's steady clock.
std::chrono::steady_clock::time_point SteadyDeadline(std::int64_t lease_until_ms) {
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(lease_until_ms - WallMs());
}

}  // namespace

std::string ActionId(const std::string& entry_id, const std::string& action) { return "act-" + entry_id + "-" + action; }

ActStage::ActStage(ActStageOptions options, ActStageDeps deps, metrics::Registry& metrics, spdlog::logger& log)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      actions_(metrics.AddCounter("spamphibian_actions_total",
                                  "Actions of the act stage, by item type, action and status (taken, dry_run, "
                                  "refused, not_applicable, gone, replayed).",
                                  {"item_type", "action", "status"})),
      cap_reached_(metrics.AddGauge("spamphibian_act_cap_reached",
                                    "1 while destructive actions wait because the per-minute cap is reached.")),
      deferred_(metrics.AddCounter("spamphibian_act_deferred_total",
                                   "Decisions put back because the destructive-action cap was reached.")),
      reconciled_(metrics.AddCounter("spamphibian_act_reconciled_total",
                                     "Actions resumed after their owner died or was cut off, found already applied "
                                     "in GitLab and recorded as done without sending the write again.")
                      .With({})),
      log_(log) {}

void ActStage::Audit(const nlohmann::json& record, std::vector<Emit>* emits) {
  emits->push_back(Emit{options_.audit_stream, {{"audit", record.dump()}, {"action_id", record.value("action_id", "")}},
                        options_.audit_maxlen});
  actions_.With({record.value("item_type", ""), record.value("action", ""), record.value("status", "")}).Inc();
  LogJson(log_, spdlog::level::info, "audit", record);
}

struct ActStage::Step {
  std::string action;
  std::string id;
  std::vector<gitlab::ApiCall> calls;
  std::string not_applicable;  // why, when calls is empty
  nlohmann::json found;        // what the ledger had: null (reserved for us now), a result, or a reservation
};

// The record restore reads (stages/restorer.h): the decision, the calls,
// and what the item was before them.
Status ActStage::Archive(const Step& step, const std::string& key, const nlohmann::json& d) {
  const nlohmann::json& item = d["item"];
  const nlohmann::json& author = item.value("author", nlohmann::json::object());
  const nlohmann::json& refs = item.value("refs", nlohmann::json::object());
  nlohmann::json archived = {{"action_id", step.id}, {"action", step.action}, {"decision", d},
                             {"api_calls", nlohmann::json::array()}, {"time", NowRfc3339()},
                             // What Spamphibian found, so that restore undoes only what it did.
                             {"prior_state", {{"author_state", author.value("state", "")},
                                              {"visibility", item.value("visibility", "")},
                                              {"confidential", refs.value("confidential", false)}}}};
  for (const auto& c : step.calls) archived["api_calls"].push_back(c.ToJson());
  return deps_.archive->Put(key, archived.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                            "application/json");
}

std::optional<Outcome> ActStage::Carry(Step& step, const std::string& item_key, const nlohmann::json& d,
                                       nlohmann::json* record) {
  const auto get = [this](const std::string& path, nlohmann::json* out) { return deps_.get(path, out); };
  std::int64_t lease_until = WallMs() + options_.action_deadline.count();
  if (step.found.is_object()) {
    // Someone's reservation with no result: running, or its owner is gone.
    const std::string owner = step.found.value("owner", "");
    const std::int64_t their_lease = step.found.value("lease_until_ms", std::int64_t{0});
    if (their_lease > WallMs()) {
      return Outcome::Retry("action " + step.id + " is being carried out by " + owner + " (lease for " +
                            std::to_string(their_lease - WallMs()) + " ms more)");
    }
    // Its lease is over, so its owner sends nothing more. Whatever it sent
    // may have reached GitLab: look before writing.
    bool all_applied = true;
    for (const auto& call : step.calls) {
      bool applied = false;
      Status s = gitlab::AlreadyApplied(call, get, &applied);
      if (s.IsPermissionDenied()) return Outcome::Hold("GitLab: " + s.message());
      if (!s.ok()) return Outcome::Retry("reconcile " + step.id + ": " + s.message());
      all_applied = all_applied && applied;
    }
    if (all_applied) {
      reconciled_.Inc();
      (*record)["status"] = "taken";
      (*record)["reconciled"] = "already applied in GitLab; resumed from " + owner + " without writing again";
      (*record)["archive"] = "actions/" + step.id + ".json";
      if (Status s = deps_.ledger.Remember(step.id, item_key, *record); !s.ok()) return Outcome::Retry("redis: " + s.message());
      return std::nullopt;
    }
    bool ok = false;
    if (Status s = deps_.ledger.TakeOver(step.id, owner, their_lease, options_.owner, lease_until, &ok); !s.ok()) {
      return Outcome::Retry("redis: " + s.message());
    }
    if (!ok) return Outcome::Retry("action " + step.id + " was resumed by another worker first");
  }

  // Archive first: without the archive there is no restore, so no action.
  if (deps_.archive == nullptr) {
    (void)deps_.ledger.Release(step.id, item_key, options_.owner, false);
    return Outcome::Hold("no S3 archive configured for a GitLab-changing action");
  }
  const std::string key = "actions/" + step.id + ".json";
  // Taken over: the first owner may have archived before it sent anything.
  // That archive stays the record: it was written before any call of this
  // action could reach GitLab, and writing it again would date the record
  // after a call the first owner may have sent.
  Status archived = Status::NotFound(key);
  if (step.found.is_object()) {
    storage::ObjectInfo info;
    archived = deps_.archive->Head(key, &info);
  }
  if (archived.IsNotFound()) archived = Archive(step, key, d);
  if (!archived.ok()) {
    (void)deps_.ledger.Release(step.id, item_key, options_.owner, false);
    return Outcome::Hold("archive " + key + ": " + archived.message() +
                         "; the action waits until it can be archived");
  }
  (*record)["archive"] = key;

  const auto deadline = SteadyDeadline(lease_until);
  nlohmann::json responses = nlohmann::json::array();
  std::string status = "taken";
  for (const auto& call : step.calls) {
    nlohmann::json response;
    Status s = deps_.send(call, deadline, &response);
    if (s.IsNotFound()) {
      status = "gone";
      responses.push_back("404: already gone");
      continue;
    }
    if (!s.ok()) {
      // It may have reached GitLab: whoever resumes looks first.
      (void)deps_.ledger.Release(step.id, item_key, options_.owner, true);
      if (s.IsPermissionDenied()) return Outcome::Hold("GitLab: " + s.message());
      return Outcome::Retry("GitLab: " + s.message());
    }
    responses.push_back(response.is_null() ? nlohmann::json("ok") : response);
  }
  (*record)["status"] = status;
  (*record)["api_responses"] = responses;
  if (Status s = deps_.ledger.Remember(step.id, item_key, *record); !s.ok()) {
    // The reservation stays (indexed: restore finds the action); a resumer
    // reconciles and records it.
    LogJson(log_, spdlog::level::warn, "act_not_remembered", {{"action_id", step.id}, {"error", s.message()}});
  }
  return std::nullopt;
}

Outcome ActStage::Process(const Entry& entry) {
  const nlohmann::json d = nlohmann::json::parse(entry.Get("decision"), nullptr, false);
  if (!d.is_object()) return Outcome::DeadLetter("not a decision");
  const std::string decided = d.value("verdict", "");
  if (decided != "spam" && decided != "suspicious" && decided != "ham") return Outcome::NothingToDo();  // trusted, gone
  gitlab::Item item;
  if (Status s = gitlab::FromJson(d.value("item", nlohmann::json()), &item); !s.ok()) return Outcome::DeadLetter(s.message());

  // A reviewer's answer (review/outcomes.h): their actions, or undo ours.
  const nlohmann::json review = d.contains("review") && d["review"].is_object() ? d["review"] : nlohmann::json();
  if (review.is_object() && review.value("outcome", "") == "ham") return Undo(d, item);

  // Refused before GitLab saved it (the inline check, inline_check/): there
  // is no item in GitLab to change, only its author, and only on a
  // reviewer's word. The model's decision was GitLab's answer already.
  const bool never_saved = d.contains("inline") && d["inline"].is_object() && d["inline"].value("refused", false);
  if (never_saved && !review.is_object()) return Outcome::NothingToDo();

  const auto policy = deps_.policies.Get();
  std::optional<double> score, age;
  if (d.contains("score") && d["score"].is_number()) score = d["score"].get<double>();
  const nlohmann::json signals = d.value("signals", nlohmann::json::object());
  if (signals.is_object() && signals.contains("account_age_days") && signals["account_age_days"].is_number()) {
    age = signals["account_age_days"].get<double>();
  }
  // A person's "spam" is acted on even in monitor mode: they approved it.
  std::vector<std::string> reviewed_actions;
  if (review.is_object()) {
    for (const auto& a : review.value("actions", nlohmann::json::array())) {
      if (a.is_string()) reviewed_actions.push_back(a.get<std::string>());
    }
  }
  const bool words_alone = d.value("words_alone", false);
  const std::string verdict = review.is_object() ? "spam" : policy->Verdict(item.type, decided, score, age, words_alone);
  const std::vector<std::string>& actions = review.is_object() ? reviewed_actions : policy->Actions(item.type, verdict);
  if (actions.empty()) return Outcome::NothingToDo();
  // The policy's dry run (on by default) is about what the model may do
  // alone; a reviewer's answer has its own switch (review.dry_run).
  const bool dry_run = review.is_object() ? options_.review_dry_run : policy->dry_run;
  const std::string decided_by =
      review.is_object() ? "reviewer " + review.value("reviewer", "?") + " (" + review.value("via", "?") + ")" +
                               (dry_run ? ", dry run" : "")
                         : "policy (" + std::string(dry_run ? "dry run" : "live") + "), model " +
                               d.value("model_version", "?");

  // Who the author is decides whether anything may be done at all; asked
  // only when there is something to do in GitLab (monitor mode: no Redis
  // round trip per decision).
  const bool changes_gitlab = std::any_of(actions.begin(), actions.end(), policy::IsDestructive);
  std::string trusted_by;
  // An item of a purge (purge/purge_plan.h) waits its turn on this
  // stream; its review may have been answered "not spam" since.
  const std::string purge_id = review.is_object() ? review.value("purge_id", d.value("purge_id", "")) : "";
  const bool purge_item = !purge_id.empty() && review.value("scope", "") == "purge";
  if (changes_gitlab && (!review.is_object() || purge_item) && deps_.review_state) {
    std::string state;
    const std::string asked = purge_item ? review.value("review_id", "") : d.value("decision_id", "");
    if (Status s = deps_.review_state(asked, &state); !s.ok()) {
      return Outcome::Retry("review state: " + s.message());
    }
    if (state == "not_spam") {
      trusted_by = purge_item ? "a reviewer answered not spam on the purge's review before this item was reached"
                              : "a reviewer answered not spam before this decision was acted on";
    }
  }
  if (changes_gitlab && trusted_by.empty()) {
    if (Status s = deps_.trust(item.author, &trusted_by); !s.ok()) return Outcome::Retry("trust: " + s.message());
  }

  std::vector<Step> steps;
  for (const std::string& action : actions) {
    if (!policy::IsDestructive(action)) continue;
    Step step{action, ActionId(entry.id, action), {}, {}, nullptr};
    if (never_saved && action != "block_user" && action != "ban_user") {
      step.not_applicable = "GitLab refused to save it: there is nothing to change";
    } else if (Status s = gitlab::PlanAction(item, action, &step.calls, &step.not_applicable); !s.ok()) {
      return Outcome::DeadLetter(s.message());
    }
    steps.push_back(std::move(step));
  }
  const std::string item_key = item.type + ":" + item.id;
  const bool live = trusted_by.empty() && !dry_run;
  // The purge's own decision (with the plan) and its items: every action
  // is indexed under the purge before it can be sent, so that
  // `restore --purge` and "not spam" find all of them.
  const nlohmann::json plan =
      review.is_object() && review.contains("purge") && review["purge"].is_object() ? review["purge"] : nlohmann::json();
  const std::string indexed_under = plan.is_object() ? plan.value("purge_id", "") : purge_id;
  if (live && !indexed_under.empty()) {
    std::vector<std::string> ids;
    for (const Step& s : steps) {
      if (!s.calls.empty()) ids.push_back(s.id);
    }
    if (Status s = deps_.ledger.Index(purge::LedgerKey(indexed_under), ids); !s.ok()) return Outcome::Retry("redis: " + s.message());
  }
  if (live) {
    // Reserve every action to send at once, with its cap slots, so that a
    // decision is never half carried out for lack of slots and no action is
    // sent without a reservation.
    std::vector<std::string> ids;
    for (const Step& s : steps) {
      if (!s.calls.empty()) ids.push_back(s.id);
    }
    if (!ids.empty()) {
      std::vector<nlohmann::json> found;
      bool granted = false;
      Status s = deps_.ledger.Reserve(ids, item_key, options_.owner, WallMs() + options_.action_deadline.count(),
                                      policy->max_destructive_actions_per_minute, &found, &granted);
      if (!s.ok()) return Outcome::Retry("redis: " + s.message());
      cap_reached_.With({}).Set(granted ? 0 : 1);
      if (!granted) {
        deferred_.With({}).Inc();
        return Outcome::Hold("destructive-action cap of " + std::to_string(policy->max_destructive_actions_per_minute) +
                             " per minute reached; waiting");
      }
      std::size_t k = 0;
      for (Step& step : steps) {
        if (!step.calls.empty()) step.found = std::move(found[k++]);
      }
    }
  } else if (dry_run) {
    for (Step& step : steps) {
      bool found = false;
      if (Status s = deps_.ledger.Recall(step.id, &step.found, &found); !s.ok()) return Outcome::Retry("redis: " + s.message());
      if (!found) step.found = nullptr;
    }
  }

  std::vector<Emit> emits;
  nlohmann::json results = nlohmann::json::array();
  for (Step& step : steps) {
    if (step.found.is_object() && step.found.contains("status")) {
      nlohmann::json record = step.found;  // carried out before: not again
      record["replayed"] = true;
      Audit(record, &emits);
      results.push_back(record);
      continue;
    }
    nlohmann::json record = {{"action_id", step.id},           {"action", step.action},
                             {"decision_id", d.value("decision_id", "")}, {"item_type", item.type},
                             {"item_id", item.id},             {"verdict", verdict},
                             {"score", score ? nlohmann::json(*score) : nlohmann::json()},
                             {"model_version", d.value("model_version", "")},
                             {"decided_by", decided_by},
                             {"author", item.author.username}, {"web_url", item.web_url}, {"time", NowRfc3339()}};
    if (!indexed_under.empty()) record["purge_id"] = indexed_under;
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& c : step.calls) calls.push_back(c.Describe());
    record["api_calls"] = calls;
    if (!trusted_by.empty()) {
      record["status"] = "refused";
      record["reason"] = trusted_by;
    } else if (step.calls.empty()) {
      record["status"] = "not_applicable";
      record["reason"] = step.not_applicable;
    } else if (dry_run) {
      record["status"] = "dry_run";
      (void)deps_.ledger.Remember(step.id, item_key, record);
    } else if (auto stop = Carry(step, item_key, d, &record)) {
      return std::move(*stop);
    }
    Audit(record, &emits);
    results.push_back(record);
  }

  if (plan.is_object()) Purge(d, plan, item, decided_by, trusted_by.empty() ? (dry_run ? "dry_run" : "started") : "refused", &emits);
  if (std::find(actions.begin(), actions.end(), "notify") != actions.end() && !options_.notifications_stream.empty() &&
      !review.is_object()) {
    nlohmann::json note = {{"decision_id", d.value("decision_id", "")}, {"verdict", verdict},
                           {"score", score ? nlohmann::json(*score) : nlohmann::json()},
                           {"reasons", d.value("reasons", nlohmann::json::array())},
                           {"explanation", d.value("explanation", nlohmann::json::array())},
                           {"language_name", d.value("language_name", "")},
                           {"model_version", d.value("model_version", "")}, {"item", d["item"]},
                           {"actions", results}, {"dry_run", dry_run}, {"time", NowRfc3339()}};
    emits.push_back(Emit{options_.notifications_stream,
                         {{"notification", note.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}}});
  }
  return Outcome::Done(std::move(emits));
}

void ActStage::Purge(const nlohmann::json& d, const nlohmann::json& plan, const gitlab::Item& item,
                     const std::string& decided_by, const std::string& status, std::vector<Emit>* emits) {
  const std::string purge_id = plan.value("purge_id", "");
  const std::vector<std::string> decisions = purge::ItemDecisions(plan, d["review"], NowRfc3339());
  // One audit entry for the purge; each item's actions follow under its id.
  Audit({{"action_id", purge_id},
         {"action", "purge"},
         {"purge_id", purge_id},
         {"decision_id", d.value("decision_id", "")},
         {"review_id", d["review"].value("review_id", "")},
         {"item_type", item.type},
         {"item_id", item.id},
         {"author", plan.value("author", nlohmann::json::object()).value("username", item.author.username)},
         {"author_id", item.author.id},
         {"counts", plan.value("counts", nlohmann::json::object())},
         {"items_to_change", decisions.size()},
         {"plan_state", plan.value("state", "")},
         {"status", status},
         {"decided_by", decided_by},
         {"time", NowRfc3339()}},
        emits);
  // A trusted author's content is not touched, whoever asks.
  if (status == "refused" || options_.decisions_stream.empty()) return;
  for (const std::string& one : decisions) emits->push_back(Emit{options_.decisions_stream, {{"decision", one}}});
}

Outcome ActStage::Undo(const nlohmann::json& d, const gitlab::Item& item) {
  const nlohmann::json& review = d["review"];
  const std::string item_key = item.type + ":" + item.id;
  std::vector<std::string> ids;
  if (Status s = deps_.ledger.ActionsOf(item_key, &ids); !s.ok()) return Outcome::Retry("redis: " + s.message());
  // After a purge, "not spam" undoes every action of the purge too.
  if (const std::string purge_id = review.value("purge_id", ""); !purge_id.empty()) {
    std::vector<std::string> purged;
    if (Status s = deps_.ledger.ActionsOf(purge::LedgerKey(purge_id), &purged); !s.ok()) {
      return Outcome::Retry("redis: " + s.message());
    }
    ids.insert(ids.end(), purged.begin(), purged.end());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  // Without an archive nothing was ever changed in GitLab (archive first),
  // so there is nothing to undo: the recorded actions are dry runs.
  if (ids.empty() || deps_.archive == nullptr) return Outcome::Done();
  const auto deadline = std::chrono::steady_clock::now() + options_.action_deadline;
  const RestoreSend send = [this, deadline](const gitlab::ApiCall& call, nlohmann::json* response) {
    return deps_.send(call, deadline, response);
  };
  std::vector<Emit> emits;
  for (const std::string& id : ids) {
    RestoreResult r;
    if (Status s = RestoreAction(id, deps_.ledger, *deps_.archive, send, &r); !s.ok()) {
      return Outcome::Retry("restore " + id + ": " + s.message());
    }
    // Dry-run, refused and not-applicable actions changed nothing; a
    // restore already done is not done again.
    if (r.status == "not_archived" || r.status == "already_restored") continue;
    Audit({{"action_id", "restore-" + id},
           {"of", id},
           {"action", "restore"},
           {"decision_id", d.value("decision_id", "")},
           {"item_type", item.type},
           {"item_id", item.id},
           {"status", r.status},
           {"reason", r.reason},
           {"api_calls", r.calls},
           {"not_restored", r.lost},
           {"decided_by", "reviewer " + review.value("reviewer", "?") + " (" + review.value("via", "?") + "): not spam"},
           {"time", NowRfc3339()}},
          &emits);
  }
  return Outcome::Done(std::move(emits));
}

}  // namespace spamphibian
