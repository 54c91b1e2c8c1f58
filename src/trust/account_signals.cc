#include "trust/account_signals.h"

#include <ctime>

namespace spamphibian {
namespace {

bool ParseTime(const std::string& text, std::chrono::system_clock::time_point* out) {
  std::tm tm{};
  if (text.size() < 19 || strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return false;
  *out = std::chrono::system_clock::from_time_t(timegm(&tm));
  return true;
}

}  // namespace

double AgeInDays(const std::string& text, std::chrono::system_clock::time_point now) {
  std::chrono::system_clock::time_point t;
  if (!ParseTime(text, &t)) return -1;
  return std::chrono::duration<double>(now - t).count() / 86400.0;
}

std::chrono::system_clock::time_point ItemTime(const gitlab::Item& item, std::chrono::system_clock::time_point fallback) {
  std::chrono::system_clock::time_point t;
  return ParseTime(item.created_at, &t) ? t : fallback;
}

nlohmann::json AccountSignals(const gitlab::Author& author, std::chrono::system_clock::time_point when,
                              const TrustPolicy& policy) {
  const std::string domain = gitlab::EmailDomain(author.email);
  const bool known = !domain.empty() && author.email != "[REDACTED]";
  nlohmann::json signals = {
      {"account_age_days", AgeInDays(author.created_at, when)},
      {"email_known", known},
      {"disposable_email", known && policy.IsDisposable(domain)},
      {"email_domain", known ? domain : ""},
  };
  // Without a known e-mail, nothing is known of its confirmation either
  // (an embedded author object shows neither).
  if (known) signals["email_confirmed"] = !author.confirmed_at.empty();
  return signals;
}

}  // namespace spamphibian
