// The pipeline's shape in one table: each stage, the stream it reads and
// the stream it writes. Stream keys are the configured prefix plus the name.
//
//   hooks --> [events] --events--> [fetch] --items--> [trust] --candidates-->
//             [classify] --decisions--> [act] --notifications--> [notify] --> Slack
//                                   |         --audit (a log)
//                                   +-----> [review] --> the review queue --answers--> decisions, labels
//                        --archive--> [archive] --> S3 evaluated/
//   [jobs] (snippet check, verified users) --events--> ...
//   any stage, after max_attempts failures --> dead_letter
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace spamphibian {

struct StageInfo {
  std::string_view name;
  std::string_view input;   // "" for stages fed from outside (HTTP, timers)
  std::string_view output;  // "" for the last stage
  bool available;           // built in this version
};

std::span<const StageInfo> PipelineStages();

// Stream names without the prefix.
inline constexpr std::string_view kEventsStream = "events";
inline constexpr std::string_view kDeadLetterStream = "dead_letter";
inline constexpr std::string_view kItemsStream = "items";
inline constexpr std::string_view kCandidatesStream = "candidates";
inline constexpr std::string_view kDecisionsStream = "decisions";        // work queue of the act stage
inline constexpr std::string_view kDecisionLogStream = "decision_log";  // capped log (DECISIONS_MAXLEN)
inline constexpr std::string_view kArchiveStream = "archive";
inline constexpr std::string_view kNotificationsStream = "notifications";
inline constexpr std::string_view kAuditStream = "audit";
inline constexpr std::string_view kLabelsStream = "labels";  // reviewers' answers, for training

// Every stream of the pipeline, for the queue-length metric.
std::vector<std::string_view> PipelineStreams();

// Parses --stages: "all" or a comma-separated subset of the stage names.
// InvalidArgument for an unknown stage, or one not built yet.
Status ParseStages(std::string_view text, std::vector<std::string>* out);

}  // namespace spamphibian
