#include "stages/pipeline.h"

#include <algorithm>

namespace spamphibian {
namespace {

constexpr StageInfo kStages[] = {
    {"events", "", "events", true},
    {"fetch", "events", "items", true},
    {"trust", "items", "candidates", true},
    {"classify", "candidates", "decisions", true},
    {"archive", "archive", "", true},  // classify also writes every classified item here
    {"act", "decisions", "notifications", true},  // and the audit stream
    {"notify", "notifications", "", true},
    // A second consumer group on decisions: the review queue (review/).
    {"review", "decisions", "", true},
    // Not a stream stage: decisions of every stage go to `decisions`.
    {"jobs", "", "events", true},
};

}  // namespace

std::span<const StageInfo> PipelineStages() { return kStages; }

std::vector<std::string_view> PipelineStreams() {
  std::vector<std::string_view> streams;
  for (const StageInfo& s : kStages) {
    for (std::string_view name : {s.input, s.output}) {
      if (!name.empty() && std::find(streams.begin(), streams.end(), name) == streams.end()) streams.push_back(name);
    }
  }
  streams.push_back(kDecisionLogStream);
  streams.push_back(kDeadLetterStream);
  streams.push_back(kAuditStream);
  streams.push_back(kLabelsStream);
  return streams;
}

Status ParseStages(std::string_view text, std::vector<std::string>* out) {
  out->clear();
  if (text.empty() || text == "all") {
    for (const StageInfo& s : kStages) {
      if (s.available) out->emplace_back(s.name);
    }
    return Status::Ok();
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view name = text.substr(start, end - start);
    start = end + 1;
    if (name.empty()) continue;
    const auto it = std::find_if(std::begin(kStages), std::end(kStages),
                                 [&](const StageInfo& s) { return s.name == name; });
    if (it == std::end(kStages)) {
      return Status::InvalidArgument("--stages: unknown stage '" + std::string(name) +
                                     "' (known: events, fetch, trust, classify, archive, act, notify, review, jobs)");
    }
    if (!it->available) {
      return Status::InvalidArgument("--stages: stage '" + std::string(name) + "' is not built in this version yet");
    }
    if (std::find(out->begin(), out->end(), name) == out->end()) out->emplace_back(name);
  }
  if (out->empty()) return Status::InvalidArgument("--stages: no stage given");
  return Status::Ok();
}

}  // namespace spamphibian
