// Verdicts: from a score and its thresholds to spam, suspicious or ham, and
// the one product rule between the model and what is done to a person.
//
// Words alone never make a `spam` verdict. An item with no link to a site
// that is not a reference, no contact (phone, messenger), no hidden,
// defanged, shortened or punycode link, no download, no disposable mail
// and no campaign or flood behind it is at most `suspicious`: a person
// looks before anything is done. Why: a words model is only as good as the
// text it was trained on, and on text from places it never saw (another
// register, another language, a joke, a code-review nit) it is sure of
// things it should not be (models/README.md: one ordinary message in five
// at 0.999 before it met real text). What spammers are after, a visit, a
// call, a download, is what they cannot leave out; those signals carry the
// weight, words refine them. Reviewers' memory counts as evidence too (the
// classify stage says so, it is not in the rendering).
//
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "classify/text_rendering.h"

namespace spamphibian::classify {

// Whether the rendering holds evidence beyond its words (above).
bool HasEvidence(const Rendering& rendering);

// The verdict for `score` at these thresholds: "spam" needs `evidence`,
// without it a score at or above `spam_threshold` is "suspicious".
std::string_view VerdictOf(double score, double spam_threshold, double suspicious_threshold, bool evidence);

// The spam threshold an item is held to: `spam_threshold`, or one above
// every score when it has no evidence (for evaluation, which counts
// verdicts from thresholds).
inline double SpamThresholdFor(double spam_threshold, bool evidence) { return evidence ? spam_threshold : 2.0; }

}  // namespace spamphibian::classify
