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

TEST(Language, LatinScriptLanguagesByTheirCommonWords) {
  EXPECT_EQ(Of("interesting approach we solved the same problem with a retry queue"), "en");
  EXPECT_EQ(Of("situs slot gacor terbaik hari ini dengan rtp tertinggi daftar sekarang"), "id");
  EXPECT_EQ(Of("la compilación falla con el error de enlace en debian y no sé por qué"), "es");
  EXPECT_EQ(Of("o projeto não compila depois da atualização e você pode ajudar"), "pt");
  EXPECT_EQ(Of("bonjour je ne trouve pas la page de configuration dans les réglages"), "fr");
  EXPECT_EQ(Of("der build schlägt fehl und ich weiß nicht warum es passiert"), "de");
  EXPECT_EQ(Of("ciao il progetto non compila più dopo questo aggiornamento"), "it");
  EXPECT_EQ(Of("bu hata için bir çözüm var mı yoksa daha çok beklemek mi gerekiyor"), "tr");
  EXPECT_EQ(Of("het project bouwt niet meer en ik weet niet wat er mis is"), "nl");
  EXPECT_EQ(Of("nie mogę zbudować projektu i nie wiem co jest nie tak"), "pl");
}

TEST(Language, VietnameseByItsLetters) {
  EXPECT_EQ(Of("nhà cái uy tín nhất việt nam đăng ký nhận thưởng ngay hôm nay"), "vi");
  // One borrowed word does not make a text Vietnamese.
  EXPECT_EQ(Of("we had phở for lunch and then fixed the flaky test in the pipeline"), "en");
}

TEST(Language, OtherScriptsByTheirLetters) {
  EXPECT_EQ(Of("проект не собирается после обновления"), "ru");
  EXPECT_EQ(Of("проєкт не збирається після оновлення їх"), "uk");
  EXPECT_EQ(Of("مرحبا هذا المشروع لا يعمل"), "ar");
  EXPECT_EQ(Of("این پروژه کار نمی کند چرا"), "fa");
  // Han alone is Chinese; with kana, Japanese.
  EXPECT_EQ(Of("我 们 是 专 业 的 博 彩 平 台"), "zh");
  EXPECT_EQ(Of("ビ ル ド が 失 敗 し ま す"), "ja");
  EXPECT_EQ(Of("빌드가 실패합니다 도와주세요"), "ko");
  EXPECT_EQ(Of("το έργο δεν λειτουργεί"), "el");
  EXPECT_EQ(Of("สล็อต เว็บ ตรง"), "th");
}

TEST(Language, TooLittleToTellIsNotAGuess) {
  EXPECT_EQ(Of(""), "");
  EXPECT_EQ(Of("slot88"), "");
  EXPECT_EQ(Of("__url__ __url__ __email__ 12345"), "");
  EXPECT_EQ(Of("kubernetes helm chart terraform"), "");  // no common word of any language
  EXPECT_EQ(Of("de la"), "");                            // as common in Spanish as in French
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
