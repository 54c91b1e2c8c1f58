#include "app/stage_runners.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>

#include "app/components.h"
#include "gitlab/api.h"
#include "http/curl_client.h"
#include "review/review_stage.h"
#include "review/review_store.h"
#include "stages/act_stage.h"
#include "stages/archive_stage.h"
#include "stages/chain_stage.h"
#include "stages/classify_stage.h"
#include "stages/redis_campaign_memory.h"
#include "stages/fetch_stage.h"
#include "stages/notify_stage.h"
#include "stages/pipeline.h"
#include "stages/redis_snippet_ledger.h"
#include "stages/redis_stream_bus.h"
#include "stages/trust_stage.h"
#include "storage/s3_object_store.h"

namespace spamphibian {
namespace {

StageRunnerOptions RunnerOptions(const Config& c, std::string_view input, int workers, int batch_size) {
  StageRunnerOptions o;
  o.input_stream = c.pipeline.key_prefix + std::string(input);
  o.dead_letter_stream = c.pipeline.key_prefix + std::string(kDeadLetterStream);
  o.consumer_prefix = ConsumerPrefix();
  o.workers = workers;
  o.batch_size = batch_size;
  o.block = c.pipeline.block;
  o.claim_idle = c.pipeline.claim_idle;
  o.max_attempts = c.pipeline.max_attempts;
  return o;
}

std::unique_ptr<StageRunner> Runner(const RunnerContext& c, StageRunnerOptions o, StageRunner::StageFactory factory) {
  const redis::Connector* connector = &c.connector;
  return std::make_unique<StageRunner>(
      std::move(o), std::move(factory), [connector] { return std::make_unique<RedisStreamBus>(*connector); }, c.registry,
      c.log);
}

}  // namespace

DecisionLog Decisions(const Config& config) {
  return {config.pipeline.key_prefix + std::string(kDecisionsStream),
          config.pipeline.key_prefix + std::string(kDecisionLogStream), config.pipeline.decisions_maxlen};
}

std::string ConsumerPrefix() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::random_device random;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", random());
  return std::string(host) + "-" + std::to_string(getpid()) + "-" + suffix;
}

