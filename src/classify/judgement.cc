#include "classify/judgement.h"

#include <cstdio>

#include "classify/explanation.h"
#include "classify/verdict.h"

namespace spamphibian::classify {

ThresholdPair ThresholdsFor(const std::map<std::string, ThresholdPair>& by_type, const ThresholdPair& defaults,
                            const SpamModel& model, const std::string& type, bool embedded) {
  if (const auto it = by_type.find(type); it != by_type.end()) return it->second;
  if (const auto shipped = model.ThresholdsFor(type); shipped && embedded) return {shipped->spam, shipped->suspicious};
  return defaults;
}

namespace {

std::string Signed(const char* format, double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

}  // namespace

Judgement Judge(const Rendering& rendering, const CampaignCounts& campaign, const Score& scored,
                const ThresholdPair& thresholds) {
  Judgement j;
  j.thresholds = thresholds;
  j.model_score = scored.probability;
  j.score = scored.probability;
  if (campaign.reviewed_author == "spam") {
    j.remembered = "author";
    j.reasons.push_back("memory author_confirmed_spam");
    j.explanation.push_back("a reviewer confirmed this author's last item as spam");
  } else if (!campaign.reviewed_spam_domain.empty()) {
    j.remembered = "domain";
    j.reasons.push_back("memory domain_confirmed_spam " + campaign.reviewed_spam_domain);
    j.explanation.push_back("links " + campaign.reviewed_spam_domain + ", which reviewers confirmed as spam");
  }
  if (!j.remembered.empty() && j.score < thresholds.spam) j.score = thresholds.spam;
  j.rendered_evidence = HasEvidence(rendering);
  j.evidence = j.rendered_evidence || !j.remembered.empty();
  j.verdict = std::string(VerdictOf(j.score, thresholds.spam, thresholds.suspicious, j.evidence));

  for (const auto& s : rendering.signals) {
    // Signals that say nothing about spam by themselves stay out of the reasons.
    if (s.starts_with("sig_type_") || s.starts_with("sig_script_") || s == "sig_links_0") continue;
    j.reasons.push_back("signal " + s);
  }
  for (const auto& [feature, weight] : scored.top_features) {
    j.reasons.push_back("feature " + feature + " " + Signed("%+.2f", weight));
  }
  for (const auto& [token, weight] : scored.top_tokens) {
    if (weight <= 0) break;
    if (token.starts_with("sig_")) continue;  // already a reason as a signal
    j.reasons.push_back("token '" + token + "' " + Signed("%+.3f", weight));
  }
  for (std::string& line : Explain(rendering.signals, scored.top_features, scored.top_tokens)) {
    j.explanation.push_back(std::move(line));
  }
  if (!j.evidence && j.score >= thresholds.spam) {
    j.explanation.push_back("only its words speak against it (no link, contact or campaign): at most suspicious");
  }
  return j;
}

}  // namespace spamphibian::classify
