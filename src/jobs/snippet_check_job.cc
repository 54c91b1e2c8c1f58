#include "jobs/snippet_check_job.h"

#include "events/event_service.h"
#include "events/redis_event_sink.h"

namespace spamphibian {

Status SnippetCheckJob::Run() {
  EventRecord record;
  record.event_type = "snippet_check";
  record.received_at_ms = SystemWallClock()();
  record.payload = R"({"event_name":"snippet_check"})";
  redis::Args args = {"XADD", stream_, "*"};
  for (auto& f : EventFields(std::move(record))) args.push_back(std::move(f));
  return client_.Run(args);
}

}  // namespace spamphibian
