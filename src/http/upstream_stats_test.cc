#include "http/upstream_stats.h"

#include <gtest/gtest.h>

#include "http/curl_client.h"
#include "stand_in_server.h"

namespace spamphibian::http {
namespace {

TEST(UpstreamStatsTest, StatusesFallIntoFewCodes) {
  EXPECT_EQ(StatusCodeLabel(200), "2xx");
  EXPECT_EQ(StatusCodeLabel(204), "2xx");
  EXPECT_EQ(StatusCodeLabel(302), "3xx");
  EXPECT_EQ(StatusCodeLabel(401), "401");
  EXPECT_EQ(StatusCodeLabel(403), "403");
  EXPECT_EQ(StatusCodeLabel(404), "404");
  EXPECT_EQ(StatusCodeLabel(429), "429");
  EXPECT_EQ(StatusCodeLabel(422), "4xx");
  EXPECT_EQ(StatusCodeLabel(503), "5xx");
  EXPECT_EQ(StatusCodeLabel(0), "none");
  EXPECT_EQ(StatusCodeLabel(999), "none");
}

TEST(UpstreamStatsTest, ACurlClientCountsEveryAnswerAndEveryFailure) {
  metrics::Registry registry;
  testing::StandInServer server;
  Response ok;
  ok.body = "{}";
  Response denied;
  denied.status = 403;
  server.Script({ok, denied});
  CurlHttpClient client(CountedInto(UpstreamStatsFor(&registry, "gitlab")));
  ClientResponse response;
  ClientRequest request;
  request.url = server.url() + "/";
  ASSERT_TRUE(client.Send(request, &response).ok());
  ASSERT_TRUE(client.Send(request, &response).ok());
  request.url = "http://127.0.0.1:1/";  // nobody listens
  request.timeout = std::chrono::milliseconds(500);
  EXPECT_FALSE(client.Send(request, &response).ok());
  const std::string text = registry.Render();
  EXPECT_NE(text.find(R"(spamphibian_upstream_requests_total{upstream="gitlab",code="2xx"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(spamphibian_upstream_requests_total{upstream="gitlab",code="403"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(spamphibian_upstream_requests_total{upstream="gitlab",code="none"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(spamphibian_upstream_request_duration_seconds_count{upstream="gitlab"} 3)"), std::string::npos);
}

}  // namespace
}  // namespace spamphibian::http
