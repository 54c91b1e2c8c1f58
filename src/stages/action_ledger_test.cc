// RedisActionLedger against a real redis-server.
#include "stages/action_ledger.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "redis_server.h"

namespace spamphibian {
namespace {

class ActionLedgerTest : public ::testing::Test {
 protected:
  testing::RedisServer server_;
  redis::Connector connector_{server_.Options()};
  RedisActionLedger ledger_{connector_, "p:"};
  std::unique_ptr<testing::RedisServer::TestClient> client_ = server_.Client();
};

TEST_F(ActionLedgerTest, RemembersActionsAndIndexesThemByItem) {
  nlohmann::json record;
  bool found = true;
  ASSERT_TRUE(ledger_.Recall("act-1-0-quarantine", &record, &found).ok());
  EXPECT_FALSE(found);
  ASSERT_TRUE(ledger_.Remember("act-1-0-quarantine", "user:41", {{"status", "taken"}}).ok());
  ASSERT_TRUE(ledger_.Remember("act-1-0-ban_user", "user:41", {{"status", "taken"}}).ok());
  ASSERT_TRUE(ledger_.Recall("act-1-0-quarantine", &record, &found).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(record["status"], "taken");
  std::vector<std::string> ids;
  ASSERT_TRUE(ledger_.ActionsOf("user:41", &ids).ok());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"act-1-0-ban_user", "act-1-0-quarantine"}));
  EXPECT_GT(client_->Integer({"TTL", "p:action:act-1-0-quarantine"}), 80LL * 24 * 3600) << "kept about 90 days";
}

TEST_F(ActionLedgerTest, ReservationsAndTheirCapSlotsAreAllOrNone) {
  std::vector<nlohmann::json> found;
  bool granted = false;
  ASSERT_TRUE(ledger_.Reserve({"a-1", "a-2"}, "user:41", "w1", 5000, 3, "", &found, &granted).ok());
  EXPECT_TRUE(granted);
  EXPECT_TRUE(found.at(0).is_null() && found.at(1).is_null()) << "both reserved for w1";
  ASSERT_TRUE(ledger_.Reserve({"b-1", "b-2"}, "user:42", "w1", 5000, 3, "", &found, &granted).ok());
  EXPECT_FALSE(granted) << "2 more would make 4 of 3: none reserved";
  EXPECT_EQ(client_->Integer({"EXISTS", "p:action:b-1"}), 0);
  ASSERT_TRUE(ledger_.Reserve({"b-1"}, "user:42", "w1", 5000, 3, "", &found, &granted).ok());
  EXPECT_TRUE(granted) << "the refused request took nothing";
  // Already reserved: found, no slot taken, not reserved again.
  ASSERT_TRUE(ledger_.Reserve({"a-1"}, "user:41", "w2", 9000, 3, "", &found, &granted).ok());
  EXPECT_TRUE(granted);
  EXPECT_EQ(found.at(0)["owner"], "w1");
  EXPECT_EQ(found.at(0)["lease_until_ms"], 5000);
  std::vector<std::string> ids;
  ASSERT_TRUE(ledger_.ActionsOf("user:41", &ids).ok());
  EXPECT_EQ(ids.size(), 2u) << "indexed at reservation: restore --item finds them whatever happens next";
}

