// TrustPolicy: who is trusted, so that their content is not classified.
//
// An author is trusted when they are an admin; a bot that the operator
// lists (trust.bots) or that is one of GitLab's own internal bots by
// `user_type` (never for the `bot` flag alone: any maintainer can make a
// project access token, whose bot user can post anywhere public); or, when
// their e-mail is confirmed, when its domain matches a trusted-domain
// pattern or it is in the verified-users list (a file, the config) or in
// the verified-users set in Redis (kept by the verified-users job).
//
// This is the one trust decision: the trust stage asks it before
// classifying, the act stage again before changing anything in GitLab.
//
// Domain patterns are RE2 regexes (linear time, safe for operator input),
// matched partially against the lower-cased domain part of the e-mail only:
// `\.gov$` trusts agency.gov but not x.gov@evil.com. A pattern without a `$`
// anchor also matches agency.gov.evil.com; Build() warns about those.
//
// Immutable once built, so one instance is shared by every worker; a reload
// builds a new one (TrustPolicyHolder).
#pragma once

#include <re2/re2.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "gitlab/item.h"

namespace spamphibian {

class TrustPolicy {
 public:
  // Reads the lists from their files (upstream's formats: YAML `domains:` /
  // `users:`) plus the config's trust.domains / trust.users. A bad regex or
  // an unreadable file is an error; unanchored patterns are warnings.
  static Status Build(const TrustOptions& options, std::shared_ptr<const TrustPolicy>* out,
                      std::vector<std::string>* warnings);

  // "" when not trusted; otherwise the reason (which rule, list or flag).
  // `in_verified_set(email)` asks the Redis set; it is only called when
  // nothing cheaper decided.
  std::string TrustReason(const gitlab::Author& author,
                          const std::function<bool(const std::string& email)>& in_verified_set) const;

  // Whether the domain is a known disposable-address provider.
  bool IsDisposable(const std::string& domain) const { return disposable_.count(domain) > 0; }

  std::size_t domain_count() const { return domains_.size(); }
  std::size_t user_count() const { return users_.size(); }
  std::size_t disposable_count() const { return disposable_.size(); }

 private:
  std::vector<std::unique_ptr<re2::RE2>> domains_;
  std::unordered_set<std::string> users_;       // lower-cased e-mails
  std::unordered_set<std::string> bots_;        // usernames (trust.bots)
  std::unordered_set<std::string> disposable_;  // lower-cased domains
};

// Holds the current policy and rebuilds it when its files change or on
// Reload() (SIGHUP). Thread-safe; Get() is cheap.
class TrustPolicyHolder {
 public:
  explicit TrustPolicyHolder(TrustOptions options) : options_(std::move(options)) {}

  Status Load(std::vector<std::string>* warnings);
  // Rebuilds if a list file's modification time changed (or `force`). A
  // failed rebuild keeps the old policy and returns the error.
  Status ReloadIfChanged(bool force, bool* reloaded, std::vector<std::string>* warnings);

  std::shared_ptr<const TrustPolicy> Get() const;

 private:
  std::string Fingerprint() const;

  const TrustOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const TrustPolicy> policy_;
  std::string fingerprint_;
};

// Whether `user_type` is one of GitLab's internal bots (not a bot that a
// user can create, such as a project access token's).
bool IsInternalBot(std::string_view user_type);

// The location of the disposable-domains list fetched at build time.
std::string DefaultDisposableDomainsFile();

}  // namespace spamphibian
