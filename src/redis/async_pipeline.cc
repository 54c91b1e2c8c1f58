#include "redis/async_pipeline.h"

namespace spamphibian::redis {

AsyncPipeline::AsyncPipeline(const Connector& connector, std::size_t max_batch)
    : client_(connector), max_batch_(max_batch), thread_([this] { Loop(); }) {}

AsyncPipeline::~AsyncPipeline() { Stop(); }

void AsyncPipeline::Submit(Args args, Callback done) {
  Request r;
  r.args = std::move(args);
  r.done = std::move(done);
  Enqueue(std::move(r));
}

void AsyncPipeline::SubmitEval(const Script& script, Args keys, Args argv, Callback done) {
  Request r;
  r.script = &script;
  r.args = std::move(keys);
  r.argv = std::move(argv);
  r.done = std::move(done);
  Enqueue(std::move(r));
}

void AsyncPipeline::Enqueue(Request r) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(r));
      cv_.notify_one();
      return;
    }
  }
  r.done(Status::Unavailable("redis pipeline is stopping"), Reply());
}

void AsyncPipeline::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void AsyncPipeline::Loop() {
  std::deque<Request> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is done
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

void AsyncPipeline::RunBatch(std::deque<Request>& batch) {
  // Scripts must be known to Redis before EVALSHA can be pipelined.
  Status s = Status::Ok();
  for (const Request& r : batch) {
    if (r.script != nullptr && s.ok()) s = client_.Load(*r.script);
  }
  std::vector<Args> commands;
  std::vector<Reply> replies;
  if (s.ok()) {
    commands.reserve(batch.size());
    for (const Request& r : batch) {
      commands.push_back(r.script != nullptr ? Client::EvalArgs(*r.script, r.args, r.argv) : r.args);
    }
    s = client_.RunPipeline(commands, &replies);
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Request& r = batch[i];
    if (!s.ok()) {
      r.done(s, Reply());
      continue;
    }
    Reply reply = std::move(replies[i]);
    if (IsError(reply.get())) {
      const std::string text(ReplyText(reply.get()));
      if (r.script != nullptr && text.starts_with("NOSCRIPT")) {
        // Redis restarted between Load and EVALSHA: run this one directly.
        r.script->set_sha("");
        Reply again;
        Status es = client_.Eval(*r.script, r.args, r.argv, &again);
        r.done(es, std::move(again));
        continue;
      }
      r.done(Status::Internal("redis: " + text), std::move(reply));
      continue;
    }
    r.done(Status::Ok(), std::move(reply));
  }
}

}  // namespace spamphibian::redis
