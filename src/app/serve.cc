#include "app/serve.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "app/admin_listener.h"
#include "app/components.h"
#include "app/endpoints.h"
#include "app/stage_runners.h"
#include "base/thread_name.h"
#include "review/slack_interactions.h"
#include "classify/model_refresher.h"
#include "classify/remote_model.h"
#include "events/event_service.h"
#include "events/redis_event_sink.h"
#include "gitlab/api.h"
#include "http/curl_client.h"
#include "http/server.h"
#include "inline_check/inline_checker.h"
#include "inline_check/record_writer.h"
#include "inline_check/redis_memory.h"
#include "inline_check/spamcheck_server.h"
#include "jobs/job_scheduler.h"
#include "jobs/retrain_job.h"
#include "jobs/snippet_check_job.h"
#include "jobs/verified_users_job.h"
#include "log/json_log.h"
#include "metrics/registry.h"
#include "policy/policy.h"
#include "redis/connector.h"
#include "stages/pipeline.h"
#include "stages/queue_monitor.h"
#include "stages/stage_runner.h"
#include "trust/trust_policy.h"

namespace spamphibian {
namespace {

bool Has(const std::vector<std::string>& stages, std::string_view name) {
  return std::find(stages.begin(), stages.end(), name) != stages.end();
}

// Connections are file descriptors: take the whole allowance (the soft
// limit is often 1024, the hard one much more).
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int RunServe(const Config& config, std::vector<std::string> stages, bool stages_explicit, spdlog::logger& log) {
  RaiseFileLimit();
  if (Has(stages, "archive") && !config.s3.configured()) {
    if (stages_explicit) {
      LogJson(log, spdlog::level::critical, "config_error",
              {{"error", "S3_ENDPOINT and S3_BUCKET: required for the archive stage"}});
      return 2;
    }
    std::erase(stages, "archive");  // nothing is archived without S3: classify does not write the archive stream
  }
  if (Has(stages, "notify") && config.slack_webhook_url.empty()) {
    if (stages_explicit) {
      LogJson(log, spdlog::level::critical, "config_error", {{"error", "SLACK_WEBHOOK_URL: required for the notify stage"}});
      return 2;
    }
    std::erase(stages, "notify");  // and the act stage writes no notifications
  }
  // The act policy: loaded now (a bad one stops start-up), reloaded on SIGHUP
  // and when the file changes.
  policy::PolicyHolder policies(config.config_file);
  // The inline check (GitLab asks before it saves) runs beside the classify
  // stage: it needs the same model, kept current by the same refresher.
  const bool inline_check = config.spamcheck.port != 0 && Has(stages, "classify");
  if (Has(stages, "act") || inline_check) {
    if (Status s = policies.Load(); !s.ok()) {
      LogJson(log, spdlog::level::critical, "config_error", {{"error", s.message()}});
      return 2;
    }
    const auto p = policies.Get();
    if (!p->monitor_mode() && !p->dry_run && (!config.s3.configured() || config.gitlab_url.empty())) {
      LogJson(log, spdlog::level::critical, "config_error",
              {{"error", "policy: GitLab-changing actions need S3_ENDPOINT and S3_BUCKET (every action is archived "
                         "first) and GITLAB_URL"}});
      return 2;
    }
    LogJson(log, spdlog::level::info, "policy_loaded",
            {{"monitor_mode", p->monitor_mode()}, {"dry_run", p->dry_run},
             {"max_destructive_actions_per_minute", p->max_destructive_actions_per_minute},
             {"inline_monitor_mode", p->inline_monitor_mode()}});
  }
  for (const char* needs_gitlab : {"fetch", "jobs"}) {
    if (!Has(stages, needs_gitlab) || !config.gitlab_url.empty()) continue;
    if (stages_explicit) {
      LogJson(log, spdlog::level::critical, "config_error",
              {{"error", std::string("GITLAB_URL: required for the ") + needs_gitlab + " stage"}});
      return 2;
    }
    LogJson(log, spdlog::level::warn, "stage_disabled",
            {{"stage", needs_gitlab}, {"message", "GITLAB_URL is not set: this stage does not run"}});
    std::erase(stages, needs_gitlab);
  }
  {
    std::vector<std::string> warnings;
    if (Status s = CheckTimeouts(config, Has(stages, "act"), &warnings); !s.ok()) {
      LogJson(log, spdlog::level::critical, "config_error", {{"error", s.message()}});
      return 2;
    }
    for (const auto& w : warnings) LogJson(log, spdlog::level::warn, "config_warning", {{"message", w}});
  }
  LogJson(log, spdlog::level::info, "starting", DescribeConfig(config, stages));
  if (config.webhook_secret.empty() && Has(stages, "events")) {
    LogJson(log, spdlog::level::warn, "no_webhook_secret",
            {{"message", "GITLAB_WEBHOOK_SECRET is unset: /events accepts hooks from anyone who can reach it"}});
  }

  metrics::Registry registry;
  registry.AddGauge("spamphibian_build_info", "Build information; always 1.", {"version"})
      .With({SPAMPHIBIAN_VERSION})
      .Set(1);
  const std::string& prefix = config.pipeline.key_prefix;
  redis::Connector connector(config.redis);

  std::vector<QueueMonitor::Stream> streams;
  for (std::string_view name : PipelineStreams()) streams.push_back({std::string(name), prefix + std::string(name)});
  QueueMonitor monitor(connector, std::move(streams), registry, std::chrono::seconds(2));
  if (Has(stages, "review") || (config.admin.port != 0 && Has(stages, "events"))) monitor.WatchReviews(prefix);
  monitor.Start();
  if (!monitor.redis_up()) {
    LogJson(log, spdlog::level::warn, "redis_unreachable",
            {{"message", "Redis does not answer yet; /events answers 503 until it does"}});
  }

  // One io_context per thread (see http::Server); workers[0] also takes the
  // signals and the shutdown timer.
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::vector<boost::asio::io_context*> workers;
  for (int i = 0; i < config.server.threads; ++i) {
    contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    workers.push_back(contexts.back().get());
  }
  boost::asio::io_context& io = *workers.front();

  // The event service: hooks in, events stream out.
  std::unique_ptr<RedisEventSink> sink;
  std::unique_ptr<EventService> events;
  std::vector<http::Route> routes;
  if (Has(stages, "events")) {
    // A hook that could not be stored makes /readyz say so at once (the
    // monitor's own sample may be two seconds old).
    sink = std::make_unique<RedisEventSink>(workers, connector, prefix + std::string(kEventsStream),
                                            prefix + "delivery:", config.pipeline.delivery_dedupe_ttl, &registry,
                                            [&monitor] { monitor.ReportUnavailable(); });
    EventServiceOptions options{config.webhook_secret, config.server.max_body_bytes, config.server.max_json_depth};
    events = std::make_unique<EventService>(std::move(options), *sink, registry, log);
    routes.push_back({"POST", "/events", events.get()});
    routes.push_back({"POST", "/event", events.get()});  // the upstream project's path
  }
  // Slack's review buttons: clicks come to the public port.
  std::unique_ptr<review::SlackInteractions> slack_interactions;
  if (Has(stages, "events") && !config.slack_signing_secret.empty()) {
    review::SlackInteractionsOptions o{config.slack_signing_secret, config.review.slack_users,
                                       config.slack.response_url_prefix, ReviewPolicyOf(config)};
    slack_interactions = std::make_unique<review::SlackInteractions>(
        std::move(o), std::make_unique<review::RedisReviewStore>(connector, ReviewStoreOptions(config)),
        std::make_unique<http::CurlHttpClient>(http::CountedInto(http::UpstreamStatsFor(&registry, "slack"))),
        registry, log);
    routes.push_back({"POST", "/slack/interactions", slack_interactions.get()});
  }
  // Trust lists: loaded now (a bad list stops start-up), reloaded when their
  // files change and on SIGHUP.
  TrustPolicyHolder trust_policies(config.trust);
  // The act stage asks it again; the inline check asks it first.
  const bool needs_trust = Has(stages, "trust") || Has(stages, "act") || inline_check;
  if (needs_trust) {
    std::vector<std::string> warnings;
    if (Status s = trust_policies.Load(&warnings); !s.ok()) {
      LogJson(log, spdlog::level::critical, "config_error", {{"error", s.message()}});
      return 2;
    }
    for (const auto& w : warnings) LogJson(log, spdlog::level::warn, "trust_list_warning", {{"message", w}});
    auto p = trust_policies.Get();
    LogJson(log, spdlog::level::info, "trust_lists_loaded",
            {{"domain_patterns", p->domain_count()}, {"users", p->user_count()},
             {"disposable_domains", p->disposable_count()}});
  }

  // Stage runners: one generic runner per stage, each worker with its own
  // stage object and connections (app/stage_runners.cc).
  const auto gitlab_rate = MakeGitLabRateLimiter(config);
  const RunnerContext context{config, connector, *gitlab_rate, registry, log};
  std::vector<std::unique_ptr<StageRunner>> runners;
  // fetch, trust and classify together run chained (pipeline.chain): the
  // events runner takes each event through all three; the trust and
  // classify runners still read their streams, for entries others write
  // there (and those written before a restart).
  const bool chained =
      config.pipeline.chain && Has(stages, "fetch") && Has(stages, "trust") && Has(stages, "classify");
  if (Has(stages, "fetch") && !chained) runners.push_back(FetchRunner(context));
  if (Has(stages, "trust")) runners.push_back(TrustRunner(context, trust_policies));

  // Classification with the embedded model (MODEL_PATH or the bundled one),
  // or the external model service (MODEL_URL) with the embedded one as fallback.
  // With MODEL_S3_KEY, the S3 model replaces it at start-up (if S3 answers;
  // else the service starts with the bundled one) and is kept current.
  // A candidate the registry shadows is scored beside it (no action).
  classify::ModelHolder models, shadow_models;
  classify::CircuitBreaker model_breaker(5, std::chrono::seconds(30));
  std::unique_ptr<classify::ModelRefresher> model_refresher, shadow_refresher;
  if (Has(stages, "classify")) {
    std::string path, version, source;
    if (Status s = LoadConfiguredModel(config, &models, &path, &version, &source); !s.ok()) {
      LogJson(log, spdlog::level::critical, "config_error", {{"error", s.message()}});
      return 2;
    }
    LogJson(log, spdlog::level::info, "model_loaded", {{"version", version}, {"source", source}, {"path", path}});
    classify::PublishModelInfo(registry, models, "", "");
    model_refresher = MakeModelRefresher(config, models, registry, log);
    if (model_refresher != nullptr) {
      const Status s = model_refresher->RefreshNow();
      if (s.IsNotFound() && config.classify.model_s3_key == kDefaultModelManifest) {
        LogJson(log, spdlog::level::info, "model_registry_empty",
                {{"key", config.classify.model_s3_key}, {"using", version},
                 {"message", "no model promoted yet (spamphibian model promote)"}});
      } else if (!s.ok()) {
        LogJson(log, spdlog::level::warn, "model_s3_unavailable",
                {{"key", config.classify.model_s3_key}, {"using", version},
                 {"message", "starting with the model above; the S3 model is tried again every refresh interval"}});
      }
      shadow_refresher = MakeModelRefresher(config, shadow_models, registry, log, /*shadow=*/true);
      (void)shadow_refresher->RefreshNow();
    }
    runners.push_back(ClassifyRunner(context, models, model_breaker, &shadow_models));
    if (chained) runners.push_back(ChainedRunner(context, trust_policies, models, model_breaker, &shadow_models));
  }

  if (Has(stages, "archive")) runners.push_back(ArchiveRunner(context));
  if (Has(stages, "act")) runners.push_back(ActRunner(context, policies, trust_policies));
  // Slack: one message per slack.min_interval_ms per process.
  const double slack_rate = config.slack.min_interval.count() > 0 ? 1000.0 / config.slack.min_interval.count() : 0;
  gitlab::RateLimiter slack_pacer(slack_rate, 1.0);
  if (Has(stages, "notify")) runners.push_back(NotifyRunner(context, slack_pacer));
  if (Has(stages, "review")) runners.push_back(ReviewRunner(context));

  // Jobs: periodic, one process at a time across replicas.
  http::CurlHttpClient jobs_http(GitLabHttpOptions(config, &registry));
  JobScheduler jobs(connector, prefix, ConsumerPrefix(), registry, log);
  if (Has(stages, "jobs")) {
    jobs.Add(std::make_unique<SnippetCheckJob>(connector, prefix + std::string(kEventsStream),
                                               config.jobs.snippet_check_interval));
    VerifiedUsersOptions verified{prefix + "verified_users", config.jobs.verified_marker, config.jobs.verified_groups,
                                  config.jobs.verified_users_interval};
    jobs.Add(std::make_unique<VerifiedUsersJob>(
        verified, std::make_unique<gitlab::GitLabApi>(GitLabApiOptions(config), jobs_http, *gitlab_rate), connector));
    // The learning loop needs the registry (S3) and a model it may replace.
    if (config.s3.configured() && config.classify.model_path.empty()) {
      RetrainJobOptions retrain{prefix, config.jobs.retrain_interval, config.jobs.retrain_min_new_labels,
                                config.jobs.shadow_hours, config.jobs.auto_promote,
                                config.jobs.retrain_check_interval};
      jobs.Add(std::make_unique<RetrainJob>(retrain, connector, SpamphibianCommand()));
    }
  }

  MetricsEndpoint metrics_endpoint(registry, config.metrics_token);
  HealthEndpoint healthz;
  HealthEndpoint readyz([&monitor] { return monitor.redis_up(); });
  // /metrics on its own listener when METRICS_PORT says so, else here.
  if (config.metrics.port == 0) routes.push_back({"GET", "/metrics", &metrics_endpoint});
  routes.push_back({"GET", "/healthz", &healthz});
  routes.push_back({"GET", "/readyz", &readyz});

  // Keeps the other workers running while they have no connection.
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep;
  for (auto* w : workers) keep.push_back(boost::asio::make_work_guard(*w));
  auto stop_all = [&workers] {
    for (auto* w : workers) w->stop();
  };
  http::Server server(workers, config.server, std::move(routes), registry, log);
  if (Status s = server.Listen(); !s.ok()) {
    LogJson(log, spdlog::level::critical, "listen_failed", {{"error", s.message()}});
    return 2;
  }

  std::unique_ptr<http::Server> metrics_server;
  if (config.metrics.port != 0) {
    ServerOptions o = config.server;
    o.bind_address = config.metrics.bind_address;
    o.port = config.metrics.port;
    o.max_connections = 64;
    o.max_connections_per_address = 16;
    o.reserved_connections = 0;
    o.trusted_sources.clear();
    metrics_server = std::make_unique<http::Server>(
        workers, o, std::vector<http::Route>{{"GET", "/metrics", &metrics_endpoint}}, registry, log);
    if (Status s = metrics_server->Listen(); !s.ok()) {
      LogJson(log, spdlog::level::critical, "listen_failed", {{"listener", "metrics"}, {"error", s.message()}});
      return 2;
    }
  }

  // The admin listener (review page and API), beside the public one.
  std::unique_ptr<AdminListener> admin;
  if (config.admin.port != 0 && Has(stages, "events")) {
    admin = std::make_unique<AdminListener>(config, connector, *gitlab_rate, registry, log);
    if (Status s = admin->Start(); !s.ok()) {
      LogJson(log, spdlog::level::critical, "listen_failed", {{"listener", "admin"}, {"error", s.message()}});
      return 2;
    }
  }

  // The inline check: GitLab's spam-check endpoint (gRPC), on threads of its
  // own. Its Redis connections give up after spamcheck.redis_timeout_ms.
  std::unique_ptr<redis::Connector> inline_connector;
  std::unique_ptr<inline_check::RecordWriter> inline_records;
  std::unique_ptr<inline_check::InlineChecker> inline_checker;
  std::unique_ptr<inline_check::SpamcheckServer> spamcheck;
  if (inline_check) {
    RedisOptions quick = config.redis;
    quick.connect_timeout = config.spamcheck.redis_timeout;
    quick.command_timeout = config.spamcheck.redis_timeout;
    inline_connector = std::make_unique<redis::Connector>(quick);
    inline_records = std::make_unique<inline_check::RecordWriter>(connector, registry);
    inline_check::InlineCheckerOptions o;
    o.refused = Decisions(config);
    o.decision_log = prefix + std::string(kDecisionLogStream);
    o.decision_log_maxlen = config.pipeline.decisions_maxlen;
    o.audit_stream = prefix + std::string(kAuditStream);
    o.audit_maxlen = config.pipeline.audit_maxlen;
    o.defaults = {config.classify.spam_threshold, config.classify.suspicious_threshold};
    o.by_type = config.classify.thresholds_by_type;
    o.gitlab_url = config.gitlab_url;
    const ClassifyOptions& cl = config.classify;
    const classify::CampaignWindows windows{cl.campaign_window_ms, cl.signup_window_ms, cl.signup_baseline_ms,
                                            cl.flood_window_ms};
    inline_checker = std::make_unique<inline_check::InlineChecker>(
        std::move(o), models, trust_policies, policies,
        [&inline_connector, prefix, windows] {
          return std::make_unique<inline_check::RedisMemory>(*inline_connector, prefix, windows);
        },
        [&inline_records](std::vector<Emit> emits) { inline_records->Write(std::move(emits)); }, registry, log);
    if (Status s = inline_check::StartSpamcheckServer(config.spamcheck, *inline_checker, registry, log, &spamcheck);
        !s.ok()) {
      LogJson(log, spdlog::level::critical, "listen_failed", {{"listener", "spamcheck"}, {"error", s.message()}});
      return 2;
    }
  }

  // SIGHUP, and a change of a list file, reload the trust lists.
  boost::asio::signal_set hangup(io, SIGHUP);
  boost::asio::steady_timer list_poll(io);
  std::function<void(bool)> reload = [&](bool force) {
    if (needs_trust) {
      std::vector<std::string> warnings;
      bool reloaded = false;
      Status s = trust_policies.ReloadIfChanged(force, &reloaded, &warnings);
      if (!s.ok()) LogJson(log, spdlog::level::err, "trust_reload_failed", {{"error", s.message()}, {"kept", "previous lists"}});
      if (reloaded) LogJson(log, spdlog::level::info, "trust_lists_reloaded", {{"warnings", warnings}});
    }
    if (Has(stages, "act") || inline_check) {
      bool reloaded = false;
      Status s = policies.ReloadIfChanged(force, &reloaded);
      if (!s.ok()) LogJson(log, spdlog::level::err, "policy_reload_failed", {{"error", s.message()}, {"kept", "previous policy"}});
      if (reloaded) {
        const auto p = policies.Get();
        LogJson(log, spdlog::level::info, "policy_reloaded",
                {{"monitor_mode", p->monitor_mode()}, {"dry_run", p->dry_run},
                 {"inline_monitor_mode", p->inline_monitor_mode()}});
      }
    }
  };
  std::function<void()> poll = [&] {
    list_poll.expires_after(std::chrono::seconds(2));
    list_poll.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      reload(false);
      poll();
    });
  };
  std::function<void()> on_hangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reload(true);
      if (model_refresher != nullptr) model_refresher->Trigger();
      if (shadow_refresher != nullptr) shadow_refresher->Trigger();
      on_hangup();
    });
  };
  if (needs_trust || inline_check) poll();
  if (needs_trust || model_refresher != nullptr) on_hangup();
  // SIGTERM/SIGINT: stop accepting, drain, then stop. A second signal, or
  // the shutdown timeout, stops at once.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer deadline(io);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    LogJson(log, spdlog::level::info, "shutting_down", {{"signal", signo}});
    if (metrics_server != nullptr) metrics_server->Shutdown([] {});  // stops accepting; scrapes are short
    server.Shutdown(stop_all);
    hangup.cancel();
    list_poll.cancel();
    deadline.expires_after(config.server.shutdown_timeout);
    deadline.async_wait([&](const boost::system::error_code& e) {
      if (!e) {
        LogJson(log, spdlog::level::warn, "shutdown_timeout", {});
        stop_all();
      }
    });
    signals.async_wait([&](const boost::system::error_code& e2, int) {
      if (!e2) stop_all();
    });
  });

  for (auto& r : runners) r->Start();
  jobs.Start();
  if (model_refresher != nullptr) model_refresher->Start();
  if (shadow_refresher != nullptr) shadow_refresher->Start();

  LogJson(log, spdlog::level::info, "listening", {{"port", server.port()}});
  std::vector<std::thread> threads;
  // The main thread runs the first worker and keeps the process's name.
  for (std::size_t i = 1; i < workers.size(); ++i) {
    threads.emplace_back([w = workers[i], name = "http-" + std::to_string(i)] {
      NameThisThread(name);
      w->run();
    });
  }
  io.run();
  for (auto& t : threads) t.join();
  if (admin != nullptr) admin->Stop();
  if (spamcheck != nullptr) spamcheck->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));

  // Every answered request is in Redis. Stage workers finish their batch.
  // The sink's connections close when it goes, before the io_contexts they
  // run on.
  for (auto& r : runners) r->Stop();
  jobs.Stop();
  if (model_refresher != nullptr) model_refresher->Stop();
  if (shadow_refresher != nullptr) shadow_refresher->Stop();
  monitor.Stop();
  LogJson(log, spdlog::level::info, "stopped", {});
  return 0;
}

}  // namespace spamphibian