// The batch's archive object is noted with the reservation (one round trip
// fewer): for the new reservations only, and dropped with a reservation
// released unsent.
TEST_F(ActionLedgerTest, AReservationNotesTheArchiveOfItsNewActionsAndReleaseUnsentDropsTheNote) {
  std::vector<nlohmann::json> found;
  bool granted = false;
  ASSERT_TRUE(ledger_.Reserve({"a-1"}, "user:41", "w1", 99999999999999, 0, "actions/old.jsonl.gz", &found, &granted).ok());
  ASSERT_TRUE(ledger_.Reserve({"a-1", "a-2", "a-3"}, "user:41", "w2", 99999999999999, 0, "actions/new.jsonl.gz", &found,
                              &granted)
                  .ok());
  ASSERT_TRUE(granted);
  EXPECT_FALSE(found.at(0).is_null()) << "w1's";
  std::string key;
  ASSERT_TRUE(ledger_.ArchiveOf("a-1", &key).ok());
  EXPECT_EQ(key, "actions/old.jsonl.gz") << "an action reserved before keeps its note";
  ASSERT_TRUE(ledger_.ArchiveOf("a-2", &key).ok());
  EXPECT_EQ(key, "actions/new.jsonl.gz");
  EXPECT_GT(client_->Integer({"TTL", "p:action_archive:a-2"}), 80LL * 24 * 3600) << "kept as long as the record";
  // A binary from before these notes trusts a note without looking for its
  // object: such a reservation has a state it never takes over.
  nlohmann::json record;
  bool there = false;
  ASSERT_TRUE(ledger_.Recall("a-2", &record, &there).ok());
  EXPECT_EQ(record["state"], "reserved-noted");
  ASSERT_TRUE(ledger_.Recall("a-1", &record, &there).ok());
  EXPECT_EQ(record["state"], "reserved-noted");
  ASSERT_TRUE(ledger_.Release("a-2", "user:41", "w2", false).ok());
  ASSERT_TRUE(ledger_.ArchiveOf("a-2", &key).ok());
  EXPECT_EQ(key, "") << "nothing sent: no archive to point to";
  ASSERT_TRUE(ledger_.Release("a-3", "user:41", "w2", true).ok());
  ASSERT_TRUE(ledger_.ArchiveOf("a-3", &key).ok());
  EXPECT_EQ(key, "actions/new.jsonl.gz") << "maybe sent: the note stays for restore";
  ASSERT_TRUE(ledger_.Reserve({"b-1"}, "user:42", "w1", 99999999999999, 0, "", &found, &granted).ok());
  EXPECT_EQ(client_->Integer({"EXISTS", "p:action_archive:b-1"}), 0) << "no archive given: no note";
  ASSERT_TRUE(ledger_.Recall("b-1", &record, &there).ok());
  EXPECT_EQ(record["state"], "reserved");

  // Taken over once its lease is over: a plain reservation, whose archive is
  // noted only once written.
  ASSERT_TRUE(ledger_.Reserve({"c-1"}, "user:43", "w1", 1000, 0, "actions/c.jsonl.gz", &found, &granted).ok());
  bool ok = false;
  ASSERT_TRUE(ledger_.TakeOver("c-1", "w1", 1000, "w2", 9000, &ok).ok());
  EXPECT_TRUE(ok);
  ASSERT_TRUE(ledger_.Recall("c-1", &record, &there).ok());
  EXPECT_EQ(record["state"], "reserved");
  EXPECT_EQ(record["owner"], "w2");
}

TEST_F(ActionLedgerTest, OnlyAnExpiredReservationAsSeenCanBeTakenOver) {
  std::vector<nlohmann::json> found;
  bool granted = false, ok = false;
  ASSERT_TRUE(ledger_.Reserve({"a-1"}, "user:41", "w1", 1000, 0, "", &found, &granted).ok());
  ASSERT_TRUE(ledger_.TakeOver("a-1", "w1", 999, "w2", 9000, &ok).ok());
  EXPECT_FALSE(ok) << "not the reservation seen";
  ASSERT_TRUE(ledger_.TakeOver("a-1", "w1", 1000, "w2", 9000, &ok).ok());
  EXPECT_TRUE(ok);
  ASSERT_TRUE(ledger_.TakeOver("a-1", "w1", 1000, "w3", 9000, &ok).ok());
  EXPECT_FALSE(ok) << "two resumers: one wins";
  nlohmann::json record;
  bool there = false;
  ASSERT_TRUE(ledger_.Recall("a-1", &record, &there).ok());
  EXPECT_EQ(record["owner"], "w2");
}

