#include "stages/act_stage.h"

#include <algorithm>

#include "decisions/decision.h"
#include "gitlab/item.h"
#include "log/json_log.h"
#include "purge/purge_plan.h"
#include "stages/action_archive.h"
#include "stages/records.h"
#include "stages/restorer.h"
#include "text/gzip.h"

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
      log_(log),
      lanes_(static_cast<int>(deps_.send.size()), "act-lane") {}

void ActStage::Audit(const nlohmann::json& record, std::vector<Emit>* emits) {
  emits->push_back(Emit{options_.audit_stream,
                        records::Encode(records::Audit{record.dump(), record.value("action_id", "")}),
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
  nlohmann::json record;       // its audit record
  // Live and reserved by us: archived, then sent within the lease.
  bool to_send = false;
  bool taken_over = false;  // from an owner whose lease ran out: it may have sent
  std::int64_t lease_until_ms = 0;
  std::string archive;  // the object holding its archive, once there is one
  bool noted = false;   // the batch's object noted as its archive by its reservation
  // What sending it came to (written on its lane, read after).
  Status sent;
  nlohmann::json responses = nlohmann::json::array();
  bool gone = false;
};

// One decision of the batch on its way through the phases.
struct ActStage::Work {
  const Entry* entry = nullptr;
  nlohmann::json d;
  std::string_view decision_text;  // the entry's, as classified
  gitlab::Item item;
  std::string item_key;
  nlohmann::json review;  // a reviewer's answer, when it is one
  std::shared_ptr<const policy::Policy> policy;
  std::vector<std::string> actions;  // the policy's or the reviewer's
  bool changes_gitlab = false;
  bool never_saved = false;  // refused by the inline check before GitLab saved it
  std::string purge_id;
  bool purge_item = false;   // one item of a purge, on its way
  std::string review_asked;  // the review whose state decides (AskReviews)
  std::vector<Step> steps;
  bool dry_run = false;
  std::string verdict, decided_by, trusted_by, purge_status;
  std::optional<double> score;
  nlohmann::json plan;  // the purge's, on the purge's own decision
  bool notify = false;
  // Set when the decision ends before the batch's archive (nothing to do,
  // undone, dead-lettered, waiting), or when one of its actions failed.
  std::optional<Outcome> outcome;
  bool Sends() const {
    return !outcome && std::any_of(steps.begin(), steps.end(), [](const Step& s) { return s.to_send; });
  }
};

// The record restore reads (stages/restorer.h): the decision, the calls,
// and what the item was before them. One line of the batch's object. The
// decision goes in as the entry's text, not serialised again.
void ActStage::AppendArchiveLine(const Step& step, const Work& w, std::string* lines) const {
  nlohmann::json archived = {{"action_id", step.id}, {"action", step.action}, {"api_calls", nlohmann::json::array()},
                             {"time", NowRfc3339()},
                             // What Spamphibian found, so that restore undoes only what it did.
                             {"prior_state", {{"author_state", w.item.author.state},
                                              {"visibility", w.item.visibility},
                                              {"confidential", w.item.refs.value("confidential", false)}}}};
  for (const auto& c : step.calls) archived["api_calls"].push_back(c.ToJson());
  *lines += archived.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  lines->pop_back();  // the closing brace: the object is never empty
  *lines += ",\"decision\":";
  *lines += w.decision_text;
  *lines += "}\n";
}

void ActStage::Stop(Work& w, Outcome outcome) {
  // Nothing of this decision is sent now: its reservations go, so that it
  // is resumed without waiting for their lease.
  for (Step& step : w.steps) {
    // A taken-over action may have reached GitLab through its first owner:
    // its lease just ends, and whoever resumes it reconciles first.
    if (step.to_send) (void)deps_.ledger.Release(step.id, w.item_key, options_.owner, step.taken_over);
    step.to_send = false;
  }
  w.outcome = std::move(outcome);
}

// Step 4 for an action someone else reserved: wait, reconcile, or take it
// over. Ends the decision (w.outcome) or leaves the step recorded or to send.
void ActStage::Resume(Work& w, Step& step) {
  const auto get = [this](const std::string& path, nlohmann::json* out) { return deps_.get(path, out); };
  const std::string owner = step.found.value("owner", "");
  const std::int64_t their_lease = step.found.value("lease_until_ms", std::int64_t{0});
  if (their_lease > WallMs()) {
    return Stop(w, Outcome::Retry("action " + step.id + " is being carried out by " + owner + " (lease for " +
                                  std::to_string(their_lease - WallMs()) + " ms more)"));
  }
  // Its lease is over, so its owner sends nothing more. Whatever it sent
  // may have reached GitLab: look before writing.
  bool all_applied = true;
  for (const auto& call : step.calls) {
    bool applied = false;
    Status s = gitlab::AlreadyApplied(call, get, &applied);
    if (s.IsPermissionDenied()) return Stop(w, Outcome::Hold("GitLab: " + s.message()));
    if (!s.ok()) return Stop(w, Outcome::Retry("reconcile " + step.id + ": " + s.message()));
    all_applied = all_applied && applied;
  }
  std::string archive;
  if (Status s = deps_.ledger.ArchiveOf(step.id, &archive); !s.ok()) return Stop(w, Outcome::Retry("redis: " + s.message()));
  if (deps_.archive != nullptr) {
    // The noted object, if its first owner wrote it whole with this
    // action in it: the note comes with the reservation, and the owner may
    // have died before or while writing it (a store that writes in place,
    // as s3rver does, then keeps part of it), or dropped the action from
    // its batch and died before dropping the note. Then it sent nothing,
    // and the action is archived again. No note: reserved before the
    // archive was batched, its own object if written. When S3 cannot say,
    // it waits: a second archive would be dated after a call the first
    // owner may have sent.
    const std::string noted = archive.empty() ? LegacyActionArchiveKey(step.id) : archive;
    std::string object;
    nlohmann::json record;
    const Status read = deps_.archive->Get(noted, &object);
    if (read.ok() && FindArchivedAction(object, step.id, &record).ok()) {
      archive = noted;
    } else if (read.ok() || read.IsNotFound()) {
      archive.clear();
    } else {
      return Stop(w, Outcome::Hold("archive " + noted + ": " + read.message() +
                                   "; the action waits until it can be archived"));
    }
  }
  if (all_applied) {
    reconciled_.Inc();
    step.record["status"] = "taken";
    step.record["reconciled"] = "already applied in GitLab; resumed from " + owner + " without writing again";
    step.record["archive"] = archive;
    if (Status s = deps_.ledger.Remember(step.id, w.item_key, step.record); !s.ok()) {
      return Stop(w, Outcome::Retry("redis: " + s.message()));
    }
    return;
  }
  const std::int64_t lease_until = WallMs() + options_.action_deadline.count();
  bool ok = false;
  if (Status s = deps_.ledger.TakeOver(step.id, owner, their_lease, options_.owner, lease_until, &ok); !s.ok()) {
    return Stop(w, Outcome::Retry("redis: " + s.message()));
  }
  if (!ok) return Stop(w, Outcome::Retry("action " + step.id + " was resumed by another worker first"));
  step.to_send = true;
  step.taken_over = true;
  step.lease_until_ms = lease_until;
  // The first owner's archive, if it wrote one, stays the record: it is
  // older than any call of this action could be, and writing it again
  // would date the record after a call the first owner may have sent.
  step.archive = archive;
}

void ActStage::Read(const Entry& entry, Work& w) {
  w.entry = &entry;
  records::Decision record;
  if (Status s = records::Decode(entry, &record, &w.d); !s.ok()) return void(w.outcome = Outcome::DeadLetter(s.message()));
  // Trusted, gone: nothing to do, told by the header without parsing.
  const std::string_view decided = record.verdict;
  if (decided != "spam" && decided != "suspicious" && decided != "ham") return void(w.outcome = Outcome::NothingToDo());
  // Ham that no reviewer answered, of a type the policy judges by the
  // decision's verdict: no action, told without parsing either. Most
  // decisions are this one.
  w.policy = deps_.policies.Get();
  if (decided == "ham" && record.review == records::Decision::Review::kNone &&
      !w.policy->JudgesByScore(std::string(record.item_type))) {
    return void(w.outcome = Outcome::NothingToDo());
  }
  // Parsed once: by Decode for an entry from before versions, else here.
  // The text stays for the archive, which splices it in as it is.
  w.decision_text = record.decision;
  if (w.d.is_null()) w.d = nlohmann::json::parse(record.decision, nullptr, false);
  const nlohmann::json& d = w.d;
  if (!d.is_object()) return void(w.outcome = Outcome::DeadLetter("not a decision"));
  gitlab::Item& item = w.item;
  const auto in_item = d.find("item");
  if (Status s = gitlab::FromJson(in_item != d.end() ? *in_item : nlohmann::json(), &item); !s.ok()) {
    return void(w.outcome = Outcome::DeadLetter(s.message()));
  }
  w.item_key = item.type + ":" + item.id;

  // A reviewer's answer (review/outcomes.h): their actions, or undo ours.
  if (d.contains("review") && d["review"].is_object()) w.review = d["review"];
  const nlohmann::json& review = w.review;
  if (review.is_object() && review.value("outcome", "") == "ham") return void(w.outcome = Undo(d, item));

  // Refused before GitLab saved it (the inline check, inline_check/): there
  // is no item in GitLab to change, only its author, and only on a
  // reviewer's word. The model's decision was GitLab's answer already.
  w.never_saved = d.contains("inline") && d["inline"].is_object() && d["inline"].value("refused", false);
  if (w.never_saved && !review.is_object()) return void(w.outcome = Outcome::NothingToDo());

  const auto& policy = w.policy;
  std::optional<double> age;
  if (d.contains("score") && d["score"].is_number()) w.score = d["score"].get<double>();
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
  w.verdict = review.is_object() ? "spam" : policy->Verdict(item.type, std::string(decided), w.score, age, words_alone);
  w.actions = review.is_object() ? reviewed_actions : policy->Actions(item.type, w.verdict);
  const std::vector<std::string>& actions = w.actions;
  if (actions.empty()) return void(w.outcome = Outcome::NothingToDo());
  // The policy's dry run (on by default) is about what the model may do
  // alone; a reviewer's answer has its own switch (review.dry_run).
  w.dry_run = review.is_object() ? options_.review_dry_run : policy->dry_run;
  w.decided_by = review.is_object() ? "reviewer " + review.value("reviewer", "?") + " (" + review.value("via", "?") +
                                          ")" + (w.dry_run ? ", dry run" : "")
                                    : "policy (" + std::string(w.dry_run ? "dry run" : "live") + "), model " +
                                          d.value("model_version", "?");
  w.notify = std::find(actions.begin(), actions.end(), "notify") != actions.end() &&
             !options_.notifications_stream.empty() && !review.is_object();

  // Who the author is decides whether anything may be done at all; asked
  // only when there is something to do in GitLab (monitor mode: no Redis
  // round trip per decision).
  w.changes_gitlab = std::any_of(actions.begin(), actions.end(), policy::IsDestructive);
  // An item of a purge (purge/purge_plan.h) waits its turn on this
  // stream; its review may have been answered "not spam" since.
  w.purge_id = review.is_object() ? review.value("purge_id", d.value("purge_id", "")) : "";
  w.purge_item = !w.purge_id.empty() && review.value("scope", "") == "purge";
  if (w.changes_gitlab && (!review.is_object() || w.purge_item) && deps_.review_state) {
    w.review_asked = w.purge_item ? review.value("review_id", "") : d.value("decision_id", "");
  }
}

// The review queue's state of every decision of the batch that asks, in
// one round trip: one a reviewer answered "not spam" meanwhile is refused.
void ActStage::AskReviews(std::vector<Work>& works) {
  std::vector<Work*> asking;
  std::vector<std::string> ids;
  for (Work& w : works) {
    if (w.outcome || w.review_asked.empty()) continue;
    asking.push_back(&w);
    ids.push_back(w.review_asked);
  }
  if (ids.empty()) return;
  std::vector<std::string> states;
  const Status s = deps_.review_state(ids, &states);
  for (std::size_t i = 0; i < asking.size(); ++i) {
    Work& w = *asking[i];
    if (!s.ok() || i >= states.size()) {
      w.outcome = Outcome::Retry("review state: " + (s.ok() ? std::string("no answer") : s.message()));
    } else if (states[i] == "not_spam") {
      w.trusted_by = w.purge_item ? "a reviewer answered not spam on the purge's review before this item was reached"
                                  : "a reviewer answered not spam before this decision was acted on";
    }
  }
}

void ActStage::Reserve(Work& w, std::string* archive_key) {
  if (w.outcome) return;
  const nlohmann::json& d = w.d;
  const gitlab::Item& item = w.item;
  const nlohmann::json& review = w.review;
  const auto& policy = w.policy;
  const std::string& purge_id = w.purge_id;
  if (w.changes_gitlab && w.trusted_by.empty()) {
    if (Status s = deps_.trust(item.author, &w.trusted_by); !s.ok()) {
      return void(w.outcome = Outcome::Retry("trust: " + s.message()));
    }
  }

  for (const std::string& action : w.actions) {
    if (!policy::IsDestructive(action)) continue;
    Step step;
    step.action = action;
    step.id = ActionId(w.entry->id, action);
    if (w.never_saved && action != "block_user" && action != "ban_user") {
      step.not_applicable = "GitLab refused to save it: there is nothing to change";
    } else if (Status s = gitlab::PlanAction(item, action, &step.calls, &step.not_applicable); !s.ok()) {
      return void(w.outcome = Outcome::DeadLetter(s.message()));
    }
    w.steps.push_back(std::move(step));
  }
  const bool live = w.trusted_by.empty() && !w.dry_run;
  // The purge's own decision (with the plan) and its items: every action
  // is indexed under the purge before it can be sent, so that
  // `restore --purge` and "not spam" find all of them.
  w.plan = review.is_object() && review.contains("purge") && review["purge"].is_object() ? review["purge"] : nlohmann::json();
  const std::string indexed_under = w.plan.is_object() ? w.plan.value("purge_id", "") : purge_id;
  if (w.plan.is_object()) w.purge_status = w.trusted_by.empty() ? (w.dry_run ? "dry_run" : "started") : "refused";
  std::vector<std::string> sending;
  for (const Step& s : w.steps) {
    if (!s.calls.empty()) sending.push_back(s.id);
  }
  if (live && !indexed_under.empty()) {
    if (Status s = deps_.ledger.Index(purge::LedgerKey(indexed_under), sending); !s.ok()) {
      return void(w.outcome = Outcome::Retry("redis: " + s.message()));
    }
  }
  if (live && !sending.empty()) {
    // Reserve every action to send at once, with its cap slots, so that a
    // decision is never half carried out for lack of slots and no action is
    // sent without a reservation.
    // The batch's archive object is named by the first action it reserves
    // and noted with every reservation (ArchiveBatch writes it).
    if (archive_key->empty() && deps_.archive != nullptr) {
      *archive_key = ActionArchiveKey(NowRfc3339().substr(0, 10), sending.front(), WallMs());
    }
    std::vector<nlohmann::json> found;
    bool granted = false;
    const std::int64_t lease_until = WallMs() + options_.action_deadline.count();
    Status s = deps_.ledger.Reserve(sending, w.item_key, options_.owner, lease_until,
                                    policy->max_destructive_actions_per_minute, *archive_key, &found, &granted);
    if (!s.ok()) return void(w.outcome = Outcome::Retry("redis: " + s.message()));
    cap_reached_.With({}).Set(granted ? 0 : 1);
    if (!granted) {
      deferred_.With({}).Inc();
      return void(w.outcome = Outcome::Hold("destructive-action cap of " +
                                            std::to_string(policy->max_destructive_actions_per_minute) +
                                            " per minute reached; waiting"));
    }
    std::size_t k = 0;
    for (Step& step : w.steps) {
      if (step.calls.empty()) continue;
      step.found = std::move(found[k++]);
      step.to_send = step.found.is_null();
      step.noted = step.to_send && !archive_key->empty();
      step.lease_until_ms = lease_until;
    }
  } else if (w.dry_run) {
    for (Step& step : w.steps) {
      bool found = false;
      if (Status s = deps_.ledger.Recall(step.id, &step.found, &found); !s.ok()) {
        return void(w.outcome = Outcome::Retry("redis: " + s.message()));
      }
      if (!found) step.found = nullptr;
    }
  }

  for (Step& step : w.steps) {
    if (step.found.is_object() && step.found.contains("status")) {
      step.record = step.found;  // carried out before: not again
      step.record["replayed"] = true;
      continue;
    }
    step.record = {{"action_id", step.id},           {"action", step.action},
                   {"decision_id", d.value("decision_id", "")}, {"item_type", item.type},
                   {"item_id", item.id},             {"verdict", w.verdict},
                   {"score", w.score ? nlohmann::json(*w.score) : nlohmann::json()},
                   {"model_version", d.value("model_version", "")},
                   {"decided_by", w.decided_by},
                   {"author", item.author.username}, {"web_url", item.web_url}, {"time", NowRfc3339()}};
    if (!indexed_under.empty()) step.record["purge_id"] = indexed_under;
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& c : step.calls) calls.push_back(c.Describe());
    step.record["api_calls"] = calls;
    if (!w.trusted_by.empty()) {
      step.record["status"] = "refused";
      step.record["reason"] = w.trusted_by;
    } else if (step.calls.empty()) {
      step.record["status"] = "not_applicable";
      step.record["reason"] = step.not_applicable;
    } else if (w.dry_run) {
      step.record["status"] = "dry_run";
      (void)deps_.ledger.Remember(step.id, w.item_key, step.record);
    } else if (step.found.is_object()) {
      Resume(w, step);
      if (w.outcome) return;
    }
  }
}

// Step 5 for the whole batch: every action to send that has no archive yet
// goes into one object, `key` (named at the first reservation, which noted
// it; "" when none was made), before any of them is sent. An action the
// reservation did not note (taken over) is noted here.
void ActStage::ArchiveBatch(std::vector<Work>& works, std::string key) {
  std::vector<Step*> steps;
  std::string lines;
  for (Work& w : works) {
    if (!w.Sends()) continue;
    if (deps_.archive == nullptr) {
      Stop(w, Outcome::Hold("no S3 archive configured for a GitLab-changing action"));
      continue;
    }
    for (Step& step : w.steps) {
      if (!step.to_send || !step.archive.empty()) continue;
      AppendArchiveLine(step, w, &lines);
      steps.push_back(&step);
    }
  }
  if (steps.empty()) return;
  if (key.empty()) key = ActionArchiveKey(NowRfc3339().substr(0, 10), steps.front()->id, WallMs());
  std::vector<std::string> unnoted;
  for (const Step* step : steps) {
    if (!step->noted) unnoted.push_back(step->id);
  }
  Status s = deps_.archive->Put(key, text::Gzip(lines), "application/gzip");
  std::string failure;
  if (!s.ok()) {
    failure = "archive " + key + ": " + s.message() + "; the action waits until it can be archived";
  } else if (Status noted = deps_.ledger.NoteArchive(unnoted, key); !noted.ok()) {
    // Archived but not findable by restore: as good as not archived.
    failure = "archive " + key + " not noted in Redis: " + noted.message();
  }
  for (Step* step : steps) step->archive = key;
  if (failure.empty()) return;
  for (Work& w : works) {
    const bool in_it = w.Sends() && std::any_of(w.steps.begin(), w.steps.end(), [&](const Step& step) {
      return step.to_send && step.archive == key;
    });
    if (in_it) Stop(w, Outcome::Hold(failure));
  }
}

// Step 6, on one lane: the decision's actions in order, each call bounded
// by its reservation's lease. Touches only this decision's steps.
void ActStage::Send(Work& w, int lane) {
  for (Step& step : w.steps) {
    if (!step.to_send) continue;
    const auto deadline = SteadyDeadline(step.lease_until_ms);
    for (const auto& call : step.calls) {
      nlohmann::json response;
      Status s = deps_.send[lane](call, deadline, &response);
      if (s.IsNotFound()) {
        step.gone = true;
        step.responses.push_back("404: already gone");
        continue;
      }
      if (!s.ok()) {
        step.sent = s;
        return;  // the later actions of the decision wait for its retry
      }
      step.responses.push_back(response.is_null() ? nlohmann::json("ok") : response);
    }
  }
}

void ActStage::Settle(Work& w, std::vector<ActionLedger::Record>* carried_out) {
  if (w.outcome) return;
  bool failed = false;
  for (Step& step : w.steps) {
    if (!step.to_send) continue;
    if (failed || !step.sent.ok()) {
      // It may have reached GitLab: whoever resumes looks first. The ones
      // after it were not sent (by us; a taken-over one maybe by its first
      // owner).
      (void)deps_.ledger.Release(step.id, w.item_key, options_.owner, !failed || step.taken_over);
      if (!failed) {
        w.outcome = step.sent.IsPermissionDenied() ? Outcome::Hold("GitLab: " + step.sent.message())
                                                   : Outcome::Retry("GitLab: " + step.sent.message());
        failed = true;
      }
      continue;
    }
    step.record["archive"] = step.archive;
    step.record["status"] = step.gone ? "gone" : "taken";
    step.record["api_responses"] = std::move(step.responses);
    carried_out->push_back({step.id, w.item_key, step.record});
  }
}

Outcome ActStage::Finish(Work& w) {
  if (w.outcome) return std::move(*w.outcome);

  std::vector<Emit> emits;
  nlohmann::json results = nlohmann::json::array();
  for (const Step& step : w.steps) {
    Audit(step.record, &emits);
    results.push_back(step.record);
  }
  if (w.plan.is_object()) Purge(w.d, w.plan, w.item, w.decided_by, w.purge_status, &emits);
  if (w.notify) {
    const nlohmann::json& d = w.d;
    nlohmann::json note = {{"decision_id", d.value("decision_id", "")}, {"verdict", w.verdict},
                           {"score", w.score ? nlohmann::json(*w.score) : nlohmann::json()},
                           {"reasons", d.value("reasons", nlohmann::json::array())},
                           {"explanation", d.value("explanation", nlohmann::json::array())},
                           {"language_name", d.value("language_name", "")},
                           {"model_version", d.value("model_version", "")}, {"item", d["item"]},
                           {"actions", results}, {"dry_run", w.dry_run}, {"time", NowRfc3339()}};
    emits.push_back(Emit{options_.notifications_stream,
                         records::Encode(records::Notification{
                             note.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)})});
  }
  return Outcome::Done(std::move(emits));
}

