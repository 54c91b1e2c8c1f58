// Decision: what the pipeline concluded about one item. Every item ends as
// exactly one decision in the stream <prefix>decisions (field "decision"),
// and as one JSON log line.
//
// Verdicts: gone (deleted before we could look), trusted (its author is
// trusted; `reasons` says by which rule), and, from the classify stage,
// spam, suspicious, ham.
#pragma once

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include <string>
#include <vector>

#include "stages/stage.h"

namespace spamphibian {

struct Decision {
  // Stable across retries of the same entry: "<stage>-<entry id>[-<n>]", so
  // a re-processed entry yields the same id and the act stage can tell.
  std::string decision_id;
  std::string event_type;
  std::string item_type;
  std::string item_id;
  std::string verdict;
  std::vector<std::string> reasons;
  std::string time;  // RFC 3339, UTC
  nlohmann::json extra = nlohmann::json::object();  // e.g. the item, score, model_version
};

nlohmann::json ToJson(const Decision& d);

// Where decisions go: the stream (a full key) and its approximate bound.
struct DecisionLog {
  std::string stream;
  long long maxlen = 0;  // 0: unbounded
};

// The stream entry for `d`.
Emit DecisionEmit(const DecisionLog& log, const Decision& d);

// Logs the decision as one JSON line at info level.
void LogDecision(spdlog::logger& log, const Decision& d);

// Now, as RFC 3339 UTC with milliseconds.
std::string NowRfc3339();

}  // namespace spamphibian
