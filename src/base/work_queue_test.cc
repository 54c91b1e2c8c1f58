#include "base/work_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace spamphibian {
namespace {

TEST(WorkQueue, RunsJobsInOrderOnItsOwnThread) {
  std::vector<int> ran;
  std::thread::id where;
  {
    WorkQueue queue(10);
    for (int i = 0; i < 5; ++i) {
      EXPECT_TRUE(queue.Submit([&, i] {
        ran.push_back(i);
        where = std::this_thread::get_id();
      }));
    }
  }  // the destructor runs what is queued
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_NE(where, std::this_thread::get_id());
}

TEST(WorkQueue, AFullQueueRefusesAtOnce) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  int ran = 0;
  {
    WorkQueue queue(2);
    std::promise<void> started;
    ASSERT_TRUE(queue.Submit([&] {
      started.set_value();
      released.wait();
      ++ran;
    }));
    started.get_future().wait();  // the first job runs, holding the thread
    EXPECT_TRUE(queue.Submit([&] { ++ran; }));
    EXPECT_TRUE(queue.Submit([&] { ++ran; }));
    EXPECT_FALSE(queue.Submit([&] { ++ran; })) << "two wait already";
    release.set_value();
  }
  EXPECT_EQ(ran, 3);
}

}  // namespace
}  // namespace spamphibian
