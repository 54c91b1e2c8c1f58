// ActionLedger: the act stage's memory, shared by every process: which
// actions were already carried out (idempotency: a decision is never acted
// on twice), how many destructive actions this minute (the cap), which
// actions touched an item (for `restore --item`), and the verified users.
// RedisActionLedger is the real one.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/status.h"
#include "redis/client.h"
#include "redis/script.h"

namespace spamphibian {

class ActionLedger {
 public:
  virtual ~ActionLedger() = default;
  // The record of an action already carried out; *found false if none.
  virtual Status Recall(const std::string& action_id, nlohmann::json* record, bool* found) = 0;
  // Stores it, and indexes it under its item ("<type>:<id>").
  virtual Status Remember(const std::string& action_id, const std::string& item_key, const nlohmann::json& record) = 0;
  virtual Status ActionsOf(const std::string& item_key, std::vector<std::string>* action_ids) = 0;
  // Takes `n` of this minute's `per_minute` destructive slots, all or none.
  virtual Status TakeDestructiveSlots(int n, int per_minute, bool* granted) = 0;
  virtual Status IsVerified(const std::string& email, bool* verified) = 0;
};

// Keys: <prefix>action:<id> (JSON, kept 90 days), <prefix>actions:<item>
// (set of ids), <prefix>act:destructive:<minute>, <prefix>verified_users.
// Not thread-safe: one per worker.
class RedisActionLedger : public ActionLedger {
 public:
  RedisActionLedger(const redis::Connector& connector, std::string prefix);

  Status Recall(const std::string& action_id, nlohmann::json* record, bool* found) override;
  Status Remember(const std::string& action_id, const std::string& item_key, const nlohmann::json& record) override;
  Status ActionsOf(const std::string& item_key, std::vector<std::string>* action_ids) override;
  Status TakeDestructiveSlots(int n, int per_minute, bool* granted) override;
  Status IsVerified(const std::string& email, bool* verified) override;

 private:
  redis::Client client_;
  const std::string prefix_;
  redis::Script take_slots_;
};

}  // namespace spamphibian