namespace {

// Each worker owns its GitLab connection and snippet ledger; the API's
// rate limiter is shared by the process.
StageRunner::StageFactory FetchStages(const RunnerContext& c) {
  return [c]() -> std::unique_ptr<Stage> {
    struct Owned : FetchStage {
      Owned(FetchStageOptions o, std::shared_ptr<gitlab::GitLabApi> api, std::unique_ptr<RedisSnippetLedger> ledger,
            std::unique_ptr<http::CurlHttpClient> http, spdlog::logger& log)
          : FetchStage(std::move(o), std::move(api), *ledger, log), ledger_(std::move(ledger)), http_(std::move(http)) {}
      std::unique_ptr<RedisSnippetLedger> ledger_;
      std::unique_ptr<http::CurlHttpClient> http_;
    };
    const std::string& prefix = c.config.pipeline.key_prefix;
    auto http = std::make_unique<http::CurlHttpClient>(GitLabHttpOptions(c.config, &c.registry));
    auto api = std::make_shared<gitlab::GitLabApi>(GitLabApiOptions(c.config), *http, c.gitlab_rate);
    auto ledger = std::make_unique<RedisSnippetLedger>(c.connector, prefix + "snippets:seen");
    return std::make_unique<Owned>(FetchStageOptions{prefix + std::string(kItemsStream), Decisions(c.config),
                                                     prefix + std::string(kEventsStream)},
                                   std::move(api), std::move(ledger), std::move(http), c.log);
  };
}

StageRunner::StageFactory TrustStages(const RunnerContext& c, const TrustPolicyHolder& policies) {
  return [c, &policies]() -> std::unique_ptr<Stage> {
    const std::string& prefix = c.config.pipeline.key_prefix;
    auto client = std::make_shared<redis::Client>(c.connector);
    const std::string key = prefix + "verified_users";
    TrustStage::VerifiedSet verified = [client, key](const std::string& email, bool* member) {
      redis::Reply r;
      Status s = client->Run({"SISMEMBER", key, email}, &r);
      *member = s.ok() && r->integer == 1;
      return s;
    };
    return std::make_unique<TrustStage>(TrustStageOptions{prefix + std::string(kCandidatesStream), Decisions(c.config)},
                                        policies, std::move(verified), c.log);
  };
}

StageRunner::StageFactory ClassifyStages(const RunnerContext& c, const classify::ModelHolder& models,
                                         classify::CircuitBreaker& breaker, const classify::ModelHolder* shadow) {
  const Config& config = c.config;
  ClassifyStageOptions options;
  options.decisions = Decisions(config);
  // Nothing is archived without S3: the archive stream would only grow.
  if (config.s3.configured()) options.archive_stream = config.pipeline.key_prefix + std::string(kArchiveStream);
  options.defaults = {config.classify.spam_threshold, config.classify.suspicious_threshold};
  options.by_type = config.classify.thresholds_by_type;
  options.hold_when_remote_down = config.classify.hold_when_model_url_down;
  options.shadow = shadow;
  return [c, options, &models, &breaker]() -> std::unique_ptr<Stage> {
    ClassifyStageOptions o = options;
    if (!c.config.model_url.empty()) {
      // Each worker its own connection to the model service; one breaker.
      auto http = std::make_shared<http::CurlHttpClient>(
          http::CountedInto(http::UpstreamStatsFor(&c.registry, "model")));
      auto remote = std::make_shared<classify::RemoteModel>(
          classify::RemoteModelOptions{c.config.model_url, c.config.classify.model_url_timeout}, *http, breaker);
      o.remote = [http, remote](const std::string& event_type, const nlohmann::json& item, double* score) {
        return remote->Predict(event_type, item, score);
      };
    }
    // Each worker its own Redis connection for the campaign memory.
    struct Owned : ClassifyStage {
      Owned(ClassifyStageOptions o, std::unique_ptr<RedisCampaignMemory> campaigns, const classify::ModelHolder& models,
            metrics::Registry& registry, spdlog::logger& log)
          : ClassifyStage(WithCampaigns(std::move(o), campaigns.get()), models, registry, log),
            campaigns_(std::move(campaigns)) {}
      static ClassifyStageOptions WithCampaigns(ClassifyStageOptions o, classify::CampaignMemory* campaigns) {
        o.campaigns = campaigns;
        return o;
      }
      std::unique_ptr<RedisCampaignMemory> campaigns_;
    };
    const ClassifyOptions& cl = c.config.classify;
    auto campaigns = std::make_unique<RedisCampaignMemory>(
        c.connector, c.config.pipeline.key_prefix,
        classify::CampaignWindows{cl.campaign_window_ms, cl.signup_window_ms, cl.signup_baseline_ms,
                                  cl.flood_window_ms});
    return std::make_unique<Owned>(o, std::move(campaigns), models, c.registry, c.log);
  };
}

}  // namespace

std::unique_ptr<StageRunner> FetchRunner(const RunnerContext& c) {
  return Runner(c, RunnerOptions(c.config, kEventsStream, c.config.gitlab.fetch_workers, 4), FetchStages(c));
}

std::unique_ptr<StageRunner> TrustRunner(const RunnerContext& c, const TrustPolicyHolder& policies) {
  return Runner(c, RunnerOptions(c.config, kItemsStream, c.config.pipeline.workers, c.config.pipeline.batch_size),
                TrustStages(c, policies));
}

std::unique_ptr<StageRunner> ClassifyRunner(const RunnerContext& c, const classify::ModelHolder& models,
                                            classify::CircuitBreaker& breaker, const classify::ModelHolder* shadow) {
  const Config& config = c.config;
  return Runner(c, RunnerOptions(config, kCandidatesStream, config.pipeline.workers, config.pipeline.batch_size),
                ClassifyStages(c, models, breaker, shadow));
}

std::unique_ptr<StageRunner> ChainedRunner(const RunnerContext& c, const TrustPolicyHolder& policies,
                                           const classify::ModelHolder& models, classify::CircuitBreaker& breaker,
                                           const classify::ModelHolder* shadow) {
  // The fetch stage's runner (its consumer group on the events stream, its
  // workers and batch), each worker with a stage of each kind.
  const std::string& prefix = c.config.pipeline.key_prefix;
  auto factory = [fetch = FetchStages(c), trust = TrustStages(c, policies),
                  classify = ClassifyStages(c, models, breaker, shadow), items = prefix + std::string(kItemsStream),
                  candidates = prefix + std::string(kCandidatesStream)]() -> std::unique_ptr<Stage> {
    std::vector<ChainLink> links;
    links.push_back({fetch(), ""});
    links.push_back({trust(), items});
    links.push_back({classify(), candidates});
    return std::make_unique<ChainStage>(std::move(links));
  };
  return Runner(c, RunnerOptions(c.config, kEventsStream, c.config.gitlab.fetch_workers, 4), factory);
}

