#include "gitlab/api.h"

#include <charconv>
#include <thread>

namespace spamphibian::gitlab {

Sleeper RealSleeper() {
  return [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

GitLabApi::GitLabApi(ApiOptions options, http::HttpClient& http, RateLimiter& limiter, Sleeper sleep)
    : options_(std::move(options)), http_(http), limiter_(limiter), sleep_(std::move(sleep)) {}

std::chrono::milliseconds GitLabApi::Backoff(int attempt) {
  // Full jitter: uniform in [0, min(max, base * 2^attempt)], so that many
  // workers retrying after the same outage do not return in lockstep.
  const long long cap = std::min<long long>(options_.max_backoff.count(),
                                            options_.base_backoff.count() * (1LL << std::min(attempt, 20)));
  std::uniform_int_distribution<long long> d(cap / 2, cap);
  return std::chrono::milliseconds(d(rng_));
}

Status GitLabApi::Call(const std::string& method, const std::string& url, const std::string& body,
                       std::size_t max_bytes, http::ClientResponse* response) {
  // The token goes to the configured GitLab only, whatever a Link header or
  // an API object names.
  if (!url.starts_with(options_.base_url + "/")) {
    return Status::PermissionDenied(method + ": refusing to send the GitLab token to '" + url +
                                    "', which is not under GITLAB_URL");
  }
  http::ClientRequest req;
  req.method = method;
  req.url = url;
  req.headers = {{"PRIVATE-TOKEN", options_.token.reveal()}, {"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = body;
  req.timeout = options_.timeout;
  req.max_response_bytes = max_bytes;
  std::string last_error;
  const auto remaining = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - std::chrono::steady_clock::now());
  };
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (deadline_) {
      if (remaining().count() <= 0) {
        return Status::Unavailable(method + " " + url + ": deadline passed" +
                                   (last_error.empty() ? "" : " (last error: " + last_error + ")"));
      }
      req.timeout = std::min(options_.timeout, remaining());
    }
    limiter_.Acquire();
    ++requests_;
    Status s = http_.Send(req, response);
    std::chrono::milliseconds wait = Backoff(attempt);
    if (!s.ok() && method != "GET") {
      // No answer to a write (a timeout, a dropped connection): it may have
      // been applied. Sending it again here could do it twice; the caller
      // (the act stage) looks at GitLab first, then decides.
      return Status::Unavailable(method + " " + url + ": " + s.message() + " (no answer: not retried, it may have been applied)");
    }
    if (!s.ok()) {
      last_error = s.message();
    } else if (response->status >= 200 && response->status < 300) {
      return Status::Ok();
    } else if (response->status == 404 || response->status == 410) {
      return Status::NotFound(method + " " + url + ": " + std::to_string(response->status));
    } else if (response->status == 401 || response->status == 403) {
      return Status::PermissionDenied(method + " " + url + ": GitLab answered " + std::to_string(response->status) +
                                      "; check GITLAB_TOKEN (an admin token with api scope)");
    } else if (response->status == 429) {
      last_error = "429 Too Many Requests";
      const std::string_view after = response->Header("retry-after");
      long long seconds = 0;
      if (std::from_chars(after.data(), after.data() + after.size(), seconds).ec == std::errc() && seconds >= 0) {
        wait = std::min<std::chrono::milliseconds>(std::chrono::seconds(seconds), std::chrono::seconds(60));
      }
    } else if (response->status >= 500) {
      last_error = "GitLab answered " + std::to_string(response->status);
    } else {
      return Status::InvalidArgument(method + " " + url + ": GitLab answered " + std::to_string(response->status));
    }
    if (attempt + 1 < options_.max_attempts) {
      if (deadline_ && wait >= remaining()) break;  // the wait would outlast the deadline
      sleep_(wait);
    }
  }
  return Status::Unavailable(method + " " + url + ": " + last_error + " (after " +
                             std::to_string(options_.max_attempts) + " attempts)");
}

Status GitLabApi::Get(const std::string& path, nlohmann::json* out) {
  http::ClientResponse response;
  Status s = Call("GET", options_.base_url + "/api/v4" + path, "", 16 << 20, &response);
  if (!s.ok()) return s;
  *out = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) return Status::Internal("GET " + path + ": response is not JSON");
  return Status::Ok();
}

Status GitLabApi::GetRaw(const std::string& path, std::size_t max_bytes, std::string* out) {
  http::ClientResponse response;
  Status s = Call("GET", options_.base_url + "/api/v4" + path, "", max_bytes, &response);
  if (s.ok()) *out = std::move(response.body);
  return s;
}

Status GitLabApi::Send(const std::string& method, const std::string& path, const nlohmann::json& body,
                       nlohmann::json* out) {
  http::ClientResponse response;
  Status s = Call(method, options_.base_url + "/api/v4" + path, body.is_null() ? "" : body.dump(), 16 << 20,
                  &response);
  if (!s.ok() || out == nullptr) return s;
  *out = response.body.empty() ? nlohmann::json() : nlohmann::json::parse(response.body, nullptr, false);
  return Status::Ok();
}

std::string NextLink(std::string_view link) {
  // <https://gitlab/api/v4/users?page=2&per_page=100>; rel="next", <...>; rel="last"
  std::size_t pos = 0;
  while (pos < link.size()) {
    const std::size_t open = link.find('<', pos);
    const std::size_t close = link.find('>', open);
    if (open == std::string_view::npos || close == std::string_view::npos) break;
    const std::size_t end = link.find(',', close);
    const std::string_view params = link.substr(close + 1, end == std::string_view::npos ? link.npos : end - close - 1);
    if (params.find("rel=\"next\"") != std::string_view::npos) return std::string(link.substr(open + 1, close - open - 1));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return {};
}

Status GitLabApi::GetPages(const std::string& path, const std::function<bool(const nlohmann::json&)>& on_page) {
  std::string url = options_.base_url + "/api/v4" + path + (path.find('?') == std::string::npos ? "?" : "&") +
                    "per_page=100";
  for (int pages = 0; pages < 100000 && !url.empty(); ++pages) {
    http::ClientResponse response;
    Status s = Call("GET", url, "", 64 << 20, &response);
    if (!s.ok()) return s;
    nlohmann::json page = nlohmann::json::parse(response.body, nullptr, false);
    if (!page.is_array()) return Status::Internal("GET " + url + ": expected a JSON array");
    if (!on_page(page)) return Status::Ok();
    std::string next = NextLink(response.Header("link"));
    if (next.empty()) {
      const std::string_view next_page = response.Header("x-next-page");
      if (!next_page.empty()) {
        const std::size_t q = url.find("&page=");
        const std::string base = q == std::string::npos ? url : url.substr(0, q);
        next = base + "&page=" + std::string(next_page);
      }
    }
    url = next;
  }
  return Status::Ok();
}

}  // namespace spamphibian::gitlab
