// Client: the one way our code talks to Redis. Wraps a Connection and
// replaces it after a failure, so callers see Unavailable while Redis is
// down and success again, by themselves, once it is back.
//
// Not thread-safe: each thread that talks to Redis owns its own Client (a
// stage worker, the event service's pipeline thread, the queue monitor).
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "redis/connection.h"
#include "redis/connector.h"
#include "redis/script.h"

namespace spamphibian::redis {

class Client {
 public:
  // `connector` must outlive the Client.
  explicit Client(const Connector& connector) : connector_(connector) {}

  // Runs one command. Unavailable: Redis could not be reached (the
  // connection is dropped and re-opened on a later call). Internal: Redis
  // answered with an error reply.
  Status Run(const Args& args, Reply* reply = nullptr);

  // Sends all commands in one round trip; (*replies)[i] answers commands[i].
  // An error reply to one command is in its reply (check with IsError); the
  // Status is Unavailable only when the connection failed.
  Status RunPipeline(const std::vector<Args>& commands, std::vector<Reply>* replies);
  // RunPipeline for writes whose answers matter only as errors: the first
  // error reply becomes Unavailable.
  Status RunPipelineChecked(const std::vector<Args>& commands);

  // Runs a Lua script with EVALSHA, loading it first if Redis does not have
  // it. Error replies from the script are Internal.
  Status Eval(const Script& script, const Args& keys, const Args& argv, Reply* reply);

  // Makes sure Redis has the script cached, so that EvalArgs() can be used
  // inside RunPipeline. Returns the same errors as Run.
  Status Load(const Script& script);
  // EVALSHA arguments for a loaded script.
  static Args EvalArgs(const Script& script, const Args& keys, const Args& argv);

  // Waits until redis.min_replicas_ack replicas hold every write this client
  // has sent (WAIT on the same connection): for writes that end in an
  // acknowledgement a failover must not undo (the act stage's ledger, a
  // reviewer's answer). Ok at once when no replica is required. Unavailable
  // when too few answer in time: the connection is dropped, so the next call
  // asks the sentinels who the master is now.
  Status WaitForReplicas();

  // Drops the connection; the next call reconnects. Used after a reply that
  // says the server is no longer the master (READONLY).
  void Reset() { conn_.reset(); }

 private:
  Status Ensure();
  Status Fail(const std::string& what);

  const Connector& connector_;
  std::unique_ptr<Connection> conn_;
  std::chrono::steady_clock::time_point retry_after_{};
  std::string last_error_;
};

}  // namespace spamphibian::redis
