// Decision: what the pipeline concluded about one item. Every item ends as
// exactly one decision in the stream <prefix>decisions (a records::Decision,
// stages/records.h), and as one JSON log line.
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
  // The item as serialised JSON, when the caller has it as text (a stage
  // entry's "item" field): spliced into the decision verbatim as "item",
  // so that a long item is neither copied nor serialised again. It must be
  // one valid JSON value. "" = none (or extra["item"]).
  std::string item_json;
};

// Where decisions go. Two streams, because a capped stream cannot also be a
// work queue (XADD MAXLEN would drop entries the act stage has not read):
//   queue  the act stage's input, trimmed only as it is consumed;
//   log    the decision log for people and tools, capped near log_maxlen.
// Full keys.
struct DecisionLog {
  std::string queue;
  std::string log;       // "" = no log copy
  long long log_maxlen = 0;  // 0: unbounded
};

// Records `d`: one JSON line at info level on `logger` (without the item),
// and the stream entries for `log`'s queue and log (with it). Serialised
// once for all three.
void RecordDecision(spdlog::logger& logger, const DecisionLog& log, const Decision& d, std::vector<Emit>* emits);

// Now, as RFC 3339 UTC with milliseconds.
std::string NowRfc3339();

}  // namespace spamphibian
