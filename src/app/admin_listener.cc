#include "app/admin_listener.h"

#include <tuple>

#include <boost/asio/executor_work_guard.hpp>

#include <future>

#include "app/components.h"
#include "base/thread_name.h"
#include "gitlab/api.h"
#include "http/curl_client.h"
#include "http/percent_encoding.h"
#include "log/json_log.h"
#include "purge/content_finder.h"
#include "purge/planner.h"

namespace spamphibian {

namespace {

// The purge thread's own connections (admin_service.h, PurgeWorker): the
// admin token's GitLab API, rate-limited with every other GitLab call.
std::unique_ptr<admin::PurgeWorker> PurgeWorkerFor(const Config& config, const redis::Connector& connector,
                                                   gitlab::RateLimiter& gitlab_rate, metrics::Registry& registry) {
  if (config.gitlab_url.empty()) return nullptr;
  auto http = std::make_shared<http::CurlHttpClient>(GitLabHttpOptions(config, &registry));
  auto api = std::make_shared<gitlab::GitLabApi>(GitLabApiOptions(config), *http, gitlab_rate);
  auto finder = std::make_shared<purge::ContentFinder>(
      [api](const std::string& path, const std::function<bool(const nlohmann::json&)>& on_page) {
        return api->GetPages(path, on_page);
      },
      [api](const std::string& path, nlohmann::json* out) { return api->Get(path, out); });
  auto store = std::make_shared<purge::RedisPlanStore>(connector, config.pipeline.key_prefix);
  auto w = std::make_unique<admin::PurgeWorker>();
  w->reviews = std::make_unique<review::RedisReviewStore>(connector, ReviewStoreOptions(config));
  w->planner = std::make_unique<purge::Planner>(
      purge::PlannerOptions{static_cast<std::size_t>(config.review.purge_max_items), ReviewPolicyOf(config)}, *finder,
      *store);
  w->set_deadline = [api](std::optional<std::chrono::steady_clock::time_point> deadline) {
    if (deadline) {
      api->SetDeadline(*deadline);
    } else {
      api->ClearDeadline();
    }
  };
  w->owned = std::make_shared<std::tuple<std::shared_ptr<http::CurlHttpClient>, std::shared_ptr<gitlab::GitLabApi>,
                                         std::shared_ptr<purge::ContentFinder>, std::shared_ptr<purge::RedisPlanStore>>>(
      http, api, finder, store);
  return w;
}

}  // namespace

AdminListener::AdminListener(const Config& config, const redis::Connector& connector, gitlab::RateLimiter& gitlab_rate,
                             metrics::Registry& registry, spdlog::logger& log)
    : log_(log) {
  admin::AdminServiceOptions o;
  o.gitlab_url = config.gitlab_url;
  o.admin_url = config.admin.url;
  o.oauth_client_id = config.admin.oauth_client_id;
  o.oauth_client_secret = config.admin.oauth_client_secret;
  o.api_token = config.admin.api_token;
  o.review_groups = config.review.groups;
  o.session_lifetime = config.admin.session_lifetime;
  o.reviewer_check = config.admin.reviewer_check;
  o.policy = ReviewPolicyOf(config);
  const bool oauth = !config.admin.oauth_client_id.empty() && !config.admin.oauth_client_secret.empty() &&
                     !config.admin.url.empty() && !config.gitlab_url.empty();
  // One worker per listener thread, and one more for the sign-in thread.
  std::vector<admin::AdminWorker> workers;
  for (int i = 0; i <= config.admin.threads; ++i) {
    admin::AdminWorker w;
    w.reviews = std::make_unique<review::RedisReviewStore>(connector, ReviewStoreOptions(config));
    w.sessions = std::make_unique<admin::RedisSessionStore>(connector, config.pipeline.key_prefix);
    w.ledger = std::make_unique<RedisActionLedger>(connector, config.pipeline.key_prefix);
    w.purge_plans = std::make_unique<purge::RedisPlanStore>(connector, config.pipeline.key_prefix);
    std::shared_ptr<storage::ObjectStore> store;
    if (config.s3.configured()) {
      store = storage::NewS3ObjectStore(S3StoreOptions(config, &registry));
      w.models = std::make_unique<registry::ModelOperations>(
          *store, connector,
          registry::ModelOperationsOptions{config.pipeline.key_prefix,
                                           config.classify.model_path.empty() ? DefaultModelPath() : config.classify.model_path,
                                           "admin API"});
    }
    if (oauth) {
      auto http = std::make_shared<http::CurlHttpClient>(GitLabHttpOptions(config, &registry));
      w.oauth = std::make_unique<admin::GitLabOAuth>(
          admin::OAuthOptions{config.gitlab_url, config.admin.oauth_client_id, config.admin.oauth_client_secret,
                              config.admin.url + "/oauth/callback"},
          *http);
      auto api = std::make_shared<gitlab::GitLabApi>(GitLabApiOptions(config), *http, gitlab_rate);
      const std::vector<std::string> groups = config.review.groups;
      // A member of a review group: GitLab answers 200 for a direct or
      // inherited member, 404 for anyone else.
      w.in_review_groups = [api, groups](std::int64_t user_id, bool* member) {
        *member = false;
        for (const auto& g : groups) {
          nlohmann::json out;
          Status s = api->Get("/groups/" + http::PercentEncode(g) + "/members/all/" + std::to_string(user_id), &out);
          if (s.ok()) {
            *member = out.is_object() && out.value("state", "active") == "active";
            if (*member) return Status::Ok();
          } else if (!s.IsNotFound()) {
            return s;
          }
        }
        return Status::Ok();
      };
      // Admin and active: what the service's own (admin) token reads of the
      // user; a user GitLab no longer has is not active.
      w.user_status = [api](std::int64_t user_id, bool* is_admin, bool* active) {
        *is_admin = *active = false;
        nlohmann::json user;
        Status s = api->Get("/users/" + std::to_string(user_id), &user);
        if (s.IsNotFound()) return Status::Ok();
        if (!s.ok()) return s;
        if (!user.is_object()) return Status::Internal("GitLab: a user is not an object");
        *is_admin = user.contains("is_admin") && user["is_admin"].is_boolean() && user["is_admin"].get<bool>();
        *active = user.contains("state") && user["state"].is_string() && user["state"] == "active";
        return Status::Ok();
      };
      w.owned = std::make_shared<std::tuple<std::shared_ptr<http::CurlHttpClient>, std::shared_ptr<gitlab::GitLabApi>,
                                            std::shared_ptr<storage::ObjectStore>>>(http, api, store);
    } else {
      w.owned = store;
    }
    workers.push_back(std::move(w));
  }
  admin::AdminWorker sign_in = std::move(workers.back());
  workers.pop_back();
  service_ = std::make_unique<admin::AdminService>(std::move(o), std::move(workers), std::move(sign_in),
                                                   PurgeWorkerFor(config, connector, gitlab_rate, registry), registry, log);

  ServerOptions server = config.server;
  server.bind_address = config.admin.bind_address;
  server.port = config.admin.port;
  server.threads = config.admin.threads;
  server.max_body_bytes = 64 << 10;
  server.max_connections = 256;
  // Reviewers' browsers open a handful each; nothing here is GitLab's.
  server.max_connections_per_address = 32;
  server.reserved_connections = 0;
  server.trusted_sources.clear();
  std::vector<boost::asio::io_context*> raw;
  for (int i = 0; i < config.admin.threads; ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    raw.push_back(contexts_.back().get());
  }
  server_ = std::make_unique<http::Server>(raw, server, std::vector<http::Route>{{"*", "/*", service_.get()}}, registry, log);
  if (!oauth) {
    LogJson(log, spdlog::level::warn, "admin_sign_in_off",
            {{"message", "GITLAB_OAUTH_CLIENT_ID, GITLAB_OAUTH_CLIENT_SECRET, ADMIN_URL and GITLAB_URL are not all "
                         "set: no sign-in with GitLab; only ADMIN_API_TOKEN reaches the review API"}});
  }
}

AdminListener::~AdminListener() { Stop(); }

Status AdminListener::Start() {
  if (Status s = server_->Listen(); !s.ok()) return s;
  for (auto& c : contexts_) {
    threads_.emplace_back([ctx = c.get(), name = "admin-" + std::to_string(threads_.size())] {
      NameThisThread(name);
      auto guard = boost::asio::make_work_guard(*ctx);
      ctx->run();
    });
  }
  LogJson(log_, spdlog::level::info, "admin_listening", {{"port", server_->port()}});
  return Status::Ok();
}

int AdminListener::port() const { return server_->port(); }

void AdminListener::Stop() {
  if (threads_.empty()) return;
  auto drained = std::make_shared<std::promise<void>>();
  auto done = drained->get_future();
  server_->Shutdown([drained] { drained->set_value(); });
  (void)done.wait_for(std::chrono::seconds(10));
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace spamphibian
