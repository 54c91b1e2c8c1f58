// The HTTP edge against hostile and malformed requests, through the real
// binary and a real redis-server: more than a hundred requests, each
// answered with a clear 4xx or a closed connection, counted, and nothing
// stored; /healthz answers throughout.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "spamphibian_process.h"

namespace spamphibian {
namespace {

using testing::HttpGet;
using testing::kWebhookSecret;

// A connection to 127.0.0.1:port from `source` (another loopback address
// is another client: the server caps connections per client address).
int Connect(int port, const char* source = "127.0.0.1") { return testing::ConnectFrom(source, port); }

// Sends `bytes` as they are and returns the response's status code, or 0
// when the server closed the connection without one.
int Raw(int port, const std::string& bytes) {
  const int fd = Connect(port);
  if (fd < 0) return -1;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (a refused body)
    sent += static_cast<std::size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, static_cast<std::size_t>(n));
  close(fd);
  if (!response.starts_with("HTTP/1.1 ")) return 0;
  return std::stoi(response.substr(9, 3));
}

std::string Post(const std::string& body, const std::vector<std::string>& headers, const std::string& target = "/events",
                 const std::string& method = "POST") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  for (const auto& h : headers) r += h + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

const std::string kToken = std::string("X-Gitlab-Token: ") + kWebhookSecret;
const std::string kJson = "Content-Type: application/json";

struct Case {
  std::string name;
  std::string bytes;
  int want;  // a status (malformed HTTP: 400, or 431 for oversized headers, then closed), or 0: closed without an answer
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  const std::string user = R"({"event_name":"user_create","user_id":41})";
  // Tokens.
  cases.push_back({"no token", Post(user, {kJson}), 401});
  cases.push_back({"empty token", Post(user, {kJson, "X-Gitlab-Token: "}), 401});
  cases.push_back({"wrong token", Post(user, {kJson, "X-Gitlab-Token: nope"}), 401});
  cases.push_back({"token prefix", Post(user, {kJson, std::string("X-Gitlab-Token: ") + std::string(kWebhookSecret).substr(0, 5)}), 401});
  cases.push_back({"token plus a byte", Post(user, {kJson, kToken + "x"}), 401});
  cases.push_back({"token upper-cased", Post(user, {kJson, "X-Gitlab-Token: E2E-WEBHOOK-SECRET-5F1C"}), 401});
  cases.push_back({"8 KiB token", Post(user, {kJson, "X-Gitlab-Token: " + std::string(8192, 'a')}), 401});
  cases.push_back({"token in the query", Post(user, {kJson}, std::string("/events?token=") + kWebhookSecret), 401});
  cases.push_back({"tokenless 1 MiB body", Post(std::string(1 << 20, ' '), {kJson}), 401});
  cases.push_back({"tokenless 2 MiB body", Post(std::string(2 << 20, ' '), {kJson}), 401});
  // Sizes.
  cases.push_back({"2 MiB body", Post(std::string(2 << 20, ' '), {kJson, kToken}), 413});
  cases.push_back({"Content-Length of 1 GiB", "POST /events HTTP/1.1\r\nHost: x\r\n" + kToken + "\r\nContent-Length: 1073741824\r\n\r\n{", 413});
  cases.push_back({"a 20 KiB header", Post(user, {kJson, kToken, "X-Junk: " + std::string(20000, 'j')}), 431});
  std::vector<std::string> many = {kJson, kToken};
  for (int i = 0; i < 2000; ++i) many.push_back("X-H" + std::to_string(i) + ": v");
  cases.push_back({"2000 headers", Post(user, many), 431});
  // Not JSON, or not what a hook is.
  for (const std::string& body : {std::string(""), std::string("{"), std::string("not json"), std::string("{\"a\":}"),
                                  std::string("\xff\xfe{}"), std::string("{\"event_name\":\"user_create\",\"user_id\":41,}"),
                                  std::string("{\"event_name\":\"\xc3\x28\",\"user_id\":41}"),
                                  std::string("{\"event_name\":\"user_create\"} trailing")}) {
    cases.push_back({"not JSON: " + body.substr(0, 12), Post(body, {kJson, kToken}), 400});
  }
  for (const std::string body : {"[]", "1", "\"user_create\"", "null", "true", "[{\"event_name\":\"user_create\"}]", "1e400"}) {
    cases.push_back({"not an object: " + body, Post(body, {kJson, kToken}), 400});
  }
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 200; ++i) deep += "}";
  cases.push_back({"200 levels deep", Post(deep, {kJson, kToken}), 400});
  cases.push_back({"100 000 levels deep", Post(std::string(100000, '['), {kJson, kToken}), 400});
  // Ids out of range or of the wrong kind, per event type.
  const std::vector<std::pair<std::string, std::string>> id_fields = {
      {"user_create", "user_id"}, {"user_rename", "user_id"}, {"project_create", "project_id"},
      {"project_update", "project_id"}, {"group_create", "group_id"}, {"group_rename", "group_id"}};
  for (const auto& [event, field] : id_fields) {
    for (const std::string value : {"\"7; DROP\"", "-7", "0", "1.5", "1e400", "99999999999999999999", "true", "null",
                                     "[41]", "{}", "\"41\""}) {
      cases.push_back({event + " " + field + "=" + value,
                       Post("{\"event_name\":\"" + event + "\",\"" + field + "\":" + value + "}", {kJson, kToken}), 400});
    }
    cases.push_back({event + " without " + field, Post("{\"event_name\":\"" + event + "\"}", {kJson, kToken}), 400});
  }
  cases.push_back({"issue without iid", Post(R"({"object_kind":"issue","project":{"id":5},"object_attributes":{"action":"open"}})",
                                             {kJson, kToken, "X-Gitlab-Event: Issue Hook"}), 400});
  cases.push_back({"issue without project", Post(R"({"object_kind":"issue","object_attributes":{"action":"open","iid":3}})",
                                                 {kJson, kToken, "X-Gitlab-Event: Issue Hook"}), 400});
  cases.push_back({"note without parent", Post(R"({"object_kind":"note","project":{"id":5},"object_attributes":{"id":9,"noteable_type":"Issue","action":"create"}})",
                                               {kJson, kToken, "X-Gitlab-Event: Note Hook"}), 400});
  cases.push_back({"wiki page without slug", Post(R"({"object_kind":"wiki_page","project":{"id":5},"object_attributes":{"action":"create","slug":""}})",
                                                  {kJson, kToken, "X-Gitlab-Event: Wiki Page Hook"}), 400});
  cases.push_back({"merge request with iid -1", Post(R"({"object_kind":"merge_request","project":{"id":5},"object_attributes":{"action":"open","iid":-1}})",
                                                     {kJson, kToken, "X-Gitlab-Event: Merge Request Hook"}), 400});
  cases.push_back({"snippet check with a bad id", Post(R"({"event_name":"snippet_check","snippet_id":"x"})", {kJson, kToken}), 400});
  // Content types that cannot be a hook.
  for (const std::string type : {"multipart/form-data; boundary=x", "application/xml", "text/html", "application/octet-stream",
                                  "image/png"}) {
    cases.push_back({"Content-Type " + type, Post(user, {"Content-Type: " + type, kToken}), 415});
  }
  // Methods and paths.
  for (const std::string method : {"GET", "PUT", "DELETE", "PATCH"}) {
    cases.push_back({method + " /events", Post(user, {kJson, kToken}, "/events", method), 405});
  }
  for (const std::string path : {"/EVENTS", "/events/", "//events", "/events/../metrics", "/admin", "/%00"}) {
    cases.push_back({"POST " + path, Post(user, {kJson, kToken}, path), 404});
  }
  // Malformed HTTP.
  cases.push_back({"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 a TLS hello\r\n\r\n", 400});
  cases.push_back({"no request line", "\r\n\r\n\r\n", 400});
  cases.push_back({"HTTP/0.9", "GET /healthz\r\n\r\n", 400});
  cases.push_back({"HTTP/7.0", "POST /events HTTP/7.0\r\nHost: x\r\n\r\n", 400});
  cases.push_back({"negative Content-Length", "POST /events HTTP/1.1\r\nHost: x\r\n" + kToken + "\r\nContent-Length: -5\r\n\r\n{}", 400});
  cases.push_back({"two Content-Lengths", "POST /events HTTP/1.1\r\nHost: x\r\n" + kToken + "\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400});
  cases.push_back({"bad chunk size", "POST /events HTTP/1.1\r\nHost: x\r\n" + kToken + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 0});
  cases.push_back({"body shorter than its length", "POST /events HTTP/1.1\r\nHost: x\r\n" + kToken + "\r\nContent-Length: 500\r\n\r\n{\"event_name\":\"user_create\"", 0});
  cases.push_back({"header without a colon", "POST /events HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nContent-Length: 2\r\n\r\n{}", 400});
  cases.push_back({"NUL in a header",
                   std::string("POST /events HTTP/1.1\r\nHost: x\r\nX-A: a") + '\0' + "b\r\nContent-Length: 2\r\n\r\n{}", 400});
  cases.push_back({"space before the colon", "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length : 2\r\n\r\n{}", 400});
  return cases;
}

class BadInputE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = std::make_unique<testing::SpamphibianProcess>(
        redis_, dir_.path(), std::map<std::string, std::string>{}, std::vector<std::string>{"serve", "--stages", "events"},
        "server:\n  read_timeout_seconds: 2\n  max_body_bytes: 1048576\n");
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
    const std::string base = service_->Url("");
    port_ = std::stoi(base.substr(base.rfind(':') + 1));
  }
  bool Healthy() { return HttpGet(service_->Url("/healthz")).status == 200; }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> client_ = redis_.Client();
  testing::TempDir dir_;
  std::unique_ptr<testing::SpamphibianProcess> service_;
  int port_ = 0;
};

