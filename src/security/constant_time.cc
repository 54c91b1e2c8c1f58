#include "security/constant_time.h"

#include <cstddef>

namespace spamphibian {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Walk the longer string completely so the loop count reveals no more than
  // the lengths; accumulate every difference instead of returning early.
  const std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  // Volatile read keeps the compiler from turning the loop into memcmp.
  volatile unsigned char result = diff;
  return result == 0;
}

}  // namespace spamphibian
