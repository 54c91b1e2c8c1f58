// Labelled examples for training and evaluation, rendered exactly as the
// classify stage renders items (text_rendering.h), campaigns included.
//
// Three line formats (JSONL), told apart per line:
//  * training: {"label": "spam"|"ham", "item": <Item JSON>, "signals": {...},
//               "split": "train"|"heldout" (optional), "weight": w (optional),
//               "stream": false (optional: text gathered from elsewhere, no
//               part of one instance's stream, so no campaign counts it)}
//  * API:      {"label", "item_type", "api": <GitLab API object>, "difficulty",
//               "family", ...}: the dev set's format; the object is
//               normalised by gitlab/normalize.h and its author's signals
//               computed by `account_signals`, as the fetch and trust stages do.
//  * real text: {"text": "...", "label", "source", "kind", "lang"}: the
//               format of models/corpus/real-text (text people wrote
//               elsewhere), read as an item of type `text_as` (a note by
//               default) whose author we know nothing of; each line is its
//               own author.
// Campaign counts come from one in-process memory over the file, in file
// order, as if the items had arrived in that order.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "classify/campaigns.h"
#include "classify/text_rendering.h"
#include "gitlab/item.h"

namespace spamphibian::classify {

struct Example {
  Rendering rendering;
  std::string type;
  bool spam = false;
  std::string split;       // "train", "heldout", or "" (decided by the text's hash)
  std::string difficulty;  // "hard", "normal", or "" (not said)
  std::string family;      // spam family or ham kind, when the file says
  std::string source;      // the data set a real text comes from, when the file says
  double weight = 1;
};

// The trust stage's signals object for an item's author (trust_stage.h
// AccountSignals), for API-format lines.
using AccountSignalsFn = std::function<nlohmann::json(const gitlab::Item& item)>;

// The item types a real text can be read as (`text_as`), and the field its
// text goes into: note body, issue description, user bio ...
bool CanReadTextAs(std::string_view type);

Status ReadExamples(const std::string& path, const AccountSignalsFn& account_signals, std::vector<Example>* out,
                    std::string_view text_as = "note");

}  // namespace spamphibian::classify
