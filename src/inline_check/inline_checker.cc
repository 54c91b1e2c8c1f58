#include "inline_check/inline_checker.h"

#include <algorithm>
#include <cstdio>

#include "classify/judgement.h"
#include "classify/text_rendering.h"
#include "gitlab/item.h"
#include "security/crypto.h"
#include "stages/records.h"
#include "trust/account_signals.h"

namespace spamphibian::inline_check {

InlineChecker::InlineChecker(InlineCheckerOptions options, const classify::ModelHolder& models,
                             const TrustPolicyHolder& trust, const policy::PolicyHolder& policies, MemoryFactory memory,
                             RecordSink records, metrics::Registry& metrics, spdlog::logger& log)
    : options_(std::move(options)),
      models_(models),
      trust_(trust),
      policies_(policies),
      memory_factory_(std::move(memory)),
      records_(std::move(records)),
      checks_(metrics.AddCounter("spamphibian_inline_checks_total",
                                 "GitLab's spam checks before it saves, by item type and the answer (ALLOW, "
                                 "CONDITIONAL_ALLOW, DISALLOW, BLOCK; error when none could be given).",
                                 {"item_type", "verdict"})),
      memory_unavailable_(metrics.AddCounter("spamphibian_inline_memory_unavailable_total",
                                             "Spam checks judged by the model alone because Redis did not answer "
                                             "in time (no campaigns, no reviewers' memory, no verified-users set).")),
      log_(log) {}

std::unique_ptr<Memory> InlineChecker::TakeMemory() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Memory> m = std::move(idle_.back());
      idle_.pop_back();
      return m;
    }
  }
  return memory_factory_ ? memory_factory_() : nullptr;
}

void InlineChecker::GiveBack(std::unique_ptr<Memory> memory) {
  if (memory == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(memory));
}

namespace {

std::string Percent(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", score);
  return buf;
}

// One sentence for GitLab's log (it keeps `reason` nowhere else) and ours:
// why, for what was flagged; the score alone for the rest.
std::string Sentence(const std::string& verdict, double score, const std::vector<std::string>& explanation) {
  std::string s = verdict + " (score " + Percent(score) + ")";
  if (verdict == "ham") return s;
  for (std::size_t i = 0; i < explanation.size() && i < 3; ++i) s += (i == 0 ? ": " : "; ") + explanation[i];
  if (s.size() > 500) s.resize(500);
  return s;
}

}  // namespace

// 1. Trust: each verified e-mail GitLab sent, as the trust stage asks of
// the one the API shows; with none verified, the account as it is (a
// listed bot is trusted by its name). "" when not trusted.
std::string InlineChecker::TrustedBy(const InlineRequest& request, const gitlab::Item& item,
                                     const TrustPolicy& trust, Memory* memory, bool* memory_ok) {
  std::vector<gitlab::Author> asks;
  for (const auto& [email, verified] : request.emails) {
    if (!verified) continue;
    asks.push_back(item.author);
    asks.back().email = email;
    if (asks.back().confirmed_at.empty()) asks.back().confirmed_at = item.created_at;
  }
  if (asks.empty()) asks.push_back(item.author);
  for (const gitlab::Author& a : asks) {
    std::string reason = trust.TrustReason(a, [&](const std::string& e) {
      bool member = false;
      if (*memory_ok && !memory->InVerifiedSet(e, &member).ok()) *memory_ok = false;
      return member;
    });
    if (!reason.empty()) return reason;
  }
  return "";
}

// 2-5. The rendering, the campaigns and the reviewers' memory (when Redis
// answers in time), the judgement, and the inline policy.
void InlineChecker::Judge(const gitlab::Item& item, const TrustPolicy& trust, const policy::Policy& policy,
                          const classify::SpamModel& model, const std::string& version, Memory* memory,
                          bool* memory_ok, CheckResult* out, Decision* d) {
  const auto now = std::chrono::system_clock::now();
  nlohmann::json signals = AccountSignals(item.author, ItemTime(item, now), trust);
  classify::Rendering rendering = classify::Render(item, signals);
  classify::CampaignCounts campaign;
  classify::CampaignKey key = classify::CampaignKeyOf(item, rendering);
  key.item.clear();  // no flood: see the header
  if (*memory_ok) {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    if (!memory->campaigns().Observe(key, now_ms, &campaign).ok()) {
      *memory_ok = false;
      campaign = classify::CampaignCounts();
    }
  }
  classify::ApplyCampaign(campaign, item.type, &rendering);
  const classify::Score scored = model.Predict(rendering, 5);
  const ThresholdPair t = classify::ThresholdsFor(options_.by_type, options_.defaults, model, item.type, true);
  classify::Judgement j = classify::Judge(rendering, campaign, scored, t);
  out->verdict = j.verdict;
  out->score = j.score;
  out->evaluated = true;
  // A person's "not spam" on the author's last item outweighs the model
  // (the reviewers' memory lowers nothing else).
  const bool cleared = campaign.reviewed_author == "ham" && j.verdict != "ham";
  out->gitlab_verdict = cleared ? "ALLOW" : policy.InlineVerdict(item.type, j.verdict);
  std::vector<std::string> explanation = std::move(j.explanation);
  if (cleared) explanation.insert(explanation.begin(), "a reviewer answered this author's last item not spam");
  if (!*memory_ok) explanation.push_back("judged by the model alone: Redis did not answer in time");
  out->reason = Sentence(j.verdict, j.score, explanation);

  d->verdict = j.verdict;
  d->reasons = std::move(j.reasons);
  d->extra["explanation"] = std::move(explanation);
  d->extra["score"] = j.score;
  if (j.score != j.model_score) d->extra["model_score"] = j.model_score;
  d->extra["words_score"] = scored.words_probability;
  d->extra["words_alone"] = !j.evidence;
  d->extra["thresholds"] = {{"spam", t.spam}, {"suspicious", t.suspicious}};
  d->extra["model_version"] = version;
  d->extra["scored_by"] = "embedded model " + version + " (inline check)";
  if (!rendering.language.empty()) d->extra["language"] = rendering.language;
  d->extra["signals"] = std::move(signals);
  d->extra["campaign"] = {{"text_accounts", campaign.text_accounts},
                          {"domain_accounts", campaign.domain_accounts},
                          {"domains", rendering.link_domains}};
  if (key.simhash != 0) {
    d->extra["campaign"]["text_hash"] = classify::TextHashField(key.simhash);
    d->extra["campaign"]["text_buckets"] = classify::TextBuckets(key.simhash);
  }
}

