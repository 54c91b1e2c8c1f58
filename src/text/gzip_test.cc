#include "text/gzip.h"

#include <gtest/gtest.h>

namespace spamphibian::text {
namespace {

TEST(Gzip, RoundTripsAndShrinksRepeatedText) {
  std::string lines;
  for (int i = 0; i < 500; ++i) lines += R"({"decision_id":"classify-)" + std::to_string(i) + R"(","verdict":"spam"})" "\n";
  const std::string gz = Gzip(lines);
  EXPECT_LT(gz.size(), lines.size() / 5);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f) << "a gzip file, for any tool";
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  std::string back;
  ASSERT_TRUE(Gunzip(gz, 1 << 20, &back).ok());
  EXPECT_EQ(back, lines);
  ASSERT_TRUE(Gunzip(Gzip(""), 10, &back).ok());
  EXPECT_EQ(back, "");
}

TEST(Gzip, EverySizeRoundTripsWhateverWindowItIsGiven) {
  // Sizes around each window's edge (2^9 .. 2^15 and beyond), with
  // repeats further apart than a small window would see.
  for (std::size_t size : {1u, 511u, 512u, 513u, 4097u, 32768u, 32769u, 200000u}) {
    std::string data;
    for (std::size_t i = 0; data.size() < size; ++i) data += "line " + std::to_string(i * 7919 % 1000) + ";";
    data.resize(size);
    std::string back;
    ASSERT_TRUE(Gunzip(Gzip(data), size + 1, &back).ok()) << size;
    EXPECT_EQ(back, data) << size;
  }
}

TEST(Gzip, RefusesWhatIsNotGzipOrInflatesTooFar) {
  std::string out;
  EXPECT_TRUE(Gunzip("plain text", 1 << 20, &out).IsInvalidArgument());
  const std::string gz = Gzip(std::string(1 << 20, 'a'));
  EXPECT_TRUE(Gunzip(gz.substr(0, gz.size() / 2), 1 << 21, &out).IsInvalidArgument()) << "cut short";
  EXPECT_TRUE(Gunzip(gz, 1000, &out).IsInvalidArgument()) << "a bomb is stopped at the limit";
}

}  // namespace
}  // namespace spamphibian::text
