// libFuzzer target: trusted-domain patterns and e-mails. Lines of the input
// are patterns (operator input, RE2) up to a blank line; the rest is an
// e-mail. Never a crash, whatever the pattern or the address.
#include <cstdint>
#include <string>
#include <vector>

#include "trust/trust_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t split = text.find("\n\n");
  spamphibian::TrustOptions options;
  options.disposable_domains_file = "/nonexistent";  // not what is fuzzed; read once per run otherwise
  std::string patterns = text.substr(0, split);
  for (std::size_t start = 0; start <= patterns.size();) {
    std::size_t end = patterns.find('\n', start);
    if (end == std::string::npos) end = patterns.size();
    if (end > start && options.domains.size() < 8) options.domains.push_back(patterns.substr(start, end - start));
    start = end + 1;
  }
  std::shared_ptr<const spamphibian::TrustPolicy> policy;
  std::vector<std::string> warnings;
  if (!spamphibian::TrustPolicy::Build(options, &policy, &warnings).ok()) return 0;
  spamphibian::gitlab::Author author;
  author.email = split == std::string::npos ? text : text.substr(split + 2);
  author.confirmed_at = "2026-01-01T00:00:00Z";
  (void)policy->TrustReason(author, [](const std::string&) { return false; });
  return 0;
}
