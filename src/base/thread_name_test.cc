#include "base/thread_name.h"

#include <gtest/gtest.h>

#include <thread>

namespace spamphibian {
namespace {

TEST(ThreadName, NamesTheCallingThreadOnlyAndCutsLongNames) {
  const std::string before = ThisThreadName();
  std::string inside, long_one;
  std::thread([&] {
    NameThisThread("act-1");
    inside = ThisThreadName();
    NameThisThread("classify-lane-12345");
    long_one = ThisThreadName();
  }).join();
  EXPECT_EQ(inside, "act-1");
  EXPECT_EQ(long_one, "classify-lane-1") << "Linux keeps 15 bytes";
  EXPECT_EQ(ThisThreadName(), before) << "another thread's name is its own";
}

}  // namespace
}  // namespace spamphibian
