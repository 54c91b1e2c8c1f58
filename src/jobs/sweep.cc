#include "jobs/sweep.h"

#include <thread>

#include "events/event_service.h"
#include "events/redis_event_sink.h"
#include "log/json_log.h"

namespace spamphibian {
namespace {

struct Kind {
  const char* name;
  const char* path;        // listing, oldest first where GitLab can sort
  const char* event_type;  // the event each object becomes
  const char* id_field;    // the payload field naming the object
};

constexpr Kind kKinds[] = {
    {"users", "/users?order_by=id&sort=asc", "user_create", "user_id"},
    {"projects", "/projects?order_by=id&sort=asc", "project_create", "project_id"},
    {"groups", "/groups?order_by=id&sort=asc&all_available=true", "group_create", "group_id"},
    {"snippets", "/snippets/public", "snippet_check", "snippet_id"},
};

const Kind* FindKind(const std::string& name) {
  for (const Kind& k : kKinds) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

}  // namespace

Status CheckSweepKind(const std::string& kind) {
  return FindKind(kind) ? Status::Ok()
                        : Status::InvalidArgument("sweep: unknown kind '" + kind + "' (users, projects, groups, snippets)");
}

Status Sweep::Run(const std::atomic<bool>& stop, long* enqueued, long* skipped) {
  *enqueued = *skipped = 0;
  const Kind* kind = FindKind(options_.kind);
  if (kind == nullptr) return CheckSweepKind(options_.kind);
  std::string path = kind->path;
  if (!options_.since.empty()) path += std::string(path.find('?') == std::string::npos ? "?" : "&") + "created_after=" + options_.since;
  const auto interval = std::chrono::duration<double>(options_.rate > 0 ? 1.0 / options_.rate : 0);
  auto next = std::chrono::steady_clock::now();
  Status failure = Status::Ok();

  Status s = api_.GetPages(path, [&](const nlohmann::json& page) {
    if (stop.load()) return false;
    // Which of this page's objects were enqueued by an earlier run?
    redis::Args ask = {"SMISMEMBER", options_.done_key};
    std::vector<std::int64_t> ids;
    for (const auto& obj : page) {
      const std::string created = obj.value("created_at", "");
      if (!options_.since.empty() && !created.empty() && created < options_.since) continue;
      ids.push_back(obj.value("id", std::int64_t{0}));
      ask.push_back(std::to_string(ids.back()));
    }
    if (ids.empty()) return true;
    redis::Reply done;
    failure = client_.Run(ask, &done);
    if (!failure.ok()) return false;
    for (std::size_t i = 0; i < ids.size() && !stop.load(); ++i) {
      if (done->element[i]->integer == 1) {
        ++*skipped;
        continue;
      }
      EventRecord record;
      record.event_type = kind->event_type;
      record.received_at_ms = SystemWallClock()();
      record.gitlab_event = "Sweep";
      const nlohmann::json payload = {{"event_name", kind->event_type}, {kind->id_field, ids[i]}, {"sweep", true}};
      record.payload = payload.dump();
      redis::Args xadd = {"XADD", options_.events_stream, "*"};
      for (auto& f : EventFields(std::move(record))) xadd.push_back(std::move(f));
      std::vector<redis::Reply> replies;
      failure = client_.RunPipeline({{"MULTI"}, xadd, {"SADD", options_.done_key, std::to_string(ids[i])}, {"EXEC"}},
                                    &replies);
      if (failure.ok() && replies.back()->type != REDIS_REPLY_ARRAY) failure = Status::Internal("sweep: EXEC failed");
      if (!failure.ok()) return false;
      ++*enqueued;
      next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
      std::this_thread::sleep_until(next);
    }
    LogJson(log_, spdlog::level::info, "sweep_progress",
            {{"kind", options_.kind}, {"enqueued", *enqueued}, {"skipped", *skipped}});
    return !stop.load();
  });
  return failure.ok() ? s : failure;
}

}  // namespace spamphibian
