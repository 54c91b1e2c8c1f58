// VerifiedUsersJob: every VERIFIED_USERS_INTERVAL rebuilds the set of
// verified e-mails (<prefix>verified_users) that the trust stage consults:
// users whose admin note holds the marker as a whole token (default "[spamphibian:verified]"), and
// members of the configured groups. The new set is built under a temporary
// key and RENAMEd over the old one, so readers never see a half-built set.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gitlab/api.h"
#include "http/curl_client.h"
#include "jobs/job.h"
#include "redis/client.h"

namespace spamphibian {

struct VerifiedUsersOptions {
  std::string set_key;  // full key
  std::string marker = "[spamphibian:verified]";  // a whole token of the admin note, case-insensitive
  std::vector<std::string> groups;  // group ids or full paths
  std::chrono::seconds interval{900};
};

// Whether `text` holds `token` as a whole token (both lower-cased by the caller).
bool HasToken(std::string_view text, std::string_view token);

class VerifiedUsersJob : public Job {
 public:
  // `api` is owned; its HttpClient and RateLimiter must outlive the job.
  VerifiedUsersJob(VerifiedUsersOptions options, std::unique_ptr<gitlab::GitLabApi> api,
                   const redis::Connector& connector)
      : options_(std::move(options)), api_(std::move(api)), client_(connector) {}

  std::string_view name() const override { return "verified_users"; }
  std::chrono::seconds interval() const override { return options_.interval; }
  Status Run() override;

 private:
  VerifiedUsersOptions options_;
  std::unique_ptr<gitlab::GitLabApi> api_;
  redis::Client client_;
};

}  // namespace spamphibian
