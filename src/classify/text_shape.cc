#include "classify/text_shape.h"

#include <re2/re2.h>

#include <array>
#include <cctype>

#include "text/scripts.h"
#include "text/utf8.h"

namespace spamphibian::classify {
namespace {

// The shape's scripts: Chinese and Japanese characters count as one (cjk).
enum Script { kLatin, kCyrillic, kArabic, kCjk, kThai, kGreek, kHebrew, kDevanagari, kHangul, kOther, kNone };
constexpr const char* kScriptNames[] = {"latin", "cyrillic", "arabic", "cjk", "thai", "greek", "hebrew",
                                        "devanagari", "hangul", "other", "none"};

Script ScriptOf(char32_t cp) {
  switch (text::ScriptOf(cp)) {
    case text::Script::kLatin: return kLatin;
    case text::Script::kCyrillic: return kCyrillic;
    case text::Script::kArabic: return kArabic;
    case text::Script::kHan:
    case text::Script::kKana: return kCjk;
    case text::Script::kThai: return kThai;
    case text::Script::kGreek: return kGreek;
    case text::Script::kHebrew: return kHebrew;
    case text::Script::kDevanagari: return kDevanagari;
    case text::Script::kHangul: return kHangul;
    case text::Script::kOther: return kOther;
    case text::Script::kNone: break;
  }
  return kNone;
}

bool IsEmoji(char32_t cp) {
  return (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x1F000 && cp <= 0x1F2FF) ||
         cp == 0x260E || cp == 0x2705;
}

const RE2& Phone() {
  // Seven or more digits with the separators people use in numbers; the
  // whole match is captured.
  static const RE2 re(R"(((?:^|[^\w.])\+?\(?\d[\d\s().~*_/-]{6,}\d(?:[^\w.]|$)))");
  return re;
}
const RE2& NotAPhone() {
  // Dates, times, IP addresses and version numbers have digits and
  // separators too; so do pairs ("Visual Studio 2005/2008", "RFC
  // 3986/3987") and ranges of years.
  static const RE2 re(
      R"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d+\.\d+\.\d+|\d{2}:\d{2}|)"
      R"(^\D*\d{3,4}\s*/\s*\d{3,4}\D*$|^\D*(?:19|20)\d\d\s*-\s*(?:19|20)\d\d\D*$)");
  return re;
}
const RE2& TildeGroups() {
  static const RE2 re(R"(\d~\d{3}~)");
  return re;
}

// Whether the match at `at` lies inside a link (its digits are a path's or
// a query's: the link features speak for links).
bool InLink(std::string_view text, std::size_t at) {
  std::size_t start = at;
  while (start > 0 && !std::isspace(static_cast<unsigned char>(text[start - 1])) && text[start - 1] != '(' &&
         text[start - 1] != '<' && text[start - 1] != '"') {
    --start;
  }
  const std::string_view word = text.substr(start, at - start + 1);
  return word.find("://") != std::string_view::npos || word.starts_with("www.");
}

bool HasPhone(std::string_view text) {
  re2::StringPiece rest(text.data(), text.size());
  re2::StringPiece match;
  while (RE2::FindAndConsume(&rest, Phone(), &match)) {
    if (InLink(text, static_cast<std::size_t>(match.data() - text.data()))) continue;
    int digits = 0;
    bool grouped = false;  // a country code's "+", or a separator between digits
    bool gap = false;
    for (char c : match) {
      if (std::isdigit(static_cast<unsigned char>(c))) {
        ++digits;
        grouped = grouped || gap;
      } else {
        gap = digits > 0;
        grouped = grouped || c == '+' || c == '(';
      }
    }
    // A bare run of digits is an id, a count or a puzzle ("123456789")
    // unless it is as long as a whole number with its area code.
    const int least = grouped ? 7 : 10;
    if (digits >= least && digits <= 15 && !RE2::PartialMatch(match, NotAPhone())) return true;
  }
  return false;
}

const RE2& LetterDigits() {
  // "8OO", "1-8OO-": a letter O standing for zero in a toll-free prefix.
  static const RE2 re(R"((?:^|[^\w])(?:1[\s.~-]?)?8[O0o][O0o][\s.~-]\d)");
  return re;
}

const RE2& MessengerContact() {
  // A messenger's name, then a handle or a number (the name alone is the
  // topic of many an ordinary bug report). Not "line" or "signal": words
  // of every log and stack trace. "vx" (WeChat) only as a word of its own:
  // inside one it is DivX or a random token.
  static const RE2 re(
      R"((?i)(?:^|[^\w])(?:whats\s?app|wa|telegram|tg|wechat|weixin|viber|kik|snapchat)\s*(?:id|me|us|only)?\s*)"
      R"((?:[:=\-]|：)?\s*(?:@[\w.]{3,}|\+?\d[\d\s().~-]{6,}\d)|(?:微信|薇信|威信|v信|(?:^|[^\w])vx)\s*号?\s*(?:[:=]|：)?\s*[a-z0-9_-]{5,})");
  return re;
}

}  // namespace

TextShape ShapeOf(std::string_view text, std::string_view skeleton) {
  TextShape s;
  std::array<int, kNone + 1> by_script{};
  bool word_latin = false, word_other = false;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = text::NextCodePoint(text, &i);
    const Script script = ScriptOf(cp);
    if (script != kNone) {
      ++s.letters;
      ++by_script[script];
      if (cp >= 0x80) ++s.non_ascii_letters;
      if (cp < 0x80 && std::isupper(static_cast<int>(cp))) ++s.capitals;
      word_latin = word_latin || script == kLatin;
      word_other = word_other || script == kCyrillic || script == kGreek;
      continue;
    }
    if (word_latin && word_other) s.mixed_script_word = true;
    word_latin = word_other = false;
    if (cp < 0x80 && std::isdigit(static_cast<int>(cp))) ++s.digits;
    if (cp == '!') ++s.exclamations;
    if (IsEmoji(cp)) ++s.emoji;
  }
  if (word_latin && word_other) s.mixed_script_word = true;
  int best = 0;
  for (int k = 0; k < kNone; ++k) {
    if (by_script[k] > 0) ++s.scripts;
    if (by_script[k] > best) {
      best = by_script[k];
      s.main_script = kScriptNames[k];
    }
  }
  // The scans only where they could match: seven digits make a number.
  s.phone = s.digits >= 7 && HasPhone(text);
  // A contact needs a handle (@), a number or a Chinese messenger's name.
  s.messenger_contact = (s.digits >= 7 || skeleton.find('@') != std::string_view::npos ||
                         skeleton.find("信") != std::string_view::npos || skeleton.find("vx") != std::string_view::npos ||
                         skeleton.find("VX") != std::string_view::npos) &&
                        RE2::PartialMatch(skeleton, MessengerContact());
  // Disguised digits (①, 𝟏, fullwidth) are ASCII digits in the skeleton
  // only: more digits there, and a number among them, is a disguised number.
  int skeleton_digits = 0;
  for (char c : skeleton) skeleton_digits += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
  s.phone_obfuscated = (skeleton_digits > s.digits && skeleton_digits >= 7 && HasPhone(skeleton)) ||
                       (text.find('8') != std::string_view::npos && RE2::PartialMatch(text, LetterDigits())) ||
                       (text.find('~') != std::string_view::npos && RE2::PartialMatch(text, TildeGroups()));
  return s;
}

}  // namespace spamphibian::classify
