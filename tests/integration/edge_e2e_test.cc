// The edge under a flood, through the real binary: connection caps per
// client address, room kept for GitLab (server.trusted_sources), a deadline
// for a request's headers, and HEAD answers that keep HTTP framing.
//
// Clients come from several loopback addresses (127.0.0.2, 127.0.0.3, ...)
// by binding their sockets before connecting; GitLab is 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "redis_server.h"
#include "spamphibian_process.h"

namespace spamphibian {
namespace {

using testing::ConnectFrom;
using testing::HttpGet;
using testing::ReadFile;
using testing::WaitFor;

// Whether the server closed the connection (end of stream or reset), waiting
// up to `wait` for it.
bool ClosedByServer(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char c;
  const ssize_t n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n <= 0;
}

// Sends `request` and reads until the server closes or `wait` passes.
std::string Exchange(int fd, const std::string& request, std::chrono::milliseconds wait) {
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  std::string out;
  const auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

class EdgeE2E : public ::testing::Test {
 protected:
  void Start(const std::string& yaml, std::map<std::string, std::string> env = {}) {
    service_ = std::make_unique<testing::SpamphibianProcess>(redis_, dir_.path(), std::move(env),
                                                             std::vector<std::string>{"serve", "--stages", "events"}, yaml);
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
  }
  // Opens `n` idle connections from `source`; how many the server kept.
  int Flood(const std::string& source, int n) {
    std::vector<int> mine;
    for (int i = 0; i < n; ++i) {
      const int fd = ConnectFrom(source, service_->port());
      if (fd >= 0) mine.push_back(fd);
    }
    // Time for the server to close what it refused.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int kept = 0;
    for (int fd : mine) kept += !ClosedByServer(fd, std::chrono::milliseconds(0));
    fds_.insert(fds_.end(), mine.begin(), mine.end());
    return kept;
  }
  void TearDown() override {
    for (int fd : fds_) ::close(fd);
  }

  testing::RedisServer redis_;
  testing::TempDir dir_;
  std::unique_ptr<testing::SpamphibianProcess> service_;
  std::vector<int> fds_;
  const std::string user_create_ = ReadFile(SPAMPHIBIAN_SAMPLES_DIR "/user_create.json");
};

TEST_F(EdgeE2E, AFloodOfIdleConnectionsCannotLockGitLabOut) {
  Start("server:\n  max_connections: 300\n  reserved_connections: 100\n  max_connections_per_address: 50\n"
        "  trusted_sources: [127.0.0.1]\n  header_timeout_seconds: 2\n  threads: 2\n");
  // One client holds at most its share.
  EXPECT_EQ(Flood("127.0.0.2", 80), 50);
  // Several together hold at most what is not kept for GitLab.
  int kept = 50;
  for (const char* source : {"127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"}) kept += Flood(source, 50);
  EXPECT_EQ(kept, 200) << "300 connections, 100 kept for the trusted source";
  // Another client is refused now; GitLab is not.
  const int late = ConnectFrom("127.0.0.7", service_->port());
  ASSERT_GE(late, 0);
  fds_.push_back(late);
  EXPECT_TRUE(ClosedByServer(late, std::chrono::milliseconds(2000)));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(service_->Post(user_create_).status, 200) << "GitLab's hook " << i;

  // Idle connections send no request: closed after header_timeout, and the
  // door is open again for everyone.
  ASSERT_TRUE(WaitFor([&] {
    for (int fd : fds_) {
      if (!ClosedByServer(fd, std::chrono::milliseconds(0))) return false;
    }
    return true;
  }, std::chrono::seconds(10)));
  const int again = ConnectFrom("127.0.0.7", service_->port());
  ASSERT_GE(again, 0);
  fds_.push_back(again);
  const std::string reply = Exchange(again, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                     std::chrono::seconds(5));
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;

  const std::string metrics = HttpGet(service_->Url("/metrics")).body;
  EXPECT_NE(metrics.find("spamphibian_http_connections_refused_total{reason=\"per_address\"} 30"), std::string::npos)
      << metrics.substr(metrics.find("spamphibian_http_connections_refused"), 300);
  EXPECT_NE(metrics.find("spamphibian_http_connections_refused_total{reason=\"full\"}"), std::string::npos);
}

TEST_F(EdgeE2E, HeadAnswersCarryNoBodySoTheNextResponseIsFramed) {
  Start("");
  const int fd = ConnectFrom("127.0.0.1", service_->port());
  ASSERT_GE(fd, 0);
  fds_.push_back(fd);
  // Pipelined: a body after the HEAD answer would be read as the start of
  // the GET's.
  const std::string reply = Exchange(
      fd, "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      std::chrono::seconds(5));
  const std::size_t first_end = reply.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos) << reply;
  EXPECT_NE(reply.substr(0, first_end).find("Content-Length: "), std::string::npos) << reply;
  EXPECT_EQ(reply.compare(first_end + 4, 12, "HTTP/1.1 200"), 0) << "the GET's answer follows the HEAD's headers:\n"
                                                                 << reply;
}

// The counters around one hook tell its verdict: with METRICS_TOKEN set,
// only Prometheus (with the token) reads them.
TEST_F(EdgeE2E, MetricsTokenKeepsTheCountersForPrometheus) {
  Start("", {{"METRICS_TOKEN", "metrics-token-0123456789"}});
  EXPECT_EQ(HttpGet(service_->Url("/metrics")).status, 401);
  EXPECT_EQ(HttpGet(service_->Url("/metrics"), {{"Authorization", "Bearer wrong"}}).status, 401);
  const auto ok = HttpGet(service_->Url("/metrics"), {{"Authorization", "Bearer metrics-token-0123456789"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("spamphibian_events_received_total"), std::string::npos);
  EXPECT_EQ(HttpGet(service_->Url("/healthz")).status, 200) << "health stays open";
  EXPECT_EQ(service_->log().find("metrics-token-0123456789"), std::string::npos) << "never logged";
}

// METRICS_PORT: /metrics on a listener of its own, and only there.
TEST_F(EdgeE2E, MetricsCanLiveOnAPortOfTheirOwn) {
  const int metrics_port = testing::FreePort();
  Start("", {{"METRICS_PORT", std::to_string(metrics_port)}, {"METRICS_BIND", "127.0.0.1"}});
  EXPECT_EQ(HttpGet(service_->Url("/metrics")).status, 404) << "not on the public port";
  const auto r = HttpGet("http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("spamphibian_events_received_total"), std::string::npos);
  EXPECT_EQ(HttpGet("http://127.0.0.1:" + std::to_string(metrics_port) + "/events").status, 404) << "metrics only";
}

TEST_F(EdgeE2E, AmbiguousFramingIsRefused) {
  Start("");
  for (const char* framing : {"Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n",
                              "Transfer-Encoding: identity, chunked\r\n",
                              "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"}) {
    const int fd = ConnectFrom("127.0.0.1", service_->port());
    ASSERT_GE(fd, 0) << std::strerror(errno);
    fds_.push_back(fd);
    const std::string reply =
        Exchange(fd, std::string("POST /events HTTP/1.1\r\nHost: x\r\nX-Gitlab-Token: ") + testing::kWebhookSecret +
                         "\r\nContent-Type: application/json\r\n" + framing + "\r\n0\r\n\r\n",
                 std::chrono::seconds(5));
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << framing << reply;
    EXPECT_NE(reply.find("Connection: close"), std::string::npos) << framing;
  }
}

}  // namespace
}  // namespace spamphibian