std::unique_ptr<StageRunner> ArchiveRunner(const RunnerContext& c) {
  auto factory = [c]() -> std::unique_ptr<Stage> {
    struct Owned : ArchiveStage {
      Owned(std::unique_ptr<storage::ObjectStore> store, std::unique_ptr<RedisArchiveIndex> index, ArchiveStageOptions o)
          : ArchiveStage(std::move(store), index.get(), o), index_(std::move(index)) {}
      std::unique_ptr<RedisArchiveIndex> index_;
    };
    return std::make_unique<Owned>(storage::NewS3ObjectStore(S3StoreOptions(c.config, &c.registry)),
                                   std::make_unique<RedisArchiveIndex>(c.connector, c.config.pipeline.key_prefix),
                                   ArchiveStageOptions{static_cast<std::size_t>(c.config.archive.batch_max)});
  };
  // One S3 object per batch: batches as large as archive.batch_max, waiting
  // up to archive.flush_ms to fill.
  StageRunnerOptions o = RunnerOptions(c.config, kArchiveStream, c.config.pipeline.workers, c.config.archive.batch_max);
  o.linger = c.config.archive.flush;
  return Runner(c, o, factory);
}

std::unique_ptr<StageRunner> ActRunner(const RunnerContext& c, const policy::PolicyHolder& policies,
                                       const TrustPolicyHolder& trust) {
  const Config& config = c.config;
  const std::string& prefix = config.pipeline.key_prefix;
  ActStageOptions options{prefix + std::string(kAuditStream), config.pipeline.audit_maxlen,
                          config.slack_webhook_url.empty() ? "" : prefix + std::string(kNotificationsStream),
                          ConsumerPrefix() + "-act", config.gitlab.act_deadline, config.review.dry_run,
                          prefix + std::string(kDecisionsStream)};
  // Two readers, each sending its batch's decisions on its half of
  // gitlab.act_workers lanes: one reader busy with a restore or a slow S3
  // write never stops all acting.
  const int readers = std::min(2, config.gitlab.act_workers);
  const int lanes = (config.gitlab.act_workers + readers - 1) / readers;
  auto workers = std::make_shared<std::atomic<int>>(0);
  auto factory = [c, options, workers, lanes, &policies, &trust]() -> std::unique_ptr<Stage> {
    // Each worker owns its ledger connection, S3 connection, and one GitLab
    // connection per lane.
    struct Connection {
      std::unique_ptr<http::CurlHttpClient> http;
      std::shared_ptr<gitlab::GitLabApi> api;
    };
    struct Owned : ActStage {
      Owned(ActStageOptions o, const policy::PolicyHolder& p, const TrustPolicyHolder& trust,
            std::unique_ptr<RedisActionLedger> ledger, std::unique_ptr<storage::ObjectStore> archive,
            std::vector<Connection> gitlab, ReviewState review_state, metrics::Registry& m, spdlog::logger& l)
          : ActStage(std::move(o),
                     ActStageDeps{p, *ledger, archive.get(), Senders(gitlab),
                                  [api = gitlab.front().api](const std::string& path, nlohmann::json* out) {
                                    return api->Get(path, out);
                                  },
                                  [&trust, ledger = ledger.get()](const gitlab::Author& author, std::string* reason) {
                                    Status redis = Status::Ok();
                                    *reason = trust.Get()->TrustReason(author, [&](const std::string& email) {
                                      bool verified = false;
                                      redis = ledger->IsVerified(email, &verified);
                                      return verified;
                                    });
                                    return redis;
                                  },
                                  std::move(review_state)},
                     m, l),
            ledger_(std::move(ledger)), archive_(std::move(archive)), gitlab_(std::move(gitlab)) {}
      static std::vector<GitLabSend> Senders(const std::vector<Connection>& gitlab) {
        std::vector<GitLabSend> send;
        for (const Connection& conn : gitlab) {
          send.push_back([api = conn.api](const gitlab::ApiCall& call, std::chrono::steady_clock::time_point deadline,
                                          nlohmann::json* out) {
            api->SetDeadline(deadline);
            Status s = api->Send(call.method, call.path, call.body, out);
            api->ClearDeadline();
            return s;
          });
        }
        return send;
      }
      std::unique_ptr<RedisActionLedger> ledger_;
      std::unique_ptr<storage::ObjectStore> archive_;
      std::vector<Connection> gitlab_;
    };
    ActStageOptions o = options;
    o.owner += "-" + std::to_string(workers->fetch_add(1));
    std::vector<Connection> gitlab;
    for (int i = 0; i < lanes; ++i) {
      auto http = std::make_unique<http::CurlHttpClient>(GitLabHttpOptions(c.config, &c.registry));
      auto api = std::make_shared<gitlab::GitLabApi>(GitLabApiOptions(c.config), *http, c.gitlab_rate);
      gitlab.push_back({std::move(http), std::move(api)});
    }
    // The review queue's answer, asked before the model's decision changes
    // GitLab (review/review_store.h keeps the state in review:<id>).
    auto reviews = std::make_shared<redis::Client>(c.connector);
    ReviewState review_state = [reviews, key = c.config.pipeline.key_prefix + "review:"](
                                   const std::vector<std::string>& ids, std::vector<std::string>* states) {
      std::vector<redis::Args> gets;
      for (const std::string& id : ids) gets.push_back({"HGET", key + id, "state"});
      std::vector<redis::Reply> replies;
      states->assign(ids.size(), "");
      if (Status s = reviews->RunPipeline(gets, &replies); !s.ok()) return s;
      for (std::size_t i = 0; i < replies.size() && i < ids.size(); ++i) {
        if (redis::IsError(replies[i].get())) return Status::Internal(std::string(redis::ReplyText(replies[i].get())));
        if (replies[i]->type == REDIS_REPLY_STRING) (*states)[i] = std::string(redis::ReplyText(replies[i].get()));
      }
      return Status::Ok();
    };
    return std::make_unique<Owned>(
        o, policies, trust, std::make_unique<RedisActionLedger>(c.connector, c.config.pipeline.key_prefix),
        c.config.s3.configured() ? storage::NewS3ObjectStore(S3StoreOptions(c.config, &c.registry)) : nullptr,
        std::move(gitlab), std::move(review_state), c.registry, c.log);
  };
  // The decisions stream is a work queue, trimmed as consumed; the capped
  // copy for people is decision_log. A burst is read in batches of up to
  // gitlab.act_batch_max (one archive object each); a lone decision goes
  // at once.
  StageRunnerOptions o = RunnerOptions(config, kDecisionsStream, readers, config.gitlab.act_batch_max);
  o.linger = config.gitlab.act_flush;
  o.linger_from = 2;
  return Runner(c, o, factory);
}

