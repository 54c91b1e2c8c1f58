// WorkQueue: one thread of its own that runs jobs in the order they came,
// with a bound on how many may wait. For work a request hands off so that
// the thread that read it never waits on a slow upstream (a Slack click's
// answer, a sign-in's calls to GitLab): a full queue refuses at once, and
// the caller answers 503.
//
// Thread-safe: Submit from any thread. The destructor runs what is queued,
// then joins; declare a WorkQueue after everything its jobs use.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace spamphibian {

class WorkQueue {
 public:
  explicit WorkQueue(std::size_t capacity);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // False (and `job` dropped) when `capacity` jobs wait already.
  bool Submit(std::function<void()> job);

 private:
  void Run();

  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace spamphibian
