#include "classify/language.h"

#include <gtest/gtest.h>

#include <sstream>

#include "classify/text_rendering.h"
#include "gitlab/item.h"

namespace spamphibian::classify {
namespace {

// Words as the rendering has them: lower-case, split at spaces (the texts
// below have no punctuation that the rendering would split at).
std::string_view Of(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return LanguageOf(words);
}

struct Case {
  const char* text;
  std::string_view language;
};

void ExpectAll(const std::vector<Case>& cases) {
  for (const auto& [text, language] : cases) EXPECT_EQ(Of(text), language) << text;
}

TEST(Language, LatinScriptLanguagesByTheirCommonWords) {
  ExpectAll({{"interesting approach we solved the same problem with a retry queue", "en"},
             {"situs slot gacor terbaik hari ini dengan rtp tertinggi daftar sekarang", "id"},
             {"la compilación falla con el error de enlace en debian y no sé por qué", "es"},
             {"o projeto não compila depois da atualização e você pode ajudar", "pt"},
             {"bonjour je ne trouve pas la page de configuration dans les réglages", "fr"},
             {"der build schlägt fehl und ich weiß nicht warum es passiert", "de"},
             {"ciao il progetto non compila più dopo questo aggiornamento", "it"},
             {"bu hata için bir çözüm var mı yoksa daha çok beklemek mi gerekiyor", "tr"},
             {"het project bouwt niet meer en ik weet niet wat er mis is", "nl"},
             {"nie mogę zbudować projektu i nie wiem co jest nie tak", "pl"}});
}

TEST(Language, VietnameseByItsLetters) {
  ExpectAll({{"nhà cái uy tín nhất việt nam đăng ký nhận thưởng ngay hôm nay", "vi"},
             // One borrowed word does not make a text Vietnamese.
             {"we had phở for lunch and then fixed the flaky test in the pipeline", "en"}});
}

TEST(Language, OtherScriptsByTheirLetters) {
  ExpectAll({{"проект не собирается после обновления", "ru"},
             {"проєкт не збирається після оновлення їх", "uk"},
             {"مرحبا هذا المشروع لا يعمل", "ar"},
             {"این پروژه کار نمی کند چرا", "fa"},
             // Han alone is Chinese; with kana, Japanese.
             {"我 们 是 专 业 的 博 彩 平 台", "zh"},
             {"ビ ル ド が 失 敗 し ま す", "ja"},
             {"빌드가 실패합니다 도와주세요", "ko"},
             {"το έργο δεν λειτουργεί", "el"},
             {"สล็อต เว็บ ตรง", "th"}});
}

TEST(Language, TooLittleToTellIsNotAGuess) {
  ExpectAll({{"", ""},
             {"slot88", ""},
             {"__url__ __url__ __email__ 12345", ""},
             {"kubernetes helm chart terraform", ""},  // no common word of any language
             {"de la", ""}});                          // as common in Spanish as in French
}

TEST(Language, TheLinksAndNumbersOfAForeignTextDoNotOutvoteIt) {
  EXPECT_EQ(Of("__url__ __url__ __url__ 2024 v1 проект не собирается"), "ru");
}

TEST(Language, EveryCodeHasAName) {
  for (std::string_view code : kLanguageCodes) EXPECT_FALSE(LanguageName(code).empty()) << code;
  EXPECT_EQ(LanguageName("id"), "Indonesian");
  EXPECT_EQ(LanguageName("xx"), "");
}

TEST(Language, TheRenderingNamesIt) {
  gitlab::Item item;
  item.type = "note";
  item.text = {{"body", "Situs slot gacor terbaik hari ini, daftar sekarang di https://slot.example.top"}};
  EXPECT_EQ(Render(item, ItemContext{}).language, "id");
  item.text = {{"body", "Thanks, the fix works for me on Debian 12."}};
  EXPECT_EQ(Render(item, ItemContext{}).language, "en");
}

}  // namespace
}  // namespace spamphibian::classify