TEST_F(ActionLedgerTest, ReleaseDropsOrEndsTheLeaseOfTheOwnersReservationOnly) {
  std::vector<nlohmann::json> found;
  bool granted = false;
  ASSERT_TRUE(ledger_.Reserve({"a-1", "a-2"}, "user:41", "w1", 99999999999999, 0, "", &found, &granted).ok());
  ASSERT_TRUE(ledger_.Release("a-1", "user:41", "someone-else", false).ok());
  EXPECT_EQ(client_->Integer({"EXISTS", "p:action:a-1"}), 1) << "not theirs to release";
  ASSERT_TRUE(ledger_.Release("a-1", "user:41", "w1", false).ok());
  EXPECT_EQ(client_->Integer({"EXISTS", "p:action:a-1"}), 0) << "nothing was sent: gone";
  ASSERT_TRUE(ledger_.Release("a-2", "user:41", "w1", true).ok());
  nlohmann::json record;
  bool there = false;
  ASSERT_TRUE(ledger_.Recall("a-2", &record, &there).ok());
  EXPECT_EQ(record["lease_until_ms"], 0) << "maybe sent: kept, lease over, so the next one reconciles first";
  std::vector<std::string> ids;
  ASSERT_TRUE(ledger_.ActionsOf("user:41", &ids).ok());
  EXPECT_EQ(ids, std::vector<std::string>{"a-2"});
}

TEST_F(ActionLedgerTest, VerifiedUsersComeFromTheSetTheJobBuilds) {
  client_->Run({"SADD", "p:verified_users", "alice@ethz.ch"});
  bool verified = false;
  ASSERT_TRUE(ledger_.IsVerified("alice@ethz.ch", &verified).ok());
  EXPECT_TRUE(verified);
  ASSERT_TRUE(ledger_.IsVerified("bot@spam.example", &verified).ok());
  EXPECT_FALSE(verified);
  ASSERT_TRUE(ledger_.IsVerified("", &verified).ok());
  EXPECT_FALSE(verified);
}

TEST_F(ActionLedgerTest, RedisDownIsAnError) {
  server_.Stop();
  nlohmann::json record;
  bool found = false, granted = true;
  std::vector<nlohmann::json> reserved;
  EXPECT_FALSE(ledger_.Recall("x", &record, &found).ok());
  EXPECT_FALSE(ledger_.Reserve({"x"}, "user:1", "w", 1, 30, "", &reserved, &granted).ok());
  EXPECT_FALSE(granted) << "no reservation without Redis";
}


TEST_F(ActionLedgerTest, RemembersABatchOfRecordsAtOnce) {
  ASSERT_TRUE(ledger_.RememberAll({{"act-1-0-block_user", "user:41", {{"status", "taken"}}},
                                   {"act-2-0-block_user", "user:42", {{"status", "gone"}}}})
                  .ok());
  nlohmann::json record;
  bool found = false;
  ASSERT_TRUE(ledger_.Recall("act-2-0-block_user", &record, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(record["status"], "gone");
  std::vector<std::string> ids;
  ASSERT_TRUE(ledger_.ActionsOf("user:41", &ids).ok());
  EXPECT_EQ(ids, std::vector<std::string>{"act-1-0-block_user"});
  EXPECT_TRUE(ledger_.RememberAll({}).ok());
}

TEST_F(ActionLedgerTest, KeepsWhichArchiveObjectHoldsEachAction) {
  std::string key = "stale";
  ASSERT_TRUE(ledger_.ArchiveOf("act-1-0-block_user", &key).ok());
  EXPECT_EQ(key, "") << "never noted: an archive from before batching, or none";
  ASSERT_TRUE(ledger_.NoteArchive({"act-1-0-block_user", "act-2-0-block_user"}, "actions/2026-12-07/act-1-0-block_user-2.jsonl.gz").ok());
  ASSERT_TRUE(ledger_.ArchiveOf("act-2-0-block_user", &key).ok());
  EXPECT_EQ(key, "actions/2026-12-07/act-1-0-block_user-2.jsonl.gz");
  EXPECT_GT(client_->Integer({"TTL", "p:action_archive:act-1-0-block_user"}), 80LL * 24 * 3600) << "kept as long as the records";
  EXPECT_TRUE(ledger_.NoteArchive({}, "x").ok());
}

}  // namespace
}  // namespace spamphibian
