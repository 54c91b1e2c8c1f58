// AsyncPipeline: runs Redis commands for many callers on one connection,
// batched. Callers Submit() from any thread and get their reply through a
// callback; a dedicated thread takes everything queued so far and sends it
// in one round trip (pipelining). Under load the batches grow by themselves,
// so a thousand concurrent hook deliveries cost a handful of round trips,
// and an HTTP thread never waits on Redis.
//
// Callbacks run on the pipeline's thread: keep them short (post the result
// to your own executor). Every submitted callback is called exactly once,
// with Unavailable if Redis cannot be reached or the pipeline is stopping.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "redis/client.h"

namespace spamphibian::redis {

class AsyncPipeline {
 public:
  using Callback = std::function<void(Status, Reply)>;

  // `connector` and every Script passed to SubmitEval must outlive this.
  AsyncPipeline(const Connector& connector, std::size_t max_batch = 1024);
  ~AsyncPipeline();
  AsyncPipeline(const AsyncPipeline&) = delete;
  AsyncPipeline& operator=(const AsyncPipeline&) = delete;

  void Submit(Args args, Callback done);
  void SubmitEval(const Script& script, Args keys, Args argv, Callback done);

  // Runs what is queued, then stops the thread. Later submissions fail.
  void Stop();

 private:
  struct Request {
    const Script* script = nullptr;  // set: EVALSHA script keys argv
    Args args;                       // the command, or the script's keys
    Args argv;                       // the script's arguments
    Callback done;
  };

  void Enqueue(Request r);
  void Loop();
  void RunBatch(std::deque<Request>& batch);

  Client client_;
  const std::size_t max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spamphibian::redis
