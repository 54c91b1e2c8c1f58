// Judgement: from an item's rendering, its campaign counts and a model to
// a verdict with its reasons. The one place that decides, shared by the
// classify stage (after GitLab saved the item) and the inline check (before
// it does, inline_check/), so that both say the same of the same item.
//
// What reviewers answered lately raises an item to spam, never lowers it:
// an author whose last reviewed item was confirmed spam, or a link to a
// domain reviewers confirmed spam. Words alone are at most suspicious
// (classify/verdict.h); what reviewers remember is evidence.
//
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "classify/campaigns.h"
#include "classify/spam_model.h"
#include "classify/text_rendering.h"
#include "config/config.h"

namespace spamphibian::classify {

// The thresholds an item of `type` is held to: the operator's for the
// type, else the model's (chosen when it was trained; only when the
// embedded model scored), else the operator's defaults.
ThresholdPair ThresholdsFor(const std::map<std::string, ThresholdPair>& by_type, const ThresholdPair& defaults,
                            const SpamModel& model, const std::string& type, bool embedded);

struct Judgement {
  double score = 0;        // after the reviewers' memory
  double model_score = 0;  // the model's (or the model service's) probability
  std::string verdict;     // spam, suspicious, ham
  ThresholdPair thresholds;
  bool evidence = false;           // beyond its words (the rendering, or the memory)
  bool rendered_evidence = false;  // the rendering's alone
  // "author" or "domain" when the reviewers' memory raised it, else "".
  std::string remembered;
  // For tools and the audit: "memory …", "signal …", "feature … +0.80",
  // "token '…' +0.412".
  std::vector<std::string> reasons;
  // The same in a moderator's words (the review page, Slack, GitLab's log).
  std::vector<std::string> explanation;
};

// Judges a scored item. `scored` is the model's Predict() of `rendering`
// (its top features and tokens explain), its probability the model's or,
// with MODEL_URL, the model service's.
Judgement Judge(const Rendering& rendering, const CampaignCounts& campaign, const Score& scored,
                const ThresholdPair& thresholds);

}  // namespace spamphibian::classify
