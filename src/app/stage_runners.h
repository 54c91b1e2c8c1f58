// The stage runners of `serve`, one function per stage. Each builds what a
// worker of its stage owns (its connections to Redis, GitLab, S3, Slack)
// from the Config, so that serve.cc reads as the list of what runs.
#pragma once

#include <spdlog/logger.h>

#include <memory>

#include "classify/model_holder.h"
#include "classify/remote_model.h"
#include "config/config.h"
#include "gitlab/rate_limiter.h"
#include "metrics/registry.h"
#include "policy/policy.h"
#include "redis/connector.h"
#include "stages/stage_runner.h"
#include "decisions/decision.h"
#include "trust/trust_policy.h"

namespace spamphibian {

// What every runner needs; all of it outlives the runners.
struct RunnerContext {
  const Config& config;
  const redis::Connector& connector;
  gitlab::RateLimiter& gitlab_rate;
  metrics::Registry& registry;
  spdlog::logger& log;
};

std::unique_ptr<StageRunner> FetchRunner(const RunnerContext& c);
std::unique_ptr<StageRunner> TrustRunner(const RunnerContext& c, const TrustPolicyHolder& policies);
// `breaker` is shared by every worker's model-service client; `shadow`
// (may be null or empty) holds the candidate scored beside the model.
std::unique_ptr<StageRunner> ClassifyRunner(const RunnerContext& c, const classify::ModelHolder& models,
                                            classify::CircuitBreaker& breaker,
                                            const classify::ModelHolder* shadow = nullptr);
// fetch, trust and classify chained (pipeline.chain): one runner on the
// events stream whose every worker takes an event through all three and
// hands only what leaves classify on (stages/chain_stage.h).
std::unique_ptr<StageRunner> ChainedRunner(const RunnerContext& c, const TrustPolicyHolder& policies,
                                           const classify::ModelHolder& models, classify::CircuitBreaker& breaker,
                                           const classify::ModelHolder* shadow = nullptr);
std::unique_ptr<StageRunner> ArchiveRunner(const RunnerContext& c);
// `trust` is the same trust decision the trust stage makes, asked again
// before anything changes in GitLab.
std::unique_ptr<StageRunner> ActRunner(const RunnerContext& c, const policy::PolicyHolder& policies,
                                       const TrustPolicyHolder& trust);
// `pacer` spaces Slack messages for every notify worker of the process.
std::unique_ptr<StageRunner> NotifyRunner(const RunnerContext& c, gitlab::RateLimiter& pacer);
// The review queue's indexer: a second consumer group on decisions.
std::unique_ptr<StageRunner> ReviewRunner(const RunnerContext& c);

// This process's consumer names start with this: "<host>-<pid>".
// "<host>-<pid>-<random>": unique even for replicas in containers, which
// all run as PID 1 and may share a hostname.
std::string ConsumerPrefix();

// Where decisions go: the decisions stream (the act stage's and the review
// queue's input) and the capped decision log.
DecisionLog Decisions(const Config& config);

}  // namespace spamphibian
