#include "review/slack_interactions.h"

#include <charconv>

#include "http/percent_encoding.h"
#include "log/json_log.h"
#include "notify/slack_message.h"
#include "security/constant_time.h"
#include "security/crypto.h"

namespace spamphibian::review {

namespace {

// A string field of a payload, "" when missing or of another type (value()
// would throw, and the payload is the sender's to shape).
std::string StringAt(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

constexpr std::size_t kMaxQueued = 1000;

http::Response Empty(int status) {
  http::Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

// How long a click is remembered: a signature is accepted while its
// timestamp is within five minutes either side of now.
constexpr std::chrono::seconds kClickWindow{600};

}  // namespace

Status VerifySlackSignature(const std::string& secret, std::string_view timestamp, std::string_view signature,
                            std::string_view body, std::chrono::system_clock::time_point now,
                            std::chrono::seconds max_age) {
  if (secret.empty()) return Status::PermissionDenied("no SLACK_SIGNING_SECRET configured");
  long long ts = 0;
  auto [ptr, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (timestamp.empty() || ec != std::errc() || ptr != timestamp.data() + timestamp.size()) {
    return Status::PermissionDenied("no X-Slack-Request-Timestamp");
  }
  const long long now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (std::llabs(now_s - ts) > max_age.count()) return Status::PermissionDenied("stale timestamp (a replay?)");
  const std::string base = "v0:" + std::string(timestamp) + ":" + std::string(body);
  const std::string expected = "v0=" + security::Hex(security::HmacSha256(secret, base));
  if (!ConstantTimeEquals(expected, signature)) return Status::PermissionDenied("wrong signature");
  return Status::Ok();
}

SlackInteractions::SlackInteractions(SlackInteractionsOptions options, std::unique_ptr<ReviewStore> store,
                                     std::unique_ptr<http::HttpClient> http, metrics::Registry& metrics,
                                     spdlog::logger& log)
    : options_(std::move(options)),
      store_(std::move(store)),
      http_(std::move(http)),
      results_(metrics.AddCounter("spamphibian_slack_interactions_total",
                                  "Clicks on Slack's review buttons, by result (applied, already, refused_signature, "
                                  "unknown_user, replayed, bad_request, failed, busy).",
                                  {"result"})),
      log_(log),
      queue_(kMaxQueued) {}

void SlackInteractions::Handle(http::Request req, http::Respond respond) {
  try {
    HandleChecked(req, respond);
  } catch (const std::exception& e) {
    // A signed payload of an unexpected shape (a number where text was
    // expected): refused, never a crash.
    results_.With({"bad_request"}).Inc();
    respond(http::JsonError(400, "unexpected payload shape"));
  }
}

void SlackInteractions::HandleChecked(const http::Request& req, const http::Respond& respond) {
  if (req.body_too_large) {
    results_.With({"bad_request"}).Inc();
    return respond(http::JsonError(413, "body too large"));
  }
  if (Status s = VerifySlackSignature(options_.signing_secret.reveal(), req.Header("X-Slack-Request-Timestamp"),
                                      req.Header("X-Slack-Signature"), req.body, std::chrono::system_clock::now());
      !s.ok()) {
    results_.With({"refused_signature"}).Inc();
    LogJson(log_, spdlog::level::warn, "slack_interaction_refused", {{"reason", s.message()}});
    return respond(http::JsonError(401, s.message()));
  }
  const nlohmann::json payload = nlohmann::json::parse(http::FormValue(http::ParseForm(req.body), "payload"), nullptr, false);
  if (!payload.is_object() || payload.value("type", "") != "block_actions" || !payload.contains("actions") ||
      !payload["actions"].is_array() || payload["actions"].empty() || !payload["actions"][0].is_object()) {
    results_.With({"bad_request"}).Inc();
    return respond(http::JsonError(400, "not a block_actions payload"));
  }
  const nlohmann::json& action = payload["actions"][0];
  const auto field = [&action](const char* key) { return StringAt(action, key); };
  const std::string action_id = field("action_id");
  if (action_id == "review_open") return respond(Empty(200));  // a link button: Slack opens it
  if (action_id != "review_spam" && action_id != "review_ham") {
    results_.With({"bad_request"}).Inc();
    return respond(http::JsonError(400, "unknown action"));
  }
  Job job;
  job.review_id = field("value");
  job.outcome = action_id == "review_spam" ? "spam" : "ham";
  job.slack_user = payload.contains("user") ? StringAt(payload["user"], "id") : "";
  job.response_url = StringAt(payload, "response_url");
  job.signature = std::string(req.Header("X-Slack-Signature"));
  job.message = payload.contains("message") ? payload["message"] : nlohmann::json::object();
  job.block_id = field("block_id");  // which item of a summary was answered
  if (auto it = options_.slack_users.find(job.slack_user); it != options_.slack_users.end()) job.reviewer = it->second;
  if (!queue_.Submit([this, job = std::move(job)] { Apply(job); })) {
    results_.With({"busy"}).Inc();
    return respond(http::JsonError(503, "busy"));
  }
  respond(Empty(200));
}

void SlackInteractions::Apply(const Job& job) {
  if (job.reviewer.empty()) {
    results_.With({"unknown_user"}).Inc();
    LogJson(log_, spdlog::level::warn, "slack_interaction_refused",
            {{"reason", "not a reviewer"}, {"slack_user", job.slack_user}});
    Reply(job.response_url, {{"response_type", "ephemeral"}, {"replace_original", false},
                             {"text", "You are not a reviewer: ask an admin to add your Slack id to review.slack_users."}});
    return;
  }
  // A signed click is valid for five minutes; within them, it counts once.
  bool first = false;
  if (Status s = store_->FirstSeen(job.signature, kClickWindow, &first); !s.ok()) {
    results_.With({"failed"}).Inc();
    Reply(job.response_url, {{"response_type", "ephemeral"}, {"replace_original", false},
                             {"text", "Not recorded: " + notify::EscapeMrkdwn(s.message())}});
    return;
  }
  if (!first) {
    results_.With({"replayed"}).Inc();
    LogJson(log_, spdlog::level::warn, "slack_interaction_refused",
            {{"reason", "a click seen before (replayed)"}, {"review_id", job.review_id}});
    return;
  }
  OutcomeResult result;
  const Status s = Decide(*store_, job.review_id, {job.outcome, "item", false}, {job.reviewer, "slack"},
                          options_.policy, &result);
  if (!s.ok()) {
    results_.With({"failed"}).Inc();
    Reply(job.response_url, {{"response_type", "ephemeral"}, {"replace_original", false},
                             {"text", "Not recorded: " + notify::EscapeMrkdwn(s.message())}});
    return;
  }
  results_.With({result.applied ? "applied" : "already"}).Inc();
  LogJson(log_, spdlog::level::info, "review_answered",
          {{"review_id", job.review_id}, {"outcome", job.outcome}, {"reviewer", job.reviewer}, {"via", "slack"},
           {"applied", result.applied}});
  const std::string line = (job.outcome == "spam" ? "Confirmed spam" : "Marked not spam") + std::string(" by @") +
                           job.reviewer + " in Slack (" + result.state + (result.applied ? "" : ", already") + ")";
  Reply(job.response_url, notify::AnsweredMessage(job.message, line, job.block_id));
}

void SlackInteractions::Reply(const std::string& url, const nlohmann::json& body) {
  // Only Slack's own URLs: a response_url is part of a signed payload, but
  // this service never posts where a payload alone says.
  if (url.empty() || !url.starts_with(options_.response_url_prefix)) {
    LogJson(log_, spdlog::level::warn, "slack_response_url_refused", {{"prefix", options_.response_url_prefix}});
    return;
  }
  http::ClientRequest req;
  req.method = "POST";
  req.url = url;
  req.headers = {{"Content-Type", "application/json"}};
  req.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  req.timeout = std::chrono::seconds(10);
  http::ClientResponse resp;
  if (Status s = http_->Send(req, &resp); !s.ok() || resp.status >= 300) {
    LogJson(log_, spdlog::level::warn, "slack_response_failed",
            {{"status", resp.status}, {"error", s.ok() ? "" : s.message()}});
  }
}

}  // namespace spamphibian::review
