// The language an item is written in, for the people who read a decision:
// a moderator sees "written in Indonesian" beside the reasons, and the
// decisions counter tells an admin which languages the spam on the
// instance comes in.
//
// It is deliberately not an input of the model. Measured (session 17, the
// dev set): as words-model tokens and combiner features it changed nothing
// overall (AUC 0.983 against 0.984) and raised ordinary English comments
// from new accounts (0.12 to 0.49), because the training data's share of
// each language in spam and ham is the generator's choice, not the
// field's. The words model already sees the words a language is made of.
//
// Why not a library: Debian's CLD2 (libcld2) spends about 87 µs per call
// whatever the text's length (measured: a one-line comment as long as a
// page), nearly the whole classify budget of a user profile; this costs a
// hash lookup per word for the first 200 words.
//
// How: the script of the words (text/scripts.h) decides the non-Latin
// languages (kana → Japanese, Han → Chinese, Hangul, Arabic with Persian
// letters → Persian, Cyrillic with Ukrainian letters → Ukrainian ...);
// among Latin-script languages, Vietnamese by its letters, the rest by
// counting their most common short words ("the", "yang", "der", "que" ...).
// Too few of them, or a tie, is "not sure" rather than a guess.
//
// Pure functions over static tables; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spamphibian::classify {

// The ISO 639-1 code of the language of `words` (lower-cased words as the
// rendering has them, links and e-mails as "__" placeholders), or "" when
// there is too little text to tell. One of kLanguageCodes.
std::string_view LanguageOf(const std::vector<std::string>& words);

// Every code LanguageOf can return.
inline constexpr std::string_view kLanguageCodes[] = {"en", "id", "vi", "es", "pt", "fr", "de", "it", "nl", "tr",
                                                      "pl", "ru", "uk", "ar", "fa", "he", "el", "hi", "th", "zh",
                                                      "ja", "ko"};

// The language's English name ("id" → "Indonesian"); "" for an unknown code.
std::string_view LanguageName(std::string_view code);

}  // namespace spamphibian::classify
