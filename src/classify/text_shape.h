// The shape of a text, apart from its words: how much is capitals, digits,
// emoji; which scripts it mixes; phone numbers (also spelt with look-alike
// digits or separators like 1~855~); a messenger's contact; a keyword
// repeated for search engines.
// Pure functions over valid UTF-8; thread-safe.
#pragma once

#include <string_view>

namespace spamphibian::classify {

struct TextShape {
  int letters = 0, capitals = 0, digits = 0, emoji = 0, non_ascii_letters = 0;
  int scripts = 0;              // distinct scripts among its letters (Latin, Cyrillic, Arabic, CJK ...)
  int exclamations = 0;
  bool phone = false;           // a phone number as written
  bool phone_obfuscated = false;  // one only visible after the skeleton (①, 𝟏, 8OO, 1~855~)
  bool mixed_script_word = false;  // a word mixing Latin with Cyrillic/Greek look-alikes
  // A messenger's contact written out, no link: "Telegram @handle",
  // "WA 0812-555-0199", "微信: abc123". The same ask as a wa.me or t.me link.
  bool messenger_contact = false;
  const char* main_script = "none";  // latin, cyrillic, arabic, cjk, thai, greek, hebrew, devanagari, hangul, other
};

// `skeleton` is Skeleton(text) (links.h).
TextShape ShapeOf(std::string_view text, std::string_view skeleton);

}  // namespace spamphibian::classify
