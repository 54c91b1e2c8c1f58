// ActionLedger: the act stage's memory, shared by every process: which
// actions were already carried out (idempotency: a decision is never acted
// on twice), how many destructive actions this minute (the cap), which
// actions touched an item (for `restore --item`), and the verified users.
// RedisActionLedger is the real one.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
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
  struct Record {
    std::string action_id;
    std::string item_key;
    nlohmann::json record;
  };
  // Remember() for each of `records`; RedisActionLedger in one round trip.
  virtual Status RememberAll(const std::vector<Record>& records) {
    for (const Record& r : records) {
      if (Status s = Remember(r.action_id, r.item_key, r.record); !s.ok()) return s;
    }
    return Status::Ok();
  }
  virtual Status ActionsOf(const std::string& item_key, std::vector<std::string>* action_ids) = 0;
  // Also indexes `ids` under `key` (e.g. a purge, purge::LedgerKey), read
  // back with ActionsOf(key); kept as long as the records.
  virtual Status Index(const std::string& key, const std::vector<std::string>& ids) = 0;
  virtual Status IsVerified(const std::string& email, bool* verified) = 0;
  // Which archive object holds each action of `ids` (stages/action_archive.h),
  // recorded before any of their calls is sent; kept as long as the records.
  // (A reservation notes it too: see Reserve.)
  virtual Status NoteArchive(const std::vector<std::string>& ids, const std::string& object_key) = 0;
  // The object holding `action_id`'s archive; "" when none was noted (an
  // action archived before batching, or never archived). A noted object
  // may not have been written: see Reserve.
  virtual Status ArchiveOf(const std::string& action_id, std::string* object_key) = 0;

  // Reserves each action of `ids` that has no record yet, before anything is
  // sent, in one atomic step: a reservation {state: "reserved", owner,
  // lease_until_ms} (kept like a record and indexed under `item_key`, so
  // `restore --item` finds it whatever happens next) and, when
  // `per_minute` > 0, one of this minute's destructive slots for each new
  // reservation, all or none (*granted false: nothing reserved).
  // (*found)[i] is null when ids[i] is now reserved for the caller, else the
  // record that was there (a result, or someone's reservation).
  // With an `archive` object key, each new reservation also notes it as
  // the action's archive (NoteArchive) in the same step: one round trip
  // (and replica wait) fewer per batch. The object is written after the
  // reservation and before any call is sent; an owner that dies in between
  // leaves a note of an object that is not there, which whoever takes the
  // action over checks (ArchiveOf). Such a reservation's state is
  // "reserved-noted", which a binary from before these notes (it trusts a
  // note without looking) never takes over.
  virtual Status Reserve(const std::vector<std::string>& ids, const std::string& item_key, const std::string& owner,
                         std::int64_t lease_until_ms, int per_minute, const std::string& archive,
                         std::vector<nlohmann::json>* found, bool* granted) = 0;
  // Takes over a reservation whose lease ran out, if it is still the one
  // seen (`seen_owner`, `seen_lease_until_ms`); *ok false otherwise.
  virtual Status TakeOver(const std::string& id, const std::string& seen_owner, std::int64_t seen_lease_until_ms,
                          const std::string& owner, std::int64_t lease_until_ms, bool* ok) = 0;
  // Ends the caller's reservation. Nothing sent: removed, with its archive
  // note. Maybe sent (a
  // call failed or timed out): its lease ends now, so that whoever resumes
  // it reconciles with GitLab before sending anything.
  virtual Status Release(const std::string& id, const std::string& item_key, const std::string& owner, bool maybe_sent) = 0;
};

// Keys: <prefix>action:<id> (JSON, kept 90 days), <prefix>actions:<item>
// (set of ids), <prefix>action_archive:<id> (the archive object's key), <prefix>act:destructive:<minute>, <prefix>verified_users.
// Not thread-safe: one per worker.
class RedisActionLedger : public ActionLedger {
 public:
  RedisActionLedger(const redis::Connector& connector, std::string prefix);

  Status Recall(const std::string& action_id, nlohmann::json* record, bool* found) override;
  Status Remember(const std::string& action_id, const std::string& item_key, const nlohmann::json& record) override;
  Status RememberAll(const std::vector<Record>& records) override;
  Status ActionsOf(const std::string& item_key, std::vector<std::string>* action_ids) override;
  Status Index(const std::string& key, const std::vector<std::string>& ids) override;
  Status IsVerified(const std::string& email, bool* verified) override;
  Status NoteArchive(const std::vector<std::string>& ids, const std::string& object_key) override;
  Status ArchiveOf(const std::string& action_id, std::string* object_key) override;
  Status Reserve(const std::vector<std::string>& ids, const std::string& item_key, const std::string& owner,
                 std::int64_t lease_until_ms, int per_minute, const std::string& archive,
                 std::vector<nlohmann::json>* found, bool* granted) override;
  Status TakeOver(const std::string& id, const std::string& seen_owner, std::int64_t seen_lease_until_ms,
                  const std::string& owner, std::int64_t lease_until_ms, bool* ok) override;
  Status Release(const std::string& id, const std::string& item_key, const std::string& owner, bool maybe_sent) override;

  // The records of every action on each item of `item_keys`, in two round
  // trips whatever their number (the review page lists fifty at a time).
  Status RecordsOf(const std::vector<std::string>& item_keys, std::vector<std::vector<nlohmann::json>>* records);

 private:
  redis::Client client_;
  const std::string prefix_;
  redis::Script reserve_;
  redis::Script take_over_;
  redis::Script release_;
};

}  // namespace spamphibian
