#include "text/scripts.h"

#include <cctype>

namespace spamphibian::text {

Script ScriptOf(char32_t cp) {
  if (cp < 0x80) return std::isalpha(static_cast<int>(cp)) ? Script::kLatin : Script::kNone;
  if (cp >= 0xC0 && cp <= 0x24F) return cp == 0xD7 || cp == 0xF7 ? Script::kNone : Script::kLatin;
  if (cp >= 0x1E00 && cp <= 0x1EFF) return Script::kLatin;  // Vietnamese
  if (cp >= 0x370 && cp <= 0x3FF) return Script::kGreek;
  if (cp >= 0x400 && cp <= 0x52F) return Script::kCyrillic;
  if (cp >= 0x590 && cp <= 0x5FF) return Script::kHebrew;
  if ((cp >= 0x600 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F) || (cp >= 0xFB50 && cp <= 0xFEFC)) {
    return Script::kArabic;
  }
  if (cp >= 0x900 && cp <= 0x97F) return Script::kDevanagari;
  if (cp >= 0xE00 && cp <= 0xE7F) return Script::kThai;
  if (cp >= 0x3040 && cp <= 0x30FF) return Script::kKana;
  if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) return Script::kHan;
  if (cp >= 0xAC00 && cp <= 0xD7AF) return Script::kHangul;
  if (cp >= 0x2000 && cp <= 0x2BFF) return Script::kNone;  // punctuation, arrows, symbols
  if (cp >= 0x1F000) return Script::kNone;                 // emoji and symbols
  return Script::kOther;
}

}  // namespace spamphibian::text
