#include "text/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "text/utf8.h"

namespace spamphibian::text {
namespace {

std::string Written(const nlohmann::json& value) {
  std::string out;
  AppendJson(value, &out);
  return out;
}

std::string NlohmannDump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonWriterTest, StringsAreWrittenAsNlohmannWritesThem) {
  const std::string every_control = [] {
    std::string s;
    for (int c = 0; c < 0x20; ++c) s += static_cast<char>(c);
    return s;
  }();
  for (const std::string& s : {std::string(""), std::string("plain"), std::string("quote \" back \\ slash /"),
                              every_control, std::string("del \x7f"), std::string("caf\xc3\xa9 \xf0\x9f\x8e\xb0 \xe6\x9c\x80"),
                              std::string("nul \0 inside", 12)}) {
    EXPECT_EQ(Written(s), NlohmannDump(s)) << s;
  }
}

TEST(JsonWriterTest, InvalidUtf8IsReplacedNeverThrown) {
  std::string out;
  AppendJsonString("slot\xff\xfe gacor \xc3", &out);
  EXPECT_EQ(nlohmann::json::parse(out), "slot\xef\xbf\xbd\xef\xbf\xbd gacor \xef\xbf\xbd");
  // Any bytes at all: the text parses, to what ValidUtf8 makes of them.
  std::mt19937 random(20261203);
  for (int n = 0; n < 2000; ++n) {
    std::string bytes(random() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(random() % 256);
    out.clear();
    AppendJsonString(bytes, &out);
    EXPECT_EQ(nlohmann::json::parse(out), ValidUtf8(bytes));
  }
}

TEST(JsonWriterTest, TreesReadBackAsTheSameValues) {
  const nlohmann::json tree = {
      {"score", 0.93},
      {"tiny", 1e-05},
      {"huge", 1.5e300},
      {"whole", 3.0},
      {"negative", -7},
      {"unsigned", std::numeric_limits<std::uint64_t>::max()},
      {"min", std::numeric_limits<std::int64_t>::min()},
      {"flags", {true, false, nullptr}},
      {"nested", {{"empty_object", nlohmann::json::object()}, {"empty_array", nlohmann::json::array()}}},
      {"odd \"key\"\n", "value"},
      {"explanation", {"links casino-77.bet", "a new account (0 days)"}},
  };
  const nlohmann::json back = nlohmann::json::parse(Written(tree));
  EXPECT_EQ(back, tree);
  // Floats stay floats (3.0 is not read back as the integer 3).
  EXPECT_TRUE(back["whole"].is_number_float());
  EXPECT_EQ(Written(nlohmann::json::array({0.5, 3.0, -2})), "[0.5,3.0,-2]");
  // Key order and everything else as nlohmann writes it, for values whose
  // numbers both write alike.
  const nlohmann::json plain = {{"b", {1, "x"}}, {"a", {{"c", false}}}, {"s", "t\u00e9"}};
  EXPECT_EQ(Written(plain), NlohmannDump(plain));
}

TEST(JsonWriterTest, NumbersJsonCannotHoldAreNull) {
  EXPECT_EQ(Written(std::nan("")), "null");
  EXPECT_EQ(Written(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(Written(nlohmann::json()), "null");
}

}  // namespace
}  // namespace spamphibian::text
