#include "stages/act_stage.h"

#include <algorithm>

#include "decisions/decision.h"
#include "gitlab/item.h"
#include "log/json_log.h"

namespace spamphibian {

std::string ActionId(const std::string& entry_id, const std::string& action) { return "act-" + entry_id + "-" + action; }

ActStage::ActStage(ActStageOptions options, const policy::PolicyHolder& policies, ActionLedger& ledger,
                   storage::ObjectStore* archive, GitLabSend send, metrics::Registry& metrics, spdlog::logger& log)
    : options_(std::move(options)),
      policies_(policies),
      ledger_(ledger),
      archive_(archive),
      send_(std::move(send)),
      actions_(metrics.AddCounter("spamphibian_actions_total",
                                  "Actions of the act stage, by item type, action and status (taken, dry_run, "
                                  "refused, not_applicable, gone, replayed).",
                                  {"item_type", "action", "status"})),
      cap_reached_(metrics.AddGauge("spamphibian_act_cap_reached",
                                    "1 while destructive actions wait because the per-minute cap is reached.")),
      deferred_(metrics.AddCounter("spamphibian_act_deferred_total",
                                   "Decisions put back because the destructive-action cap was reached.")),
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
  nlohmann::json recalled;     // the earlier record, if this action was carried out before
};

