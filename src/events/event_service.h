// EventService: the handler behind POST /events (and /event, upstream's
// path). It takes GitLab system hooks and project/group webhooks, checks
// them, works out their event type and stores them in the events stream.
//
// Checks, in order (each rejection is counted in
// spamphibian_events_rejected_total{reason} and nothing of it is stored):
//   wrong or missing X-Gitlab-Token (when a secret is set)  401 bad_token
//   body over the limit                                      413 too_large
//   not JSON / nested deeper than the limit                  400 bad_json / too_deep
//   not a JSON object                                        400 bad_json
//   a field the event type needs is missing or malformed     400 bad_field
//   a content type that cannot be a hook (form, XML ...)     415 bad_content_type
//   an event that is none of ours                            200, ignored
//   Redis could not store it                                 503 unavailable
// A 200 for an event we handle is sent only after Redis has stored it.
//
// Thread-safe: Handle() is called concurrently from the server's threads.
#pragma once

#include <simdjson.h>
#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/secret.h"
#include "events/event_sink.h"
#include "http/message.h"
#include "metrics/registry.h"

namespace spamphibian {

struct EventServiceOptions {
  Secret webhook_secret;  // empty: no token check
  std::size_t max_body_bytes = 1 << 20;
  int max_json_depth = 64;
};

// Milliseconds since the epoch; injected so that tests control time.
using WallClock = std::function<std::int64_t()>;
WallClock SystemWallClock();

class EventService : public http::Handler {
 public:
  // `sink`, `metrics` and `log` must outlive this.
  EventService(EventServiceOptions options, EventSink& sink, metrics::Registry& metrics, spdlog::logger& log,
               WallClock clock = SystemWallClock());

  void Handle(http::Request request, http::Respond respond) override;
  // The token, on the headers alone: a request without it never gets its
  // body read.
  std::optional<http::Response> CheckHeaders(const http::Request& request) override;

 private:
  // simdjson parsers are reused across requests (allocation is the costly
  // part) but are not thread-safe: each request borrows one.
  std::unique_ptr<simdjson::dom::parser> BorrowParser();
  void ReturnParser(std::unique_ptr<simdjson::dom::parser> parser);

  void Reject(const http::Respond& respond, int status, std::string_view reason, std::string_view message);

  const EventServiceOptions options_;
  EventSink& sink_;
  spdlog::logger& log_;
  const WallClock clock_;

  metrics::CounterFamily& rejected_;
  metrics::Counter& ignored_;
  metrics::Counter& duplicates_;
  // Per event type, made once: its counter (no lookup under a lock per
  // event) and its answers.
  struct PerType {
    metrics::Counter* received;
    std::string queued;
    std::string duplicate;
  };
  std::unordered_map<std::string_view, PerType> answers_;

  std::mutex parsers_mu_;
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_;
};

}  // namespace spamphibian
