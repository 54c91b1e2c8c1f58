// GitLabApi: reads (and, for the act stage, writes) GitLab's REST API v4.
//
// Every call: takes a token from the shared RateLimiter, sends PRIVATE-TOKEN,
// and maps the answer to a Status:
//   2xx            ok, body parsed as JSON
//   404, 410       NotFound: the item is gone (no retry)
//   401, 403       PermissionDenied: configuration error (no retry; the
//                  caller keeps the work pending and an operator fixes it)
//   429            waits Retry-After (capped), then retries
//   5xx, timeout,  retried with exponential back-off and jitter, then
//   no response    Unavailable; but a write (POST, PUT, DELETE) without an
//                  answer is not retried: it may have been applied, and the
//                  caller reconciles before sending it again
//   other 4xx      InvalidArgument
//
// Not thread-safe (it owns an HttpClient): one per worker thread. The
// RateLimiter is shared.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "config/secret.h"
#include "gitlab/rate_limiter.h"
#include "http/client.h"

namespace spamphibian::gitlab {

struct ApiOptions {
  std::string base_url;  // e.g. https://gitlab.example.com (no /api/v4)
  Secret token;
  int max_attempts = 5;  // tries per call, the first included
  std::chrono::milliseconds base_backoff{200};
  std::chrono::milliseconds max_backoff{10000};
  std::chrono::milliseconds timeout{10000};
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;
Sleeper RealSleeper();

class GitLabApi {
 public:
  // `http` and `limiter` must outlive this.
  GitLabApi(ApiOptions options, http::HttpClient& http, RateLimiter& limiter, Sleeper sleep = RealSleeper());

  // GET /api/v4{path}; `path` starts with '/' and may carry a query string.
  Status Get(const std::string& path, nlohmann::json* out);
  // GET without JSON parsing, at most `max_bytes` of the body.
  Status GetRaw(const std::string& path, std::size_t max_bytes, std::string* out);
  // Pages through a list endpoint (per_page=100), following x-next-page or
  // the Link rel="next" header (keyset pagination). `on_page` gets each page's
  // array and returns false to stop early.
  Status GetPages(const std::string& path, const std::function<bool(const nlohmann::json&)>& on_page);
  // Writes (act stage): PUT/POST/DELETE with a JSON body.
  Status Send(const std::string& method, const std::string& path, const nlohmann::json& body, nlohmann::json* out);

  // Requests sent, retries included (for measurements and tests).
  long requests() const { return requests_; }

  // Until cleared, no request is sent (or retried, or waited for) past
  // `deadline`, and each request's timeout ends there: the act stage bounds
  // an action by the lease on its reservation. Unavailable once it passed.
  void SetDeadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }
  void ClearDeadline() { deadline_.reset(); }

 private:
  Status Call(const std::string& method, const std::string& url, const std::string& body, std::size_t max_bytes,
              http::ClientResponse* response);
  std::chrono::milliseconds Backoff(int attempt);

  ApiOptions options_;
  http::HttpClient& http_;
  RateLimiter& limiter_;
  Sleeper sleep_;
  std::mt19937 rng_{std::random_device{}()};
  long requests_ = 0;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
};

// The next page's URL from a Link header, or "".
std::string NextLink(std::string_view link_header);

}  // namespace spamphibian::gitlab