Outcome ActStage::Process(const Entry& entry) {
  const nlohmann::json d = nlohmann::json::parse(entry.Get("decision"), nullptr, false);
  if (!d.is_object()) return Outcome::DeadLetter("not a decision");
  const std::string decided = d.value("verdict", "");
  if (decided != "spam" && decided != "suspicious" && decided != "ham") return Outcome::Done();  // trusted, gone
  gitlab::Item item;
  if (Status s = gitlab::FromJson(d.value("item", nlohmann::json()), &item); !s.ok()) return Outcome::DeadLetter(s.message());

  const auto policy = policies_.Get();
  std::optional<double> score, age;
  if (d.contains("score") && d["score"].is_number()) score = d["score"].get<double>();
  const nlohmann::json signals = d.value("signals", nlohmann::json::object());
  if (signals.is_object() && signals.contains("account_age_days") && signals["account_age_days"].is_number()) {
    age = signals["account_age_days"].get<double>();
  }
  const std::string verdict = policy->Verdict(item.type, decided, score, age);
  const std::vector<std::string>& actions = policy->Actions(item.type, verdict);
  if (actions.empty()) return Outcome::Done();

  // Who the author is decides whether anything may be done at all; asked
  // only when there is something to do in GitLab (monitor mode: no Redis
  // round trip per decision).
  const bool changes_gitlab = std::any_of(actions.begin(), actions.end(), policy::IsDestructive);
  std::string trusted_by;
  if (item.author.is_admin) trusted_by = "the author is an administrator";
  if (item.author.bot) trusted_by = "the author is a bot";
  if (trusted_by.empty() && changes_gitlab) {
    bool verified = false;
    if (Status s = ledger_.IsVerified(item.author.email, &verified); !s.ok()) return Outcome::Retry("redis: " + s.message());
    if (verified) trusted_by = "the author's e-mail is verified";
  }

  // Plan every GitLab action first, so that the cap is taken for all of
  // them at once and a decision is never half carried out for lack of slots.
  std::vector<Step> steps;
  int to_take = 0;
  for (const std::string& action : actions) {
    if (!policy::IsDestructive(action)) continue;
    Step step{action, ActionId(entry.id, action), {}, {}, nullptr};
    bool found = false;
    if (Status s = ledger_.Recall(step.id, &step.recalled, &found); !s.ok()) return Outcome::Retry("redis: " + s.message());
    if (!found) step.recalled = nullptr;
    if (Status s = gitlab::PlanAction(item, action, &step.calls, &step.not_applicable); !s.ok()) {
      return Outcome::DeadLetter(s.message());
    }
    if (!found && trusted_by.empty() && !step.calls.empty() && !policy->dry_run) ++to_take;
    steps.push_back(std::move(step));
  }
  if (to_take > 0) {
    bool granted = false;
    if (Status s = ledger_.TakeDestructiveSlots(to_take, policy->max_destructive_actions_per_minute, &granted); !s.ok()) {
      return Outcome::Retry("redis: " + s.message());
    }
    cap_reached_.With({}).Set(granted ? 0 : 1);
    if (!granted) {
      deferred_.With({}).Inc();
      return Outcome::Hold("destructive-action cap of " + std::to_string(policy->max_destructive_actions_per_minute) +
                           " per minute reached; waiting");
    }
  }

  std::vector<Emit> emits;
  nlohmann::json results = nlohmann::json::array();
  const std::string item_key = item.type + ":" + item.id;
  for (Step& step : steps) {
    if (!step.recalled.is_null()) {
      nlohmann::json record = step.recalled;
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
                             {"decided_by", "policy (" + std::string(policy->dry_run ? "dry run" : "live") + "), model " +
                                                d.value("model_version", "?")},
                             {"author", item.author.username}, {"web_url", item.web_url}, {"time", NowRfc3339()}};
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& c : step.calls) calls.push_back(c.Describe());
    record["api_calls"] = calls;
    if (!trusted_by.empty()) {
      record["status"] = "refused";
      record["reason"] = trusted_by;
    } else if (step.calls.empty()) {
      record["status"] = "not_applicable";
      record["reason"] = step.not_applicable;
    } else if (policy->dry_run) {
      record["status"] = "dry_run";
      (void)ledger_.Remember(step.id, item_key, record);
    } else {
      // Archive first: without the archive there is no restore, so no action.
      if (archive_ == nullptr) return Outcome::Hold("no S3 archive configured for a GitLab-changing action");
      const std::string key = "actions/" + step.id + ".json";
      nlohmann::json archived = {{"action_id", step.id}, {"action", step.action}, {"decision", d},
                                 {"api_calls", nlohmann::json::array()}, {"time", NowRfc3339()}};
      for (const auto& c : step.calls) archived["api_calls"].push_back(c.ToJson());
      if (Status s = archive_->Put(key, archived.dump(), "application/json"); !s.ok()) {
        return Outcome::Hold("archive " + key + ": " + s.message() + "; the action waits until it can be archived");
      }
      record["archive"] = key;
      nlohmann::json responses = nlohmann::json::array();
      std::string status = "taken";
      for (const auto& call : step.calls) {
        nlohmann::json response;
        Status s = send_(call, &response);
        if (s.IsNotFound()) {
          status = "gone";
          responses.push_back("404: already gone");
          continue;
        }
        if (s.code() == Status::Code::kPermissionDenied) return Outcome::Hold("GitLab: " + s.message());
        if (!s.ok()) return Outcome::Retry("GitLab: " + s.message());
        responses.push_back(response.is_null() ? nlohmann::json("ok") : response);
      }
      record["status"] = status;
      record["api_responses"] = responses;
      if (Status s = ledger_.Remember(step.id, item_key, record); !s.ok()) {
        LogJson(log_, spdlog::level::warn, "act_not_remembered", {{"action_id", step.id}, {"error", s.message()}});
      }
    }
    Audit(record, &emits);
    results.push_back(record);
  }

  if (std::find(actions.begin(), actions.end(), "notify") != actions.end() && !options_.notifications_stream.empty()) {
    nlohmann::json note = {{"decision_id", d.value("decision_id", "")}, {"verdict", verdict},
                           {"score", score ? nlohmann::json(*score) : nlohmann::json()},
                           {"reasons", d.value("reasons", nlohmann::json::array())},
                           {"model_version", d.value("model_version", "")}, {"item", d["item"]},
                           {"actions", results}, {"dry_run", policy->dry_run}, {"time", NowRfc3339()}};
    emits.push_back(Emit{options_.notifications_stream, {{"notification", note.dump()}}});
  }
  return Outcome::Done(std::move(emits));
}

}  // namespace spamphibian
