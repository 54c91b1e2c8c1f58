// Comparison of secrets in time that does not depend on where they differ,
// so that a caller cannot guess the webhook token byte by byte.
#pragma once

#include <string_view>

namespace spamphibian {

// True when a and b are equal. Runs in time that depends only on the
// lengths of the two strings, never on their contents.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace spamphibian
