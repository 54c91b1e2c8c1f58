#include "events/event_service.h"

#include <openssl/sha.h>

#include <cctype>
#include <chrono>

#include "events/event_type.h"
#include "log/json_log.h"
#include "security/constant_time.h"

namespace spamphibian {
namespace {

// GitLab's delivery ids are UUIDs; anything longer or with odd bytes is not
// used as a Redis key.
bool UsableDeliveryId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// 128 bits of the body's SHA-256, hex: tells apart distinct events that
// share a UUID (GitLab copies it from the triggering request).
std::string BodyDigest(std::string_view body) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (int i = 0; i < 16; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// GitLab sends application/json. Also taken: no type, and what curl sends
// by default (--data-binary), so that a hand-made test hook works; anything
// else (forms, XML, binary) cannot be a hook.
bool AcceptableContentType(std::string_view type) {
  const std::size_t semi = type.find(';');
  type = type.substr(0, semi);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  std::string lower(type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.empty() || lower == "application/json" || lower == "application/x-www-form-urlencoded" ||
         lower == "text/plain";
}

std::string OkBody(std::string_view status, std::string_view event_type) {
  nlohmann::json body{{"status", status}};
  if (!event_type.empty()) body["event_type"] = event_type;
  return body.dump();
}

http::Response Ok(std::string body) {
  http::Response r;
  r.body = std::move(body);
  return r;
}

}  // namespace

WallClock SystemWallClock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

EventService::EventService(EventServiceOptions options, EventSink& sink, metrics::Registry& metrics,
                           spdlog::logger& log, WallClock clock)
    : options_(std::move(options)),
      sink_(sink),
      log_(log),
      clock_(std::move(clock)),
      rejected_(metrics.AddCounter("spamphibian_events_rejected_total",
                                   "Hook deliveries refused, by reason; none of them was stored.", {"reason"})),
      ignored_(metrics.AddCounter("spamphibian_events_ignored_total",
                                  "Hook deliveries answered 200 but not stored: not an event Spamphibian handles.")
                   .With({})),
      duplicates_(metrics.AddCounter("spamphibian_events_duplicate_total",
                                     "Hook deliveries whose delivery id was already stored in the last 24 h.")
                      .With({})) {
  auto& received = metrics.AddCounter("spamphibian_events_received_total",
                                      "Hook deliveries stored in the events stream, by event type.", {"event_type"});
  for (std::string_view type : AllEventTypes()) {
    // Answers are made once here, not per request.
    answers_[type] = {&received.With({std::string(type)}), OkBody("queued", type), OkBody("duplicate", type)};
  }
  for (const char* reason :
       {"bad_token", "too_large", "bad_json", "too_deep", "bad_field", "bad_content_type", "unavailable"}) {
    rejected_.With({reason});
  }
}

std::unique_ptr<simdjson::dom::parser> EventService::BorrowParser() {
  {
    std::lock_guard<std::mutex> lock(parsers_mu_);
    if (!parsers_.empty()) {
      auto p = std::move(parsers_.back());
      parsers_.pop_back();
      return p;
    }
  }
  auto parser = std::make_unique<simdjson::dom::parser>(options_.max_body_bytes);
  // Capacity grows on demand up to max_body_bytes; the depth limit is fixed.
  if (parser->allocate(4096, static_cast<std::size_t>(options_.max_json_depth)) != simdjson::SUCCESS) {
    throw std::bad_alloc();
  }
  return parser;
}

void EventService::ReturnParser(std::unique_ptr<simdjson::dom::parser> parser) {
  std::lock_guard<std::mutex> lock(parsers_mu_);
  parsers_.push_back(std::move(parser));
}

void EventService::Reject(const http::Respond& respond, int status, std::string_view reason, std::string_view message) {
  rejected_.With({std::string(reason)}).Inc();
  LogJson(log_, spdlog::level::warn, "event_rejected", {{"reason", reason}, {"status", status}});
  respond(http::JsonError(status, message));
}

std::optional<http::Response> EventService::CheckHeaders(const http::Request& req) {
  if (!options_.webhook_secret.empty() &&
      !ConstantTimeEquals(req.Header("X-Gitlab-Token"), options_.webhook_secret.reveal())) {
    std::optional<http::Response> out;
    Reject([&out](http::Response r) { out = std::move(r); }, 401, "bad_token", "missing or wrong X-Gitlab-Token");
    return out;
  }
  return std::nullopt;
}

void EventService::Handle(http::Request req, http::Respond respond) {
  const std::int64_t received_at = clock_();
  if (!options_.webhook_secret.empty() &&
      !ConstantTimeEquals(req.Header("X-Gitlab-Token"), options_.webhook_secret.reveal())) {
    return Reject(respond, 401, "bad_token", "missing or wrong X-Gitlab-Token");
  }
  if (req.body_too_large || req.body.size() > options_.max_body_bytes) {
    return Reject(respond, 413, "too_large",
                  "body larger than " + std::to_string(options_.max_body_bytes) + " bytes");
  }

  if (!AcceptableContentType(req.Header("Content-Type"))) {
    return Reject(respond, 415, "bad_content_type", "GitLab hooks are JSON (Content-Type: application/json)");
  }
  // Parse in place: give the body the padding simdjson reads past the end.
  req.body.reserve(req.body.size() + simdjson::SIMDJSON_PADDING);
  auto parser = BorrowParser();
  simdjson::dom::element doc;
  const auto error = parser->parse(req.body.data(), req.body.size(), /*realloc_if_needed=*/false).get(doc);
  std::string_view event_type, invalid;
  const bool is_object = !error && doc.is_object();
  if (is_object) event_type = DetectEventType(doc, req.Header("X-Gitlab-Event"));
  if (!event_type.empty()) invalid = InvalidField(doc, event_type);
  ReturnParser(std::move(parser));
  if (error == simdjson::DEPTH_ERROR) {
    return Reject(respond, 400, "too_deep",
                  "JSON nested deeper than " + std::to_string(options_.max_json_depth) + " levels");
  }
  if (error) return Reject(respond, 400, "bad_json", "body is not valid JSON");
  if (!is_object) return Reject(respond, 400, "bad_json", "body is not a JSON object");

  if (event_type.empty()) {
    ignored_.Inc();
    if (log_.should_log(spdlog::level::debug)) {
      LogJson(log_, spdlog::level::debug, "event_ignored", {{"gitlab_event", req.Header("X-Gitlab-Event")}});
    }
    return respond(Ok(OkBody("ignored", "")));
  }

  if (!invalid.empty()) {
    return Reject(respond, 400, "bad_field",
                  "'" + std::string(invalid) + "' is missing or not valid for " + std::string(event_type) +
                      " (ids must be positive integers)");
  }

  EventRecord record;
  record.event_type = event_type;
  const std::string_view delivery = req.Header("X-Gitlab-Event-UUID");
  if (UsableDeliveryId(delivery)) record.delivery_id = std::string(delivery);
  const std::string_view idempotency = req.Header("Idempotency-Key");
  if (UsableDeliveryId(idempotency)) {
    record.dedupe_key = "idem:" + std::string(idempotency);
  } else if (!record.delivery_id.empty()) {
    record.dedupe_key = record.delivery_id + ":" + BodyDigest(req.body);
  }
  record.gitlab_event = std::string(req.Header("X-Gitlab-Event"));
  record.received_at_ms = received_at;
  record.payload = std::move(req.body);
  record.worker = req.worker;
  std::string delivery_id = record.delivery_id;

  const PerType* answers = &answers_.at(event_type);
  sink_.Enqueue(std::move(record), [this, event_type, answers, delivery_id = std::move(delivery_id),
                                    respond = std::move(respond)](EnqueueResult result) mutable {
    switch (result) {
      case EnqueueResult::kStored:
        answers->received->Inc();
        // A counter per hook; the line only at debug (at info the log has a
        // line per decision at most). Checked here, not only in LogJson:
        // building the fields costs more than the rest of the request's
        // bookkeeping.
        if (log_.should_log(spdlog::level::debug)) {
          LogJson(log_, spdlog::level::debug, "event_enqueued", {{"event_type", event_type}, {"delivery_id", delivery_id}});
        }
        return respond(Ok(answers->queued));
      case EnqueueResult::kDuplicate:
        duplicates_.Inc();
        LogJson(log_, spdlog::level::info, "event_duplicate",
                {{"event_type", event_type}, {"delivery_id", delivery_id}});
        return respond(Ok(answers->duplicate));
      case EnqueueResult::kUnavailable:
        return Reject(respond, 503, "unavailable", "event store unavailable, retry later");
    }
  });
}

}  // namespace spamphibian
