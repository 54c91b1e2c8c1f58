// `spamphibian classify [--type TYPE] [FILE|-]`: classifies one item by hand
// with the configured model (MODEL_PATH, the S3 model, or the bundled one)
// and prints the decision (verdict, score, reasons, model version).
//
// With --type (user, project, group, issue, note, merge_request, wiki_page,
// snippet) the input is a GitLab API object of that type, normalised by the
// fetch stage's code (gitlab/normalize.h; "readme" for a project and
// "content" for a snippet, as the fetch stage adds them), its author's
// signals computed as the trust stage does. Without it: an item as the
// pipeline carries it ({"type", "author", "text", ...}), a labelled line
// ({"item": {...}, "signals": {...}}), or a user object (GET /users/:id).
#pragma once

#include <string>

#include "config/config.h"

namespace spamphibian {

// Exit code: 0, or 2 for unreadable input or model.
int RunClassify(const Config& config, const std::string& item_type, const std::string& input);

}  // namespace spamphibian
