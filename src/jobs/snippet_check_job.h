// SnippetCheckJob: snippets send no hooks, so every SNIPPET_CHECK_INTERVAL
// this job puts one `snippet_check` event into the events stream. The fetch
// stage answers it by listing public snippets and fetching each new or
// changed one (its ledger, <prefix>snippets:seen, remembers what it saw).
#pragma once

#include "jobs/job.h"
#include "redis/client.h"

namespace spamphibian {

class SnippetCheckJob : public Job {
 public:
  SnippetCheckJob(const redis::Connector& connector, std::string events_stream, std::chrono::seconds interval)
      : client_(connector), stream_(std::move(events_stream)), interval_(interval) {}

  std::string_view name() const override { return "snippet_check"; }
  std::chrono::seconds interval() const override { return interval_; }
  Status Run() override;

 private:
  redis::Client client_;
  const std::string stream_;
  const std::chrono::seconds interval_;
};

}  // namespace spamphibian
