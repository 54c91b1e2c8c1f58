// gitlab-sim: a stand-in GitLab for tests, benchmarks and `scripts/run`.
// See sim/gitlab_sim.h for what it serves.
#include <CLI/CLI.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>

#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "http/curl_client.h"
#include "http/server.h"
#include "log/json_log.h"
#include "metrics/registry.h"
#include "sim/gitlab_sim.h"

namespace {

using namespace spamphibian;

// Sends the dataset's hooks to `url` at `rate` per second, `count` in all
// (cycling through the dataset), then returns.
void SendHooks(const nlohmann::json& hooks, const std::string& url, const std::string& token, double rate, long count,
               const std::atomic<bool>& stop, spdlog::logger& log) {
  http::CurlHttpClient client;
  const auto interval = std::chrono::duration<double>(rate > 0 ? 1.0 / rate : 0);
  auto next = std::chrono::steady_clock::now();
  long sent = 0, failed = 0;
  for (long i = 0; (count < 0 || i < count) && !stop.load() && !hooks.empty(); ++i) {
    const auto& hook = hooks[static_cast<std::size_t>(i) % hooks.size()];
    http::ClientRequest req;
    req.method = "POST";
    req.url = url;
    req.body = hook["payload"].dump();
    req.headers = {{"Content-Type", "application/json"}, {"X-Gitlab-Token", token}};
    if (!hook["event"].get<std::string>().empty()) req.headers.emplace_back("X-Gitlab-Event", hook["event"]);
    http::ClientResponse res;
    const bool ok = client.Send(req, &res).ok() && res.status == 200;
    ok ? ++sent : ++failed;
    next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
    std::this_thread::sleep_until(next);
  }
  LogJson(log, spdlog::level::info, "sim_hooks_sent", {{"sent", sent}, {"failed", failed}});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gitlab-sim: a stand-in GitLab (REST API v4 subset, system hooks and webhooks) for Spamphibian"};
  int port = 8080;
  std::string dataset_path = "sim/dataset.json";
  std::string token;
  std::string hooks_url;
  std::string hook_token;
  double hook_rate = 5;
  long hook_count = -1;
  int max_per_page = 100;
  bool hide_emails = false;
  bool synthetic_users = false;
  app.add_option("--port", port, "Port to listen on (0: any free port, printed on stdout)");
  app.add_option("--dataset", dataset_path, "Dataset JSON (sim/dataset.json)");
  app.add_option("--token", token, "Require this PRIVATE-TOKEN (default: accept any)");
  app.add_option("--hooks", hooks_url, "Send the dataset's hooks to this URL (e.g. http://127.0.0.1:8000/events)");
  app.add_option("--hook-token", hook_token, "X-Gitlab-Token for the hooks");
  app.add_option("--hook-rate", hook_rate, "Hooks per second");
  app.add_option("--hook-count", hook_count, "Hooks to send in all, then exit (default: forever, cycling)");
  app.add_option("--max-per-page", max_per_page, "Largest page size served (GitLab: 100)");
  app.add_flag("--hide-emails", hide_emails, "Answer like GitLab to a non-admin token: no e-mails");
  app.add_flag("--synthetic-users", synthetic_users,
               "Serve users with ids from 1000000 up without a dataset entry (odd: spammers, even: developers)");
  std::string oauth_client_id, oauth_client_secret, oauth_user = "admin";
  app.add_option("--oauth-client-id", oauth_client_id, "Be an OAuth provider for this application id");
  app.add_option("--oauth-client-secret", oauth_client_secret, "Its secret");
  app.add_option("--oauth-user", oauth_user, "Who signs in at /oauth/authorize (default: admin)");
  CLI11_PARSE(app, argc, argv);

  auto log = MakeJsonLogger("info");
  std::ifstream in(dataset_path);
  nlohmann::json dataset = nlohmann::json::parse(in, nullptr, false);
  if (!in || dataset.is_discarded()) {
    std::cerr << "gitlab-sim: cannot read dataset " << dataset_path << "\n";
    return 2;
  }

  boost::asio::io_context io(1);
  auto guard = boost::asio::make_work_guard(io);
  sim::GitLabSim sim(dataset, token, io, max_per_page, hide_emails);
  if (!oauth_client_id.empty()) sim.EnableOAuth(oauth_client_id, oauth_client_secret, oauth_user);
  if (synthetic_users) sim.EnableSyntheticUsers();
  metrics::Registry registry;
  ServerOptions options;
  options.bind_address = "127.0.0.1";
  options.port = port;
  options.threads = 1;
  http::Server server({&io}, options, {{"*", "/*", &sim}}, registry, *log);
  if (Status s = server.Listen(); !s.ok()) {
    std::cerr << "gitlab-sim: " << s.message() << "\n";
    return 2;
  }
  std::cout << "gitlab-sim listening on 127.0.0.1:" << server.port() << std::endl;
  LogJson(*log, spdlog::level::info, "sim_listening", {{"port", server.port()}, {"dataset", dataset_path}});

  std::atomic<bool> stop{false};
  std::thread hooks;
  if (!hooks_url.empty()) {
    hooks = std::thread([&] {
      SendHooks(sim::HookPayloads(dataset), hooks_url, hook_token, hook_rate, hook_count, stop, *log);
      // A finite number of hooks: the sim was started as a sender; done.
      if (hook_count >= 0) io.stop();
    });
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    stop = true;
    io.stop();
  });
  io.run();
  stop = true;
  if (hooks.joinable()) hooks.join();
  return 0;
}
