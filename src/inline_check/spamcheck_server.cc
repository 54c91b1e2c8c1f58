#include "inline_check/spamcheck_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>

#include <condition_variable>
#include <fstream>
#include <sstream>
#include <thread>

#include "log/json_log.h"
#include "security/constant_time.h"
#include "spamcheck.grpc.pb.h"

namespace spamphibian::inline_check {
namespace {

using grpc::ServerContext;
using grpc::StatusCode;

std::string Metadata(const ServerContext& context, std::string_view key) {
  const auto& md = context.client_metadata();
  const auto it = md.find(grpc::string_ref(key.data(), key.size()));
  return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

class Service final : public spamcheck::SpamcheckService::Service {
 public:
  Service(const SpamcheckOptions& options, InlineChecker& checker, metrics::Registry& metrics, spdlog::logger& log)
      : api_key_(options.api_key),
        checker_(checker),
        latency_(metrics.AddHistogram("spamphibian_inline_check_seconds",
                                      "Time to answer one of GitLab's spam checks, by method (issue, snippet, "
                                      "generic), from the request read to the answer.",
                                      {"method"}, {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 2})),
        errors_(metrics.AddCounter("spamphibian_inline_check_errors_total",
                                   "Spam checks answered with an error (GitLab then allows the item), by gRPC "
                                   "code: unauthenticated, invalid_argument, unavailable.",
                                   {"code"})),
        log_(log) {}

  grpc::Status CheckForSpamIssue(ServerContext* context, const spamcheck::Issue* request,
                                 spamcheck::SpamVerdict* response) override {
    return Handle(context, "issue", response,
                  [&](auto now, InlineRequest* r) { return FromIssue(*request, now, r); });
  }
  grpc::Status CheckForSpamSnippet(ServerContext* context, const spamcheck::Snippet* request,
                                   spamcheck::SpamVerdict* response) override {
    return Handle(context, "snippet", response,
                  [&](auto now, InlineRequest* r) { return FromSnippet(*request, now, r); });
  }
  grpc::Status CheckForSpamGeneric(ServerContext* context, const spamcheck::Generic* request,
                                   spamcheck::SpamVerdict* response) override {
    return Handle(context, "generic", response,
                  [&](auto now, InlineRequest* r) { return FromGeneric(*request, now, r); });
  }

 private:
  template <typename Map>
  grpc::Status Handle(ServerContext* context, const char* method, spamcheck::SpamVerdict* response, Map map) {
    const auto start = std::chrono::steady_clock::now();
    grpc::Status status = Answer(context, response, map);
    latency_.With({method}).Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return status;
  }

  template <typename Map>
  grpc::Status Answer(ServerContext* context, spamcheck::SpamVerdict* response, Map map) {
    if (!api_key_.empty() && !ConstantTimeEquals(Metadata(*context, "authorization"), api_key_.reveal())) {
      return Error(StatusCode::UNAUTHENTICATED, "unauthenticated", "the API key does not match SPAMCHECK_API_KEY");
    }
    InlineRequest request;
    if (Status s = map(std::chrono::system_clock::now(), &request); !s.ok()) {
      return Error(StatusCode::INVALID_ARGUMENT, "invalid_argument", s.message());
    }
    CheckResult result;
    if (Status s = checker_.Check(request, Metadata(*context, "x-gitlab-correlation-id"), &result); !s.ok()) {
      return Error(StatusCode::UNAVAILABLE, "unavailable", s.message());
    }
    spamcheck::SpamVerdict::Verdict v = spamcheck::SpamVerdict::ALLOW;
    spamcheck::SpamVerdict::Verdict_Parse(result.gitlab_verdict, &v);
    response->set_verdict(v);
    response->set_score(static_cast<float>(result.score));
    response->set_evaluated(result.evaluated);
    response->set_reason(result.reason);
    (*response->mutable_extra_attributes())["verdict"] = result.verdict;
    (*response->mutable_extra_attributes())["decision_id"] = result.decision_id;
    if (!result.memory_answered) (*response->mutable_extra_attributes())["memory"] = "unavailable";
    return grpc::Status::OK;
  }

  grpc::Status Error(StatusCode code, const char* name, const std::string& message) {
    errors_.With({name}).Inc();
    LogJson(log_, spdlog::level::warn, "inline_check_error", {{"code", name}, {"error", message}});
    return grpc::Status(code, message);
  }

  const Secret api_key_;
  InlineChecker& checker_;
  metrics::HistogramFamily& latency_;
  metrics::CounterFamily& errors_;
  spdlog::logger& log_;
};

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

class Server final : public SpamcheckServer {
 public:
  Server(int port, std::unique_ptr<Service> service, std::unique_ptr<grpc::Server> server, InlineChecker& checker)
      : port_(port), service_(std::move(service)), server_(std::move(server)), checker_(checker),
        health_thread_([this] { WatchModel(); }) {}
  ~Server() override { Shutdown(std::chrono::system_clock::now()); }

  int port() const override { return port_; }

  void Shutdown(std::chrono::system_clock::time_point deadline) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    health_thread_.join();
    server_->Shutdown(deadline);
    server_->Wait();
  }

 private:
  // Health follows the model: SERVING once one is loaded (at start or by
  // the refresher later), NOT_SERVING while none is.
  void WatchModel() {
    std::unique_lock<std::mutex> lock(mu_);
    bool last = !checker_.ready();
    while (!stopping_) {
      const bool ready = checker_.ready();
      if (ready != last) {
        server_->GetHealthCheckService()->SetServingStatus(ready);
        last = ready;
      }
      wake_.wait_for(lock, std::chrono::milliseconds(500));
    }
  }

  const int port_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  InlineChecker& checker_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread health_thread_;  // last: starts once the rest is ready
};

}  // namespace

Status StartSpamcheckServer(const SpamcheckOptions& options, InlineChecker& checker, metrics::Registry& metrics,
                            spdlog::logger& log, std::unique_ptr<SpamcheckServer>* out) {
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    if (!ReadFile(options.tls_key_file, &pair.private_key) || !ReadFile(options.tls_cert_file, &pair.cert_chain)) {
      return Status::InvalidArgument("SPAMCHECK_TLS_CERT/SPAMCHECK_TLS_KEY: cannot read '" + options.tls_cert_file +
                                     "' and '" + options.tls_key_file + "'");
    }
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back(std::move(pair));
    credentials = grpc::SslServerCredentials(ssl);
  }
  grpc::EnableDefaultHealthCheckService(true);
  auto service = std::make_unique<Service>(options, checker, metrics, log);
  grpc::ServerBuilder builder;
  int bound = 0;
  const std::string address = (options.bind_address.find(':') != std::string::npos ? "[" + options.bind_address + "]"
                                                                                     : options.bind_address) +
                              ":" + std::to_string(options.port);
  builder.AddListeningPort(address, credentials, &bound);
  builder.RegisterService(service.get());
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  builder.SetMaxSendMessageSize(64 * 1024);
  grpc::ResourceQuota quota("spamcheck");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_threads);
  // A connection that sends nothing for long is closed (GitLab reconnects).
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 5 * 60 * 1000);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound == 0) {
    return Status::Unavailable("spam check: cannot listen on " + address);
  }
  server->GetHealthCheckService()->SetServingStatus(checker.ready());
  LogJson(log, spdlog::level::info, "spamcheck_listening",
          {{"address", address},
           {"tls", !options.tls_cert_file.empty()},
           {"api_key", options.api_key.redacted()},
           {"max_threads", options.max_threads}});
  *out = std::make_unique<Server>(bound, std::move(service), std::move(server), checker);
  return Status::Ok();
}

}  // namespace spamphibian::inline_check