Status InlineChecker::Check(const InlineRequest& request, const std::string& correlation_id, CheckResult* out) {
  *out = CheckResult();
  std::string version;
  const auto model = models_.Get(&version);
  if (model == nullptr) {
    checks_.With({request.item.type, "error"}).Inc();
    return Status::Unavailable("no model loaded yet");
  }
  const std::shared_ptr<const TrustPolicy> trust = trust_.Get();
  const std::shared_ptr<const policy::Policy> policy = policies_.Get();
  // Random: the item has no id of its own yet, and two checks of the same
  // text are two decisions (the author may be answered differently).
  out->decision_id = "inline-" + security::RandomToken(12);
  gitlab::Item item = request.item;
  item.id = "inline/" + out->decision_id.substr(7);
  if (!options_.gitlab_url.empty()) {
    item.web_url = options_.gitlab_url + (request.project_path.empty() ? "" : "/" + request.project_path);
  }

  Decision d;
  d.decision_id = out->decision_id;
  d.event_type = "inline_check";
  d.item_type = item.type;
  d.item_id = item.id;
  d.time = NowRfc3339();
  d.extra["author"] = item.author.username;
  std::unique_ptr<Memory> memory = TakeMemory();
  bool memory_ok = memory != nullptr;
  if (std::string trusted_by = TrustedBy(request, item, *trust, memory.get(), &memory_ok); !trusted_by.empty()) {
    out->verdict = d.verdict = "trusted";
    out->reason = "trusted author: " + trusted_by;
    d.reasons = {std::move(trusted_by)};
  } else {
    Judge(item, *trust, *policy, *model, version, memory.get(), &memory_ok, out, &d);
  }
  GiveBack(std::move(memory));
  if (!memory_ok) memory_unavailable_.With({}).Inc();
  out->memory_answered = memory_ok;
  checks_.With({item.type, out->gitlab_verdict}).Inc();
  d.extra["web_url"] = item.web_url;
  d.extra["item"] = gitlab::ToJson(item);
  Record(request, correlation_id, *out, std::move(d));
  return Status::Ok();
}

void InlineChecker::Record(const InlineRequest& request, const std::string& correlation_id, const CheckResult& result,
                           Decision d) {
  const bool refused = result.gitlab_verdict != "ALLOW";
  d.extra["inline"] = {{"gitlab_verdict", result.gitlab_verdict},
                       {"refused", refused},
                       {"method", request.method},
                       {"sent_type", request.sent_type},
                       {"action", request.action},
                       {"user_in_project", request.user_in_project},
                       {"project_id", request.project_id},
                       {"project_path", request.project_path},
                       {"organization", request.org},
                       {"correlation_id", correlation_id.substr(0, 128)},
                       {"memory_answered", result.memory_answered}};
  std::vector<Emit> emits;
  // Refused: onto the decisions stream too, for the review queue; else the
  // decision log alone (GitLab saves it, and its hook brings it round again).
  const DecisionLog where = refused ? options_.refused
                                    : DecisionLog{options_.decision_log, "", 0};
  RecordDecision(log_, where, d, &emits);
  if (!refused && !emits.empty()) emits.front().maxlen = options_.decision_log_maxlen;
  if (refused) {
    const nlohmann::json audit = {{"action_id", d.decision_id},
                                  {"action", "inline_" + result.gitlab_verdict},
                                  {"decision_id", d.decision_id},
                                  {"item_type", d.item_type},
                                  {"item_id", d.item_id},
                                  {"author", d.extra.value("author", "")},
                                  {"author_id", request.item.author.id},
                                  {"status", "taken"},
                                  {"reason", result.reason},
                                  {"decided_by", "inline policy, model " + d.extra.value("model_version", "?")},
                                  {"correlation_id", correlation_id.substr(0, 128)},
                                  {"time", d.time}};
    emits.push_back(Emit{options_.audit_stream, records::Encode(records::Audit{audit.dump(), d.decision_id}),
                         options_.audit_maxlen});
  }
  if (records_) records_(std::move(emits));
}

}  // namespace spamphibian::inline_check
