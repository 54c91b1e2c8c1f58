// RedisSnippetLedger: SnippetLedger in a Redis hash (<prefix>snippets:seen,
// snippet id -> updated_at). Not thread-safe: one per fetch worker.
#pragma once

#include "redis/client.h"
#include "stages/fetch_stage.h"

namespace spamphibian {

class RedisSnippetLedger : public SnippetLedger {
 public:
  RedisSnippetLedger(const redis::Connector& connector, std::string key) : client_(connector), key_(std::move(key)) {}

  // When Redis cannot answer, a snippet counts as new: checking it twice
  // is better than never.
  bool IsNewOrChanged(std::int64_t id, const std::string& updated_at) override {
    redis::Reply r;
    if (!client_.Run({"HGET", key_, std::to_string(id)}, &r).ok()) return true;
    return redis::ReplyText(r.get()) != updated_at;
  }

  void Remember(const std::vector<std::pair<std::int64_t, std::string>>& seen) override {
    redis::Args args = {"HSET", key_};
    for (const auto& [id, updated_at] : seen) {
      args.push_back(std::to_string(id));
      args.push_back(updated_at);
    }
    (void)client_.Run(args);
  }

 private:
  redis::Client client_;
  std::string key_;
};

}  // namespace spamphibian
