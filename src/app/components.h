// Components that several commands (serve, sweep, classify) build the same
// way from the Config. One place, so that the commands cannot drift apart.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "review/outcomes.h"
#include "review/review_store.h"
#include "gitlab/api.h"
#include "gitlab/rate_limiter.h"
#include "http/curl_client.h"
#include "classify/model_refresher.h"
#include "stages/classify_stage.h"
#include "storage/s3_object_store.h"
#include "trust/trust_policy.h"

namespace spamphibian {

// GitLab API options: URL, token, attempts, timeout.
gitlab::ApiOptions GitLabApiOptions(const Config& config);

// The process-wide token bucket for GitLab (GITLAB_API_RATE per second,
// bursts of one second's worth).
std::unique_ptr<gitlab::RateLimiter> MakeGitLabRateLimiter(const Config& config);

// S3 settings as the object store takes them. Only when config.s3.configured().
storage::S3Options S3StoreOptions(const Config& config, metrics::Registry* registry = nullptr);
// libcurl options for GitLab's API (its CA file), counted as upstream
// "gitlab" in `registry` when given.
http::CurlOptions GitLabHttpOptions(const Config& config, metrics::Registry* registry);
// The review store's settings (keys, retention, whether labels go to S3).
review::RedisReviewStoreOptions ReviewStoreOptions(const Config& config);
// What a reviewer's "spam" does (review.on_spam; nothing in GitLab without
// an S3 archive and GITLAB_URL), for the page, the API and Slack alike.
review::ReviewPolicy ReviewPolicyOf(const Config& config);

// The refresher of the embedded model from S3 (MODEL_S3_KEY), with its own
// S3 connection; nullptr when MODEL_PATH is set or MODEL_S3_KEY is not.
// `shadow`: the refresher of the model scored beside it (the registry's
// shadow manifest), whose holder empties when the shadow ends.
std::unique_ptr<classify::ModelRefresher> MakeModelRefresher(const Config& config, classify::ModelHolder& holder,
                                                             metrics::Registry& metrics, spdlog::logger& log,
                                                             bool shadow = false);

// Loads the embedded model (MODEL_PATH, or the bundled default) into
// `holder`, with its version (the first 12 hex digits of the file's SHA-256)
// and source ("file" or "bundled"). InvalidArgument when the model is
// missing or damaged.
Status LoadConfiguredModel(const Config& config, classify::ModelHolder* holder, std::string* path, std::string* version,
                           std::string* source);

// The trust policy of the configuration (lists, disposable domains), for
// commands that compute account signals without a trust stage.
Status LoadTrustPolicy(const Config& config, std::shared_ptr<const TrustPolicy>* out);

// The effective settings, secrets as "(set)" or "(unset)": for the start-up
// log line and `spamphibian config check`.
nlohmann::json DescribeConfig(const Config& config, const std::vector<std::string>& stages);

}  // namespace spamphibian
