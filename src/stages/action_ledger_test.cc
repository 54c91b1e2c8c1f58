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

TEST_F(ActionLedgerTest, DestructiveSlotsAreAllOrNone) {
  bool granted = false;
  ASSERT_TRUE(ledger_.TakeDestructiveSlots(2, 3, &granted).ok());
  EXPECT_TRUE(granted);
  ASSERT_TRUE(ledger_.TakeDestructiveSlots(2, 3, &granted).ok());
  EXPECT_FALSE(granted) << "2 more would make 4 of 3: none taken";
  ASSERT_TRUE(ledger_.TakeDestructiveSlots(1, 3, &granted).ok());
  EXPECT_TRUE(granted) << "the refused request took nothing";
  ASSERT_TRUE(ledger_.TakeDestructiveSlots(1, 3, &granted).ok());
  EXPECT_FALSE(granted);
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
  EXPECT_FALSE(ledger_.Recall("x", &record, &found).ok());
  EXPECT_FALSE(ledger_.TakeDestructiveSlots(1, 30, &granted).ok());
  EXPECT_FALSE(granted) << "no slot without Redis";
}

}  // namespace
}  // namespace spamphibian
