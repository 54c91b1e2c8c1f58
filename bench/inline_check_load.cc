// Load for the inline check (bench/inline-check): GitLab's calls from C++
// threads, so that the client is not what limits the rate. Each thread has
// its own channel (GitLab's Rails processes each have theirs) and sends
// CheckForSpamIssue with the raw key and a 2 s deadline, one after
// another, for the given seconds. Prints one line of JSON: checks, checks
// per second, latency percentiles in ms, and the answers by code/verdict.
//
//   inline_check_load TARGET KEY CONCURRENCY SECONDS spam|ordinary|mixed
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "spamcheck.grpc.pb.h"

namespace {

spamcheck::Issue MakeIssue(bool spam, int n) {
  spamcheck::Issue issue;
  auto* user = issue.mutable_user();
  user->set_id(spam ? 900000 + n % 50 : 1000 + n % 500);
  user->set_username(spam ? "bonus_king" + std::to_string(n % 50) : "dev" + std::to_string(n % 500));
  auto* email = user->add_emails();
  email->set_email(spam ? "bk@mail.example" : "dev@example.org");
  email->set_verified(!spam);
  (*user->mutable_abuse_metadata())["account_age"] = spam ? 0 : 400;
  if (spam) {
    issue.set_title("Best online casino bonus " + std::to_string(n) + " - 500 free spins");
    issue.set_description("Claim free spins at https://best-casino-bonus.xyz/promo, call +1 855 222 3333");
  } else {
    // Ordinary people do not write the same text: words drawn per check, so
    // that the campaign memory sees what it would on a real instance.
    static const char* kWords[] = {"editor", "crashes", "saving", "file", "build", "fails", "linker", "window",
                                   "theme", "dark", "scroll", "slow", "memory", "leak", "test", "flaky",
                                   "docs", "typo", "config", "parser", "error", "unicode", "path", "windows",
                                   "macos", "plugin", "update", "version", "regression", "cache", "network",
                                   "timeout", "proxy", "login", "token", "export", "import", "format", "tabs"};
    constexpr std::size_t kCount = sizeof kWords / sizeof kWords[0];
    std::uint64_t h = 1469598103934665603ull ^ static_cast<std::uint64_t>(n);
    std::string description;
    for (int w = 0; w < 14; ++w) {
      h = h * 1099511628211ull + 0x9e3779b97f4a7c15ull;
      description += std::string(w ? " " : "") + kWords[(h >> 33) % kCount];
    }
    issue.set_title("Problem with " + std::string(kWords[n % kCount]) + " since " + std::to_string(n % 97));
    issue.set_description(description + ".");
  }
  return issue;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: inline_check_load TARGET KEY CONCURRENCY SECONDS spam|ordinary|mixed\n");
    return 2;
  }
  const std::string target = argv[1], key = argv[2], kind = argv[5];
  const int concurrency = std::max(1, std::atoi(argv[3]));
  const auto duration = std::chrono::seconds(std::max(1, std::atoi(argv[4])));
  std::mutex mu;
  std::vector<double> latencies;
  std::map<std::string, long> answers;
  std::atomic<int> counter{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&] {
      auto stub = spamcheck::SpamcheckService::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
      std::vector<double> mine;
      std::map<std::string, long> seen;
      while (std::chrono::steady_clock::now() - start < duration) {
        const int n = counter++;
        const bool spam = kind == "spam" || (kind == "mixed" && n % 10 == 0);
        const spamcheck::Issue issue = MakeIssue(spam, n);
        grpc::ClientContext context;
        context.AddMetadata("authorization", key);
        context.AddMetadata("x-gitlab-correlation-id", "bench-" + std::to_string(n));
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
        spamcheck::SpamVerdict verdict;
        const auto t0 = std::chrono::steady_clock::now();
        const grpc::Status s = stub->CheckForSpamIssue(&context, issue, &verdict);
        mine.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        ++seen[s.ok() ? spamcheck::SpamVerdict::Verdict_Name(verdict.verdict()) : "error_" + std::to_string(s.error_code())];
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      for (const auto& [k, v] : seen) answers[k] += v;
    });
  }
  for (auto& t : threads) t.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  const auto pick = [&](double q) {
    return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(q * latencies.size()))];
  };
  std::string by;
  for (const auto& [k, v] : answers) by += (by.empty() ? "" : ",") + ("\"" + k + "\":" + std::to_string(v));
  std::printf("{\"checks\":%zu,\"concurrency\":%d,\"per_second\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
              "\"answers\":{%s}}\n",
              latencies.size(), concurrency, latencies.size() / wall, pick(0.5), pick(0.99),
              latencies.empty() ? 0.0 : latencies.back(), by.c_str());
  return 0;
}
