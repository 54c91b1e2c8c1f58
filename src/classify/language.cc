#include "classify/language.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <unordered_map>

#include "text/scripts.h"
#include "text/utf8.h"

namespace spamphibian::classify {
namespace {

// The Latin-script languages told apart by their words, in kLanguageCodes'
// order (the first eleven codes).
constexpr std::size_t kLatinLanguages = 11;

// Each language's most common short words: articles, prepositions,
// pronouns, "is", "not", "thanks". Spam and ordinary text alike are made of
// them, whatever they are about. A word of several languages counts for each.
constexpr std::array<std::string_view, kLatinLanguages> kWords = {
    // en
    "the and is are was were to of for with this that it you your on not be have has we my can will from at by "
    "an or but if when what which there our they would should please thanks how does",
    // id (and Malay)
    "yang dan di ini itu dengan untuk tidak ada dari ke saya kami kita anda bisa akan juga sudah atau pada dalam "
    "karena sekarang terbaik hari apa jika agar bagi lebih belum harus sangat dapat kalau tapi",
    // vi
    "và của là không có được cho với các những một này người trong đã để khi từ bạn tôi thì nhưng nhất rất",
    // es
    "el la los las de que y en es por para con una del se no más como pero está puede hola gracias muy su al lo "
    "este esta también cuando hay sin sobre desde mi",
    // pt
    "os da do das dos de que não em uma um para com é mas você está mais pelo pela obrigado ao são isso esse essa "
    "também muito quando seu sua no na nos nas o e meu já",
    // fr
    "le les des est et une un pour dans que qui pas sur avec je vous nous ce au du mais très bonjour merci il elle "
    "sont cette ne ai on en la de plus aussi tout été",
    // de
    "der die das und ist nicht ein eine mit für auf ich sie wir es zu den dem von sich auch bei wird kann im aber "
    "oder wenn noch nach habe hat sind einen dass werden bitte danke",
    // it
    "il di che è e la per non un una con del della sono ho questo questa ma come anche nel grazie ciao gli lo le "
    "si da al alla più mi ci perché quando molto",
    // nl
    "de het een en van is niet dat op te zijn met voor ik je maar ook wordt naar bij kan wat er dit hebben heeft "
    "geen dan nog om",
    // tr
    "ve bir bu için ile da de ne çok değil var yok ben sen daha gibi olarak ama şu mı mi olan en kadar sonra "
    "ancak veya ya her nasıl",
    // pl
    "i w z na się nie jest to że do co jak ale dla po przez tak czy od już są być jestem mam może tylko bardzo",
};
static_assert(kLatinLanguages <= std::size(kLanguageCodes));

// Word → the Latin languages it is common in (bit i: kLanguageCodes[i]).
const std::unordered_map<std::string_view, std::uint32_t>& CommonWords() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string_view, std::uint32_t>();
    for (std::size_t lang = 0; lang < kLatinLanguages; ++lang) {
      std::string_view rest = kWords[lang];
      while (!rest.empty()) {
        const std::size_t space = rest.find(' ');
        (*t)[rest.substr(0, space)] |= 1u << lang;
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      }
    }
    return t;
  }();
  return *table;
}

// Letters only Vietnamese has among Latin-script languages: ă đ ơ ư and the
// stacked tone marks (ạ ả ấ ... ỹ).
bool IsVietnameseLetter(char32_t cp) {
  return (cp >= 0x1EA0 && cp <= 0x1EF9) || cp == 0x102 || cp == 0x103 || cp == 0x110 || cp == 0x111 ||
         cp == 0x1A0 || cp == 0x1A1 || cp == 0x1AF || cp == 0x1B0;
}
// Cyrillic letters of Ukrainian and not Russian (і ї є ґ), and of Russian
// and not Ukrainian (ы э ъ ё).
bool IsUkrainianLetter(char32_t cp) {
  return cp == 0x456 || cp == 0x457 || cp == 0x454 || cp == 0x491 || cp == 0x406 || cp == 0x407 || cp == 0x404 ||
         cp == 0x490;
}
bool IsRussianLetter(char32_t cp) {
  return cp == 0x44B || cp == 0x44D || cp == 0x44A || cp == 0x451 || cp == 0x42B || cp == 0x42D || cp == 0x42A ||
         cp == 0x401;
}
// Arabic-script letters of Persian and not Arabic (پ چ ژ گ).
bool IsPersianLetter(char32_t cp) { return cp == 0x67E || cp == 0x686 || cp == 0x698 || cp == 0x6AF; }

// Enough words to tell; a long text says the same in its first ones.
constexpr std::size_t kWordsRead = 200;
// Words of one script, or common words of one language, below which a text
// is too short to name its language.
constexpr int kAtLeast = 2;

}  // namespace

