// What the account behind an item tells the classifier: its age when the
// item was made, whether its e-mail is confirmed, known, disposable, and
// its domain. The trust stage attaches it to every candidate; the evaluate
// and classify commands compute it the same way for API objects from files.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "gitlab/item.h"
#include "trust/trust_policy.h"

namespace spamphibian {

// Days from an RFC 3339 time to `now`; -1 when it cannot be read.
double AgeInDays(const std::string& rfc3339, std::chrono::system_clock::time_point now);

// {account_age_days, email_confirmed, email_known, disposable_email,
// email_domain} of `author` at `when` (the item's creation; now in the
// trust stage).
nlohmann::json AccountSignals(const gitlab::Author& author, std::chrono::system_clock::time_point when,
                              const TrustPolicy& policy);

// When an item was made: its created_at, else `fallback`.
std::chrono::system_clock::time_point ItemTime(const gitlab::Item& item, std::chrono::system_clock::time_point fallback);

}  // namespace spamphibian
