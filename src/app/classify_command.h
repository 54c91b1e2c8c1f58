// `spamphibian classify [FILE|-]`: classifies one item by hand with the
// configured model (MODEL_PATH or the bundled one) and prints the decision.
// Input: an item as the pipeline carries it ({"type", "author", "text", ...}),
// a labelled line ({"item": {...}, "signals": {...}}), or a GitLab API user
// object (GET /users/:id).
#pragma once

#include <string>

#include "config/config.h"

namespace spamphibian {

// Exit code: 0, or 2 for unreadable input or model.
int RunClassify(const Config& config, const std::string& input);

}  // namespace spamphibian
