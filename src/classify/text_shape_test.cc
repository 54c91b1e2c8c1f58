#include "classify/text_shape.h"

#include <gtest/gtest.h>

#include "classify/links.h"

namespace spamphibian::classify {
namespace {

TextShape Shape(const std::string& text) { return ShapeOf(text, Skeleton(text)); }

TEST(TextShape, PhoneNumbersPlainAndDisguised) {
  EXPECT_TRUE(Shape("Call +1-888-555-0199 now").phone);
  EXPECT_FALSE(Shape("Call +1-888-555-0199 now").phone_obfuscated);
  // Written without separators: a whole number with its area code.
  for (const char* text : {"call 09061701461 to claim", "WhatsApp 9876543210", "+918123456789", "(0812) 5550-193"}) {
    EXPECT_TRUE(Shape(text).phone) << text;
  }
  for (const char* text : {"call \xe2\x91\xa0-\xe2\x91\xa7\xe2\x91\xa7\xe2\x91\xa7-555-0199" /* circled */,
                           "call 1~855~555~0199", "toll free 1-8OO-555-0199",
                           "\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x96\xf0\x9d\x9f\x93\xf0\x9d\x9f\x93 555 0199" /* mathematical digits */}) {
    EXPECT_TRUE(Shape(text).phone_obfuscated) << text << " skeleton: " << Skeleton(text);
  }
}

TEST(TextShape, AMessengersContactWithoutALink) {
  for (const char* text : {"Text me on Telegram @sdaddy_mark, serious only", "WA 0812-5550-1932 / COD",
                           "WhatsApp: +1 555 0100 199", "contact telegram:@fundsback_agent", "加微信：abc12345 领取", "加vx abc12345",
                           "Telegram\xef\xbc\x9a @recovery_desk" /* fullwidth colon */}) {
    EXPECT_TRUE(Shape(text).messenger_contact) << text;
  }
  for (const char* text : {"the Telegram bot API returns 409 after a restart", "send the log via WhatsApp or mail",
                           "line 12345678: signal 11 (SIGSEGV)", "wa.md and tg.py are modules", "ping @alice on the MR",
                           "divx codecs 2 installed", "token a3vx9f2c1d expired"}) {
    EXPECT_FALSE(Shape(text).messenger_contact) << text;
  }
}

TEST(TextShape, DatesVersionsAndAddressesAreNotPhones) {
  for (const char* text : {"released 2026-11-28 12:30:45", "version 1.22.333.4444", "GET http://10.0.12.254:8080/healthz",
                           "build 4711 ran", "What plugin would you like for Visual Studio 2005/2008",
                           "Fully RFC 3986/3987 URI and IRI parsing", "![GIF 2020-7-2 20-29-53](x.gif)",
                           "see https://user-images.example.com/34059015/86360114-80377d00-bca4.gif",
                           "(https://example.org/a/5550-1234-567 here)", "maintained 2019 - 2024 by the team",
                           "Puzzle - 123456789 = 100 with three operations?", "pipeline 48213377 failed",
                           "07/05/09 22:53:21 sensord alarm"}) {
    EXPECT_FALSE(Shape(text).phone) << text;
  }
}

TEST(TextShape, CapitalsEmojiScripts) {
  const TextShape loud = Shape("BEST CASINO BONUS TODAY \xf0\x9f\x8e\xb0\xf0\x9f\x94\xa5\xf0\x9f\x92\xb0!!!");
  EXPECT_EQ(loud.capitals, loud.letters);
  EXPECT_EQ(loud.emoji, 3);
  EXPECT_EQ(loud.exclamations, 3);
  const TextShape mixed = Shape("slot gacor \xe6\x9c\x80\xe6\x96\xb0 \xd0\xba\xd0\xb0\xd0\xb7\xd0\xb8\xd0\xbd\xd0\xbe");
  EXPECT_EQ(mixed.scripts, 3);
  EXPECT_TRUE(Shape("\xd1\x81\xd0\xb0sino").mixed_script_word);
  EXPECT_FALSE(Shape("\xd0\xba\xd0\xb0\xd0\xb7\xd0\xb8\xd0\xbd\xd0\xbe casino").mixed_script_word);
  EXPECT_STREQ(Shape("\xd0\xba\xd0\xb0\xd0\xb7\xd0\xb8\xd0\xbd\xd0\xbe").main_script, "cyrillic");
}

}  // namespace
}  // namespace spamphibian::classify
