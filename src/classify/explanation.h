// A decision's reasons in the words a moderator reads.
//
// The classify stage records its reasons as the model sees them: the
// signals that fired ("signal sig_download_link"), the combiner's inputs
// that pushed the score most ("feature website_without_bio +0.82") and the
// words that did ("token 'casino' +0.412"). They are exact, stable and
// what tools and audits read, but a moderator deciding in seconds wants
// "links a download: an archive, a program or a file-sharing host".
// Explain() turns the same facts into a few plain lines, strongest first,
// and the reasons stay as they are beside them.
//
// Pure functions over static tables; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "classify/text_rendering.h"

namespace spamphibian::classify {

// The plain description of a rendering feature ("download_link" → "links a
// download ..."), "" for one that says nothing alone (the item type, the
// account's age being known) or an unknown name.
std::string_view FeatureDescription(std::string_view feature);

// At most `max_lines` plain lines: the combiner's inputs that pushed the
// score up (`top_features`, strongest first; the words model's own input
// becomes "its words lean towards spam: 'w1', 'w2' ..." with the `top_tokens`
// that pushed it; a count or a share, which pushes a little on most items,
// is left out), then the spam-telling signals not said yet. Each line once.
std::vector<std::string> Explain(const std::vector<std::string>& signals,
                                 const std::vector<std::pair<std::string, double>>& top_features,
                                 const std::vector<std::pair<std::string, double>>& top_tokens,
                                 std::size_t max_lines = 6);

}  // namespace spamphibian::classify
