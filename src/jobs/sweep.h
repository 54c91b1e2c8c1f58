// Sweep: feeds content that already exists through the pipeline, for
// instances that are full of spam before Spamphibian arrives:
//   spamphibian sweep users|projects|groups|snippets [--since DATE]
//
// Pages through the GitLab listing and puts one event per object into the
// events stream (user_create, project_create, group_create, snippet_check),
// at most `rate` per second. Each enqueue and the record that it happened
// (<prefix>sweep:<kind>:done, a set of ids) are one MULTI/EXEC, so an
// interrupted sweep resumes where it stopped and enqueues every object once.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <string>

#include "gitlab/api.h"
#include "redis/client.h"

namespace spamphibian {

struct SweepOptions {
  std::string kind;            // users, projects, groups, snippets
  std::string since;           // ISO date; "" for everything
  double rate = 5;             // events per second; 0 = unlimited
  std::string events_stream;   // full key
  std::string done_key;        // full key of the set of enqueued ids
};

// InvalidArgument for an unknown kind.
Status CheckSweepKind(const std::string& kind);

class Sweep {
 public:
  Sweep(SweepOptions options, gitlab::GitLabApi& api, const redis::Connector& connector, spdlog::logger& log)
      : options_(std::move(options)), api_(api), client_(connector), log_(log) {}

  // Runs until the listing ends or *stop turns true. *enqueued counts new
  // events; *skipped those done by an earlier run.
  Status Run(const std::atomic<bool>& stop, long* enqueued, long* skipped);

 private:
  SweepOptions options_;
  gitlab::GitLabApi& api_;
  redis::Client client_;
  spdlog::logger& log_;
};

}  // namespace spamphibian
