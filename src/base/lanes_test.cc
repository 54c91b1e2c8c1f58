#include "base/lanes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

namespace spamphibian {
namespace {

TEST(Lanes, RunsEveryJobOnceAndReturnsWhenAllAreDone) {
  Lanes lanes(4);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::atomic<int>> ran(37);
    lanes.Run(ran.size(), [&](std::size_t i, int) { ran[i].fetch_add(1); });
    for (const auto& r : ran) ASSERT_EQ(r.load(), 1);
  }
}

TEST(Lanes, JobsOfABatchOverlapOneLaneEach) {
  // Three jobs that each wait until all three have started: they finish
  // only if they run at once.
  Lanes lanes(3);
  std::atomic<int> started{0};
  std::atomic<bool> overlapped{true};
  std::mutex mu;
  std::set<int> busy;
  bool shared_lane = false;
  lanes.Run(3, [&](std::size_t, int lane) {
    {
      std::lock_guard<std::mutex> lock(mu);
      shared_lane = shared_lane || !busy.insert(lane).second;
    }
    started.fetch_add(1);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (started.load() < 3) {
      if (std::chrono::steady_clock::now() > until) {
        overlapped = false;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::lock_guard<std::mutex> lock(mu);
    busy.erase(lane);
  });
  EXPECT_TRUE(overlapped.load());
  EXPECT_FALSE(shared_lane);
}

TEST(Lanes, OneLaneIsTheCallersThread) {
  Lanes lanes(1);
  EXPECT_EQ(lanes.size(), 1);
  std::set<std::thread::id> threads;
  lanes.Run(5, [&](std::size_t, int lane) {
    EXPECT_EQ(lane, 0);
    threads.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST(Lanes, LanesAreWithinTheirNumber) {
  Lanes lanes(3);
  std::atomic<int> bad{0};
  lanes.Run(100, [&](std::size_t, int lane) {
    if (lane < 0 || lane >= 3) bad.fetch_add(1);
    std::this_thread::yield();
  });
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace spamphibian
