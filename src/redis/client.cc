#include "redis/client.h"

namespace spamphibian::redis {

Status Client::Ensure() {
  if (conn_) return Status::Ok();
  const auto now = std::chrono::steady_clock::now();
  if (now < retry_after_) return Status::Unavailable("redis unreachable: " + last_error_);
  Status s = connector_.Connect(&conn_);
  if (!s.ok()) {
    conn_.reset();
    last_error_ = s.message();
    retry_after_ = now + connector_.options().reconnect_backoff;
  }
  return s;
}

Status Client::Fail(const std::string& what) {
  last_error_ = what;
  conn_.reset();
  return Status::Unavailable(what);
}

Status Client::Run(const Args& args, Reply* reply) {
  // A connection that sat idle while Redis restarted fails on its first
  // use ("Server closed the connection"): once, on a new connection. Every
  // command we send is safe to repeat (idempotent, or a script that checks
  // what it already did).
  const bool reused = conn_ != nullptr;
  Status s = Ensure();
  if (!s.ok()) return s;
  Reply r = conn_->Run(args);
  if (!r && reused) {
    conn_.reset();
    if (Status again = Ensure(); again.ok()) r = conn_->Run(args);
    if (!conn_) return Status::Unavailable("redis unreachable: " + last_error_);
  }
  if (!r) return Fail("redis " + args[0] + ": " + conn_->error());
  if (IsError(r.get())) {
    const std::string_view text = ReplyText(r.get());
    if (MeansReconnect(text)) return Fail("redis " + args[0] + ": " + std::string(text));
    return Status::Internal("redis " + args[0] + ": " + std::string(text));
  }
  if (reply != nullptr) *reply = std::move(r);
  return Status::Ok();
}

Status Client::RunPipelineChecked(const std::vector<Args>& commands) {
  std::vector<Reply> replies;
  if (Status s = RunPipeline(commands, &replies); !s.ok()) return s;
  for (const auto& r : replies) {
    if (r && r->type == REDIS_REPLY_ERROR) return Status::Unavailable(std::string(ReplyText(r.get())));
  }
  return Status::Ok();
}

Status Client::RunPipeline(const std::vector<Args>& commands, std::vector<Reply>* replies) {
  replies->clear();
  // As in Run: a stale connection gets one more try on a new one before the
  // first reply is read.
  const bool reused = conn_ != nullptr;
  Status s = Ensure();
  if (!s.ok()) return s;
  for (const Args& args : commands) conn_->Append(args);
  if (reused && !commands.empty()) {
    Reply first = conn_->Read();
    if (!first) {
      conn_.reset();
      if (Status again = Ensure(); !again.ok()) return again;
      for (const Args& args : commands) conn_->Append(args);
      first = conn_->Read();
      if (!first) return Fail("redis pipeline: " + conn_->error());
    }
    if (IsError(first.get()) && MeansReconnect(ReplyText(first.get()))) {
      replies->clear();
      return Fail("redis pipeline: " + std::string(ReplyText(first.get())));
    }
    replies->push_back(std::move(first));
  }
  for (std::size_t i = replies->size(); i < commands.size(); ++i) {
    Reply r = conn_->Read();
    if (!r) {
      replies->clear();
      return Fail("redis pipeline: " + conn_->error());
    }
    if (IsError(r.get()) && MeansReconnect(ReplyText(r.get()))) {
      // Read the rest so nothing is left half-done on our side, then drop.
      replies->clear();
      return Fail("redis pipeline: " + std::string(ReplyText(r.get())));
    }
    replies->push_back(std::move(r));
  }
  return Status::Ok();
}

Status Client::WaitForReplicas() {
  const RedisOptions& o = connector_.options();
  const int needed = o.RequiredReplicaAcks();
  if (needed == 0) return Status::Ok();
  if (!conn_) return Status::Unavailable("redis: the connection that wrote is gone: " + last_error_);
  Reply r = conn_->Run({"WAIT", std::to_string(needed), std::to_string(o.replica_ack_timeout.count())});
  if (!r) return Fail("redis WAIT: " + conn_->error());
  if (r->type == REDIS_REPLY_INTEGER && r->integer >= needed) return Status::Ok();
  const long long got = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
  return Fail("redis: " + std::to_string(got) + " of " + std::to_string(needed) + " replicas acknowledged within " +
              std::to_string(o.replica_ack_timeout.count()) + " ms");
}

Status Client::Load(const Script& script) {
  if (!script.sha().empty()) return Status::Ok();
  Reply r;
  Status s = Run({"SCRIPT", "LOAD", script.source()}, &r);
  if (s.ok()) script.set_sha(std::string(ReplyText(r.get())));
  return s;
}

Args Client::EvalArgs(const Script& script, const Args& keys, const Args& argv) {
  Args args;
  args.reserve(3 + keys.size() + argv.size());
  args.push_back("EVALSHA");
  args.push_back(script.sha());
  args.push_back(std::to_string(keys.size()));
  args.insert(args.end(), keys.begin(), keys.end());
  args.insert(args.end(), argv.begin(), argv.end());
  return args;
}

Status Client::Eval(const Script& script, const Args& keys, const Args& argv, Reply* reply) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    Status s = Load(script);
    if (!s.ok()) return s;
    s = Run(EvalArgs(script, keys, argv), reply);
    // A restarted Redis has forgotten the script: load it again, once.
    if (!s.ok() && s.message().find("NOSCRIPT") != std::string::npos) {
      script.set_sha("");
      continue;
    }
    return s;
  }
  return Status::Internal("redis: script could not be loaded");
}

}  // namespace spamphibian::redis
