// Which writing system a character belongs to: what the text shape counts
// (scripts mixed, the main one) and what tells languages apart first.
// Ranges, not Unicode's full Script property: the scripts spam and
// ordinary text on a GitLab instance come in. Pure, thread-safe.
#pragma once

namespace spamphibian::text {

enum class Script {
  kLatin,  // ASCII letters, Latin-1 and Latin Extended, Vietnamese
  kCyrillic,
  kArabic,
  kHan,   // Chinese characters, also written in Japanese
  kKana,  // Japanese only
  kThai,
  kGreek,
  kHebrew,
  kDevanagari,
  kHangul,
  kOther,  // a letter or sign of another script
  kNone,   // not a letter: ASCII digits, punctuation, spaces, symbols, emoji
};

Script ScriptOf(char32_t cp);

}  // namespace spamphibian::text
