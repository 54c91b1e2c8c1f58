// GitLabApi against the real gitlab-sim over HTTP, with injected faults.
#include "gitlab/api.h"

#include <gtest/gtest.h>

#include "gitlab_sim_process.h"
#include "http/curl_client.h"

namespace spamphibian::gitlab {
namespace {

class GitLabApiTest : public ::testing::Test {
 protected:
  GitLabApi Api(int max_attempts = 4) {
    ApiOptions o;
    o.base_url = sim_.url();
    o.token = Secret("glpat-test");
    o.max_attempts = max_attempts;
    o.timeout = std::chrono::milliseconds(2000);
    return GitLabApi(o, http_, limiter_, [this](std::chrono::milliseconds d) { slept_.push_back(d); });
  }

  testing::GitLabSimProcess sim_{{"--token", "glpat-test", "--max-per-page", "7"}};
  http::CurlHttpClient http_;
  RateLimiter limiter_{0, 1};
  std::vector<std::chrono::milliseconds> slept_;
};

TEST_F(GitLabApiTest, ReadsAnObject) {
  auto api = Api();
  nlohmann::json user;
  ASSERT_TRUE(api.Get("/users/101", &user).ok());
  EXPECT_EQ(user["username"], "seo_links_4u");
  EXPECT_EQ(api.requests(), 1);
}

TEST_F(GitLabApiTest, RetriesServerErrorsWithBackoff) {
  sim_.AddFault({{"path_prefix", "/api/v4/users/101"}, {"status", 502}, {"count", 2}});
  auto api = Api();
  nlohmann::json user;
  ASSERT_TRUE(api.Get("/users/101", &user).ok());
  EXPECT_EQ(api.requests(), 3);
  ASSERT_EQ(slept_.size(), 2u);
  EXPECT_GE(slept_[1], slept_[0] / 2) << "back-off grows (with jitter)";
  EXPECT_EQ(sim_.CountRequests("/api/v4/users/101"), 3);
}

TEST_F(GitLabApiTest, GivesUpAfterMaxAttempts) {
  sim_.AddFault({{"path_prefix", "/api/v4/users/101"}, {"status", 500}});
  auto api = Api(3);
  nlohmann::json user;
  Status s = api.Get("/users/101", &user);
  EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
  EXPECT_EQ(api.requests(), 3);
}

TEST_F(GitLabApiTest, HonoursRetryAfterOn429) {
  sim_.AddFault({{"path_prefix", "/api/v4/users/101"}, {"status", 429}, {"count", 1}, {"retry_after", 7}});
  auto api = Api();
  nlohmann::json user;
  ASSERT_TRUE(api.Get("/users/101", &user).ok());
  ASSERT_EQ(slept_.size(), 1u);
  EXPECT_EQ(slept_[0], std::chrono::seconds(7));
}

TEST_F(GitLabApiTest, NotFoundIsGoneWithoutRetries) {
  auto api = Api();
  nlohmann::json user;
  EXPECT_TRUE(api.Get("/users/999999", &user).IsNotFound());
  EXPECT_EQ(api.requests(), 1);
}

TEST_F(GitLabApiTest, WrongTokenIsPermissionDeniedWithoutRetries) {
  ApiOptions o;
  o.base_url = sim_.url();
  o.token = Secret("wrong");
  GitLabApi api(o, http_, limiter_, [](std::chrono::milliseconds) {});
  nlohmann::json user;
  Status s = api.Get("/users/101", &user);
  EXPECT_TRUE(s.IsPermissionDenied());
  EXPECT_EQ(s.message().find("wrong"), std::string::npos) << "the token never appears in messages";
  EXPECT_EQ(api.requests(), 1);
}

TEST_F(GitLabApiTest, DroppedConnectionIsRetried) {
  sim_.AddFault({{"path_prefix", "/api/v4/users/101"}, {"drop", true}, {"count", 1}});
  auto api = Api();
  nlohmann::json user;
  ASSERT_TRUE(api.Get("/users/101", &user).ok());
  EXPECT_EQ(api.requests(), 2);
}

TEST_F(GitLabApiTest, TimeoutIsRetried) {
  sim_.AddFault({{"path_prefix", "/api/v4/users/101"}, {"latency_ms", 3000}, {"count", 1}});
  auto api = Api();
  nlohmann::json user;
  ASSERT_TRUE(api.Get("/users/101", &user).ok());
  EXPECT_EQ(api.requests(), 2);
}

TEST_F(GitLabApiTest, AWriteWithoutAnAnswerIsNotSentAgain) {
  // GitLab applied the block, but the answer came too late.
  sim_.AddFault({{"path_prefix", "/api/v4/users/101/block"}, {"latency_ms", 3000}, {"count", 1}});
  auto api = Api();
  nlohmann::json out;
  EXPECT_TRUE(api.Send("POST", "/users/101/block", nlohmann::json::object(), &out).IsUnavailable());
  EXPECT_EQ(api.requests(), 1);
  // A 5xx answer says it was not applied: retried.
  sim_.AddFault({{"path_prefix", "/api/v4/users/102/block"}, {"status", 503}, {"count", 1}});
  EXPECT_TRUE(api.Send("POST", "/users/102/block", nlohmann::json::object(), &out).ok());
  EXPECT_EQ(api.requests(), 3);
}

// An HTTP client that answers every request with a page whose Link header
// names another host, and records where requests went.
class LinkElsewhere : public http::HttpClient {
 public:
  Status Send(const http::ClientRequest& request, http::ClientResponse* response) override {
    urls.push_back(request.url);
    response->status = 200;
    response->body = "[]";
    response->headers = {{"link", "<https://gitlab.example.com.evil.example/api/v4/users?page=2>; rel=\"next\""}};
    return Status::Ok();
  }
  std::vector<std::string> urls;
};

TEST(GitLabApiToken, GoesOnlyToTheConfiguredGitLab) {
  LinkElsewhere http;
  RateLimiter limiter(0, 1);
  ApiOptions o;
  o.base_url = "https://gitlab.example.com";
  o.token = Secret("glpat-secret");
  GitLabApi api(o, http, limiter);
  Status s = api.GetPages("/users", [](const nlohmann::json&) { return true; });
  EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
  ASSERT_EQ(http.urls.size(), 1u) << "the next page on another host was not asked for";
  EXPECT_TRUE(http.urls[0].starts_with("https://gitlab.example.com/api/v4/users"));
}

TEST_F(GitLabApiTest, DeadlineBoundsRetriesAndWaits) {
  sim_.AddFault({{"path_prefix", "/api/v4/users/101"}, {"status", 503}});
  auto api = Api(100);
  api.SetDeadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(300));
  nlohmann::json user;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(api.Get("/users/101", &user).IsUnavailable());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_LT(api.requests(), 10) << "no retry whose back-off would outlast the deadline";
}

TEST_F(GitLabApiTest, PagesThroughEveryPage) {
  auto api = Api();
  std::vector<std::int64_t> ids;
  int pages = 0;
  ASSERT_TRUE(api.GetPages("/users", [&](const nlohmann::json& page) {
                   ++pages;
                   for (const auto& u : page) ids.push_back(u["id"]);
                   return true;
                 }).ok());
  EXPECT_EQ(ids.size(), 40u);
  EXPECT_EQ(pages, 6);  // 7 per page
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
}

TEST_F(GitLabApiTest, RateLimitSpacesRequests) {
  RateLimiter limiter(20, 1);
  ApiOptions o;
  o.base_url = sim_.url();
  o.token = Secret("glpat-test");
  GitLabApi api(o, http_, limiter);
  const auto start = std::chrono::steady_clock::now();
  nlohmann::json user;
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(api.Get("/users/101", &user).ok());
  // 1 token of burst, then 5 more at 20/s: at least 250 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(240));
}

}  // namespace
}  // namespace spamphibian::gitlab
