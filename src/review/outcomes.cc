#include "review/outcomes.h"

#include <algorithm>
#include <set>

#include "classify/text_rendering.h"
#include "decisions/decision.h"
#include "gitlab/item.h"
#include "stages/archive_stage.h"
#include "text/ascii.h"

namespace spamphibian::review {
namespace {

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

std::vector<std::string> ReviewPolicy::OnSpam(const std::string& item_type) const {
  if (auto it = on_spam.find(item_type); it != on_spam.end()) return it->second;
  return {"quarantine"};
}

Status ValidateOutcome(const OutcomeRequest& r) {
  if (StateFor(r.outcome).empty()) return Status::InvalidArgument("outcome: must be spam, ham or skip");
  if (r.scope != "item" && r.scope != "author") return Status::InvalidArgument("scope: must be item or author");
  if (r.scope == "author" && r.outcome != "spam") return Status::InvalidArgument("scope author: only with outcome spam");
  if (r.trust_author && r.outcome != "ham") return Status::InvalidArgument("trust_author: only with outcome ham");
  return Status::Ok();
}

Answer BuildAnswer(const Review& r, const OutcomeRequest& req, const Reviewer& who, const ReviewPolicy& policy) {
  Answer a;
  a.outcome = req.outcome;
  a.expected_state = r.state;
  const std::string now = NowRfc3339();
  const std::string answer_id = "review-" + r.id + "-" + std::to_string(r.answers.size() + 1);
  const nlohmann::json& d = r.decision;
  const nlohmann::json item = d.value("item", nlohmann::json::object());
  const std::string item_type = d.value("item_type", "");
  const std::string item_id = d.value("item_id", "");
  gitlab::Item parsed;
  (void)gitlab::FromJson(item, &parsed);

  std::vector<std::string> actions;
  if (req.outcome == "spam" && policy.can_act) {
    actions = policy.OnSpam(item_type);
    if (req.scope == "author") {
      // The author's one action, as configured (review.author_action): no
      // block before a ban, nothing after a user's own delete.
      const bool ban = policy.author_action == "ban_user";
      std::erase_if(actions, [&](const std::string& x) {
        return ban && (x == "block_user" || (item_type == "user" && x == "quarantine"));
      });
      const bool author_handled = std::any_of(actions.begin(), actions.end(), [&](const std::string& x) {
        return x == "block_user" || x == "ban_user" || (item_type == "user" && (x == "quarantine" || x == "delete"));
      });
      if (!author_handled) actions.push_back(policy.author_action);
    }
  }
  const bool purges = req.outcome == "spam" && policy.can_act && req.purge.is_object();
  // "Not spam" after a purge undoes the purge too: its id is in the spam answer.
  std::string undo_purge;
  if (req.outcome == "ham") {
    for (const auto& earlier : r.answers) {
      if (earlier.is_object() && earlier.contains("purge_id") && earlier["purge_id"].is_string()) {
        undo_purge = earlier["purge_id"].get<std::string>();
      }
    }
  }
  a.record = {{"answer_id", answer_id}, {"outcome", req.outcome},  {"scope", req.scope},
              {"trust_author", req.trust_author}, {"reviewer", who.username}, {"via", who.via},
              {"actions", actions},        {"time", now}};
  if (purges) a.record["purge_id"] = req.purge.value("purge_id", "");
  if (req.outcome == "skip") {
    a.audit = Dump({{"action_id", answer_id}, {"action", "review"}, {"outcome", "skip"}, {"review_id", r.id},
                    {"item_type", item_type}, {"item_id", item_id}, {"status", "answered"},
                    {"decided_by", "reviewer " + who.username + " (" + who.via + ")"}, {"time", now}});
    a.audit_id = answer_id;
    return a;
  }
  // The act stage's work: apply the reviewer's actions, or undo ours.
  nlohmann::json reviewed = d;
  reviewed["decision_id"] = answer_id;
  reviewed["verdict"] = req.outcome == "spam" ? "spam" : "ham";
  reviewed["time"] = now;
  reviewed["review"] = {{"review_id", r.id}, {"outcome", req.outcome}, {"reviewer", who.username},
                        {"via", who.via},    {"actions", actions},      {"scope", req.scope}};
  if (purges) reviewed["review"]["purge"] = req.purge;
  if (!undo_purge.empty()) reviewed["review"]["purge_id"] = undo_purge;
  a.reviewed_decision = Dump(reviewed);

  const nlohmann::json signals = d.value("signals", nlohmann::json::object());
  a.label = Dump({{"label", req.outcome},
                  {"item", item},
                  {"signals", signals},
                  {"rendering", classify::Render(parsed, signals).text},
                  {"source", "review"},
                  {"review_id", r.id},
                  {"reviewer", who.username},
                  {"model_verdict", d.value("verdict", "")},
                  {"model_version", d.value("model_version", "")},
                  {"score", d.contains("score") ? d["score"] : nlohmann::json()},
                  {"time", now}});
  a.label_key = "labels/" + item_type + "/" + ArchiveSafeId(item_id) + "-" + answer_id + ".json";
  nlohmann::json audit = {{"action_id", answer_id},
                  {"action", "review"},
                  {"outcome", req.outcome},
                  {"review_id", r.id},
                  {"item_type", item_type},
                  {"item_id", item_id},
                  {"author", parsed.author.username},
                  {"web_url", parsed.web_url},
                  {"scope", req.scope},
                  {"trust_author", req.trust_author},
                  {"actions", actions},
                  {"label", a.label_key},
                  {"status", "answered"},
                  {"decided_by", "reviewer " + who.username + " (" + who.via + ")"},
                  {"time", now}};
  if (purges) {
    audit["purge_id"] = req.purge.value("purge_id", "");
    audit["purge_counts"] = req.purge.value("counts", nlohmann::json::object());
  }
  if (!undo_purge.empty()) audit["undo_purge_id"] = undo_purge;
  a.audit = Dump(audit);
  a.audit_id = answer_id;
  a.model_version = d.value("model_version", "");
  a.model_verdict = d.value("verdict", "");
  if (req.trust_author) a.trust_email = text::AsciiLower(parsed.author.email);
  return a;
}

Status Decide(ReviewStore& store, const std::string& id, const OutcomeRequest& req, const Reviewer& who,
              const ReviewPolicy& policy, OutcomeResult* result) {
  *result = OutcomeResult();
  if (Status s = ValidateOutcome(req); !s.ok()) return s;
  Review r;
  bool found = false;
  if (Status s = store.Get(id, &r, &found); !s.ok()) return s;
  if (!found) return Status::NotFound("no review " + id);
  const std::string target = StateFor(req.outcome);
  if (r.state == target) {  // given twice: the existing state, nothing again
    result->state = r.state;
    return Status::Ok();
  }
  if (req.outcome == "skip" && r.state != kPending) {
    return Status::InvalidArgument("skip: the review is already " + r.state + "; answer spam or ham to change it");
  }
  const Answer answer = BuildAnswer(r, req, who, policy);
  if (Status s = store.Apply(id, answer, &result->applied, &result->state); !s.ok()) return s;
  if (!result->applied) {
    if (result->state.empty()) return Status::NotFound("no review " + id);
    return Status::Ok();  // someone answered meanwhile; theirs stands
  }
  if (req.outcome == "spam" && !policy.can_act) {
    result->done.push_back({{"not_acted", "no S3 archive configured (S3_ENDPOINT, S3_BUCKET): nothing is changed in "
                                          "GitLab without one"}});
  } else if (!answer.reviewed_decision.empty()) {
    result->done.push_back({{"sent_to_act_stage", answer.record["answer_id"]}, {"actions", answer.record["actions"]},
                            {"undo_actions_on_item", req.outcome == "ham"}});
    if (answer.record.contains("purge_id")) {
      result->done.push_back({{"purge", answer.record["purge_id"]},
                              {"counts", req.purge.value("counts", nlohmann::json::object())}});
    }
  }
  if (!answer.label.empty()) result->done.push_back({{"label", answer.label_key}});
  // The API shows an author's e-mail by its domain only, here too.
  if (!answer.trust_email.empty()) {
    result->done.push_back({{"trusted_author", "@" + gitlab::EmailDomain(answer.trust_email)}});
  }

  if (req.scope == "author" && req.outcome == "spam") {
    const nlohmann::json& item = r.decision.value("item", nlohmann::json::object());
    const std::int64_t author = item.contains("author") && item["author"].is_object()
                                    ? item["author"].value("id", std::int64_t{0})
                                    : 0;
    std::vector<Review> others;
    if (Status s = store.OfAuthor(author, id, 500, &others); !s.ok()) return s;
    // An item the purge plan acts on is not acted on again by its review's
    // answer: nothing is done to GitLab twice.
    std::set<std::string> in_plan;
    if (req.purge.is_object()) {
      for (const auto& e : req.purge.value("items", nlohmann::json::array())) {
        const nlohmann::json& it = e.value("item", nlohmann::json::object());
        in_plan.insert(it.value("type", "") + ":" + it.value("id", ""));
      }
    }
    nlohmann::json purged = nlohmann::json::array();
    for (const Review& o : others) {
      if (o.state != kPending) continue;
      bool applied = false;
      std::string state;
      ReviewPolicy other_policy = policy;
      if (in_plan.count(o.decision.value("item_type", "") + ":" + o.decision.value("item_id", "")) > 0) {
        other_policy.can_act = false;
      }
      const Answer other = BuildAnswer(o, {"spam", "item", false}, who, other_policy);
      if (Status s = store.Apply(o.id, other, &applied, &state); !s.ok()) return s;
      if (applied) purged.push_back(o.id);
    }
    result->done.push_back({{"author_reviews_confirmed_spam", purged}});
  }
  return Status::Ok();
}

}  // namespace spamphibian::review
