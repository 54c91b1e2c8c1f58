// `spamphibian config check [FILE]`: validates a configuration without
// starting anything. The settings, the policy, the trust lists and the
// relations between timeouts are checked as `serve` would; the effective
// settings are printed (secrets as "(set)"). Exit 0 when it would start,
// 2 with the problem named when it would not.
#pragma once

#include <string>

namespace spamphibian {

int RunConfigCheck(const std::string& file);

}  // namespace spamphibian
