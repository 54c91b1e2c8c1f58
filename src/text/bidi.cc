#include "text/bidi.h"

namespace spamphibian::text {

std::string ShowBidiControls(std::string_view text) {
  // In UTF-8: U+202A-U+202E are E2 80 AA-AE; U+2066-U+2069 are E2 81 A6-A9.
  if (text.find('\xe2') == std::string_view::npos) return std::string(text);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\xe2' && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
      if ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9)) {
        const unsigned cp = 0x2000u | ((b1 & 0x0Fu) << 6) | (b2 & 0x3Fu);
        out += "[U+";
        for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
        out += ']';
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace spamphibian::text
