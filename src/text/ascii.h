// ASCII case folding for hosts, e-mail domains, tokens and list entries.
// Bytes of multi-byte UTF-8 characters are left as they are (never >= 0x80
// after folding), so valid UTF-8 stays valid.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace spamphibian::text {

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c); });
  return out;
}

}  // namespace spamphibian::text