std::string_view LanguageOf(const std::vector<std::string>& words) {
  using text::Script;
  std::array<int, static_cast<int>(Script::kNone) + 1> by_script{};
  const auto count = [&by_script](Script s) -> int& { return by_script[static_cast<int>(s)]; };
  std::array<int, kLatinLanguages> votes{};
  int vietnamese = 0, ukrainian = 0, russian = 0, persian = 0;
  const auto& common = CommonWords();
  std::vector<std::string_view> seen;  // the common words met (a few dozen at most)
  std::size_t read = 0;
  for (const std::string& word : words) {
    if (word.starts_with("__")) continue;  // a link, an e-mail or a phone number
    if (++read > kWordsRead) break;
    std::size_t i = 0;
    const Script script = text::ScriptOf(text::NextCodePoint(word, &i));
    if (script == Script::kNone || script == Script::kOther) continue;  // a number, a symbol, a script not told
    ++count(script);
    // The letters that tell languages of one script apart, a word at most once each.
    bool vi = false, uk = false, ru = false, fa = false;
    for (std::size_t j = 0; j < word.size();) {
      const char32_t cp = text::NextCodePoint(word, &j);
      vi = vi || IsVietnameseLetter(cp);
      uk = uk || IsUkrainianLetter(cp);
      ru = ru || IsRussianLetter(cp);
      fa = fa || IsPersianLetter(cp);
    }
    vietnamese += vi;
    ukrainian += uk;
    russian += ru;
    persian += fa;
    if (script != Script::kLatin) continue;
    // Each common word once: a name or a keyword said again ("ci", "da")
    // is no sentence.
    if (auto it = common.find(word); it != common.end() && std::find(seen.begin(), seen.end(), it->first) == seen.end()) {
      seen.push_back(it->first);
      for (std::size_t lang = 0; lang < kLatinLanguages; ++lang) votes[lang] += (it->second >> lang) & 1;
    }
  }

  // Chinese and Japanese share Han characters; kana is Japanese only.
  const int cjk = count(Script::kHan) + count(Script::kKana);
  Script script = Script::kLatin;
  int most = count(Script::kLatin);
  for (Script s : {Script::kCyrillic, Script::kArabic, Script::kHan, Script::kThai, Script::kGreek, Script::kHebrew,
                   Script::kDevanagari, Script::kHangul}) {
    const int n = s == Script::kHan ? cjk : count(s);
    if (n > most) {
      most = n;
      script = s;
    }
  }
  if (most < kAtLeast) return "";
  switch (script) {
    case Script::kCyrillic: return ukrainian > russian ? "uk" : "ru";
    case Script::kArabic: return persian > 0 ? "fa" : "ar";
    case Script::kHan: return count(Script::kKana) * 10 >= cjk ? "ja" : "zh";
    case Script::kHangul: return "ko";
    case Script::kGreek: return "el";
    case Script::kHebrew: return "he";
    case Script::kDevanagari: return "hi";
    case Script::kThai: return "th";
    default: break;
  }
  // Latin script. Vietnamese words nearly all carry its letters.
  if (vietnamese >= kAtLeast && vietnamese * 5 >= count(Script::kLatin)) return "vi";
  std::size_t best = 0, second = 1;
  for (std::size_t lang = 1; lang < kLatinLanguages; ++lang) {
    if (votes[lang] > votes[best]) {
      second = best;
      best = lang;
    } else if (lang != best && votes[lang] > votes[second]) {
      second = lang;
    }
  }
  if (votes[best] < kAtLeast || votes[best] == votes[second]) return "";
  return kLanguageCodes[best];
}

std::string_view LanguageName(std::string_view code) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"en", "English"},   {"id", "Indonesian"}, {"vi", "Vietnamese"}, {"es", "Spanish"},  {"pt", "Portuguese"},
      {"fr", "French"},    {"de", "German"},     {"it", "Italian"},    {"nl", "Dutch"},    {"tr", "Turkish"},
      {"pl", "Polish"},    {"ru", "Russian"},    {"uk", "Ukrainian"},  {"ar", "Arabic"},   {"fa", "Persian"},
      {"he", "Hebrew"},    {"el", "Greek"},      {"hi", "Hindi"},      {"th", "Thai"},     {"zh", "Chinese"},
      {"ja", "Japanese"},  {"ko", "Korean"}};
  static_assert(std::size(kNames) == std::size(kLanguageCodes));
  for (const auto& [c, name] : kNames) {
    if (c == code) return name;
  }
  return "";
}

}  // namespace spamphibian::classify