TEST_F(BadInputE2E, EveryHostileRequestIsRefusedCountedAndNothingIsStored) {
  const std::vector<Case> cases = Cases();
  ASSERT_GE(cases.size(), 100u);
  for (const Case& c : cases) {
    EXPECT_EQ(Raw(port_, c.bytes), c.want) << c.name;
    ASSERT_TRUE(Healthy()) << "after: " << c.name;
  }
  EXPECT_EQ(client_->Integer({"XLEN", "spamphibian:events"}), 0);
  const std::string metrics = HttpGet(service_->Url("/metrics")).body;
  for (const char* reason : {"bad_token", "too_large", "bad_json", "too_deep", "bad_field", "bad_content_type"}) {
    const std::string series = std::string("spamphibian_events_rejected_total{reason=\"") + reason + "\"} 0";
    EXPECT_EQ(metrics.find(series), std::string::npos) << reason << " was never counted";
  }
  // The service is still whole: a good hook is stored.
  EXPECT_EQ(service_->Post(R"({"event_name":"user_create","user_id":41})").status, 200);
  EXPECT_EQ(client_->Integer({"XLEN", "spamphibian:events"}), 1);
}

TEST_F(BadInputE2E, SlowAndIdleClientsDoNotStopTheService) {
  // Many idle connections, and one that sends its headers a byte at a time,
  // from other clients than the one that checks the service's health.
  std::vector<int> idle;
  static const char* kSources[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
  for (int i = 0; i < 300; ++i) idle.push_back(Connect(port_, kSources[i % 4]));
  const int slow = Connect(port_, "127.0.0.6");
  const std::string start = "POST /events HTTP/1.1\r\nHost: x\r\n";
  for (char c : start.substr(0, 10)) {
    send(slow, &c, 1, MSG_NOSIGNAL);
    EXPECT_TRUE(Healthy());
  }
  // The read timeout (2 s here) closes them: a read returns 0 (closed).
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  char byte;
  EXPECT_EQ(recv(slow, &byte, 1, 0), 0) << "the slow client was closed";
  EXPECT_EQ(recv(idle.front(), &byte, 1, 0), 0) << "idle connections were closed";
  for (int fd : idle) close(fd);
  close(slow);
  EXPECT_TRUE(Healthy());
}

}  // namespace
}  // namespace spamphibian
