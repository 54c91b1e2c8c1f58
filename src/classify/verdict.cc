#include "classify/verdict.h"

#include <algorithm>
#include <string>

namespace spamphibian::classify {
namespace {

// The features that tell what a spammer is after, or that others are
// posting the same: any of them above 0 is evidence.
constexpr std::size_t kEvidenceFeatures[] = {
    CheckedFeatureIndex("nonreference_links"), CheckedFeatureIndex("shortener"),
    CheckedFeatureIndex("messaging_link"),     CheckedFeatureIndex("defanged_link"),
    CheckedFeatureIndex("hidden_link"),        CheckedFeatureIndex("punycode"),
    CheckedFeatureIndex("download_link"),      CheckedFeatureIndex("phone"),
    CheckedFeatureIndex("phone_obfuscated"),   CheckedFeatureIndex("email_disposable"),
};

// Campaigns and floods count once they fire (ApplyCampaign's thresholds),
// not at the first other account.
constexpr std::string_view kEvidenceSignals[] = {"sig_campaign_text", "sig_campaign_domain", "sig_campaign_signup",
                                                 "sig_author_flood", "sig_author_repeats"};

}  // namespace

bool HasEvidence(const Rendering& r) {
  for (std::size_t i : kEvidenceFeatures) {
    if (r.features[i] > 0) return true;
  }
  for (std::string_view s : kEvidenceSignals) {
    if (std::binary_search(r.signals.begin(), r.signals.end(), s)) return true;
  }
  return false;
}

std::string_view VerdictOf(double score, double spam_threshold, double suspicious_threshold, bool evidence) {
  if (score >= spam_threshold) return evidence ? "spam" : "suspicious";
  return score >= suspicious_threshold ? "suspicious" : "ham";
}

}  // namespace spamphibian::classify