Outcome ActStage::Process(const Entry& entry) { return ProcessAsBatch(entry); }

void ActStage::ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) {
  std::vector<Work> works(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) Read(entries[i], works[i]);
  AskReviews(works);
  std::string archive_key;
  for (Work& w : works) Reserve(w, &archive_key);
  ArchiveBatch(works, archive_key);
  std::vector<Work*> sending;
  for (Work& w : works) {
    if (w.Sends()) sending.push_back(&w);
  }
  // The batch's GitLab calls overlap, one decision per lane at a time.
  lanes_.Run(sending.size(), [&](std::size_t i, int lane) { Send(*sending[i], lane); });
  std::vector<ActionLedger::Record> carried_out;
  for (Work& w : works) Settle(w, &carried_out);
  if (Status s = deps_.ledger.RememberAll(carried_out); !s.ok()) {
    // The reservations stay (indexed: restore finds the actions); whoever
    // resumes them reconciles with GitLab and records them.
    LogJson(log_, spdlog::level::warn, "act_not_remembered", {{"actions", carried_out.size()}, {"error", s.message()}});
  }
  outcomes->clear();
  outcomes->reserve(works.size());
  for (Work& w : works) outcomes->push_back(Finish(w));
}

void ActStage::Purge(const nlohmann::json& d, const nlohmann::json& plan, const gitlab::Item& item,
                     const std::string& decided_by, const std::string& status, std::vector<Emit>* emits) {
  const std::string purge_id = plan.value("purge_id", "");
  const std::vector<nlohmann::json> decisions = purge::ItemDecisions(plan, d["review"], NowRfc3339());
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
  for (const nlohmann::json& one : decisions) {
    const std::string text = one.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    emits->push_back(Emit{options_.decisions_stream,
                          records::Encode(records::Decision{text, one.value("decision_id", ""), one.value("verdict", ""),
                                                            one.value("item_type", ""), one.value("item_id", ""),
                                                            one.value("time", ""),
                                                            records::Reviewed(one.contains("review"))})});
  }
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
    return deps_.send.front()(call, deadline, response);
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
