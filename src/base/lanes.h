// Lanes: runs a batch of independent jobs on up to n lanes at once (the
// caller's thread and n-1 threads of its own, started once) and returns
// when all are done. For a stage whose entries each wait on the network
// (the act stage's GitLab calls): a batch's waits overlap, without a
// thread per job. A job learns its lane, so that each lane can own a
// connection that is never used by two threads at a time.
//
// One caller at a time (a stage worker owns its Lanes).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace spamphibian {

class Lanes {
 public:
  using Job = std::function<void(std::size_t index, int lane)>;

  // n >= 1; n == 1 runs every job on the caller's thread. The lanes'
  // threads are named `name`-1, -2, ... (base/thread_name.h).
  explicit Lanes(int n, std::string_view name = "lane");
  ~Lanes();
  Lanes(const Lanes&) = delete;
  Lanes& operator=(const Lanes&) = delete;

  int size() const { return static_cast<int>(threads_.size()) + 1; }

  // Calls job(i, lane) once for each i in [0, count), at most one job per
  // lane at a time, and returns when every call has returned. A job must
  // not throw.
  void Run(std::size_t count, const Job& job);

 private:
  void Work(int lane);
  // Takes the next index and runs it until none is left.
  void Drain(int lane);

  std::mutex mu_;
  std::condition_variable start_, done_;
  const Job* job_ = nullptr;
  std::size_t count_ = 0, next_ = 0, finished_ = 0;
  std::uint64_t round_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: they start once the rest is ready
};

}  // namespace spamphibian