std::unique_ptr<StageRunner> NotifyRunner(const RunnerContext& c, gitlab::RateLimiter& pacer) {
  auto factory = [c, &pacer]() -> std::unique_ptr<Stage> {
    struct Owned : NotifyStage {
      Owned(NotifyStageOptions o, std::unique_ptr<http::CurlHttpClient> http, gitlab::RateLimiter& pacer,
            metrics::Registry& m, spdlog::logger& l)
          : NotifyStage(std::move(o), *http, pacer, m, l), http_(std::move(http)) {}
      std::unique_ptr<http::CurlHttpClient> http_;
    };
    NotifyStageOptions o;
    o.webhook_url = c.config.slack_webhook_url;
    o.summarize_from = c.config.slack.summarize_from == 0 ? SIZE_MAX : c.config.slack.summarize_from;
    if (!c.config.slack_signing_secret.empty() && c.config.admin.port != 0) o.review_url = c.config.admin.url;
    auto http = std::make_unique<http::CurlHttpClient>(
        http::CountedInto(http::UpstreamStatsFor(&c.registry, "slack")));
    return std::make_unique<Owned>(o, std::move(http), pacer, c.registry, c.log);
  };
  // One worker: Slack takes one message a second anyway; batches of 20 let
  // a burst become one summary.
  return Runner(c, RunnerOptions(c.config, kNotificationsStream, 1, 20), factory);
}

std::unique_ptr<StageRunner> ReviewRunner(const RunnerContext& c) {
  auto factory = [c]() -> std::unique_ptr<Stage> {
    struct Owned : review::ReviewStage {
      explicit Owned(std::unique_ptr<review::RedisReviewStore> store)
          : ReviewStage(*store,
                        [] {
                          return std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                              .count();
                        }),
            store_(std::move(store)) {}
      std::unique_ptr<review::RedisReviewStore> store_;
    };
    return std::make_unique<Owned>(std::make_unique<review::RedisReviewStore>(c.connector, ReviewStoreOptions(c.config)));
  };
  return Runner(c, RunnerOptions(c.config, kDecisionsStream, c.config.pipeline.workers, c.config.pipeline.batch_size),
                factory);
}

}  // namespace spamphibian
