// S3ObjectStore against a real S3-compatible server (s3rver).
#include "storage/s3_object_store.h"

#include <gtest/gtest.h>

#include "http/curl_client.h"
#include "s3rver_process.h"

namespace spamphibian::storage {
namespace {

class S3Test : public ::testing::Test {
 protected:
  S3Options Options(int max_keys = 1000) {
    S3Options o = s3_.Options();
    o.max_keys = max_keys;
    return o;
  }
  testing::S3rverProcess s3_;
  http::CurlHttpClient http_;
};

TEST_F(S3Test, PutGetHead) {
  S3ObjectStore store(Options(), http_);
  const std::string key = "evaluated/user/2026-11-25/41-trust 1.json";
  ASSERT_TRUE(store.Put(key, R"({"verdict":"spam"})", "application/json").ok());
  std::string data;
  ASSERT_TRUE(store.Get(key, &data).ok());
  EXPECT_EQ(data, R"({"verdict":"spam"})");
  ObjectInfo info;
  ASSERT_TRUE(store.Head(key, &info).ok());
  EXPECT_EQ(info.size, 18);
  EXPECT_EQ(info.etag.size(), 32u) << "an MD5 etag, quotes removed";
}

TEST_F(S3Test, MissingObjectIsNotFound) {
  S3ObjectStore store(Options(), http_);
  std::string data;
  EXPECT_TRUE(store.Get("no/such/key", &data).IsNotFound());
  ObjectInfo info;
  EXPECT_TRUE(store.Head("no/such/key", &info).IsNotFound());
}

TEST_F(S3Test, DeleteRemovesAndIsOkWhenAbsent) {
  S3ObjectStore store(Options(), http_);
  ASSERT_TRUE(store.Put("models/shadow.json", "{}", "application/json").ok());
  ASSERT_TRUE(store.Delete("models/shadow.json").ok());
  ObjectInfo info;
  EXPECT_TRUE(store.Head("models/shadow.json", &info).IsNotFound());
  EXPECT_TRUE(store.Delete("models/shadow.json").ok()) << "deleting what is not there is not an error";
}

TEST_F(S3Test, ListsEveryPage) {
  S3ObjectStore store(Options(/*max_keys=*/2), http_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store.Put("models/v" + std::to_string(i) + ".ftz", "m", "").ok());
  ASSERT_TRUE(store.Put("other/x", "o", "").ok());
  std::vector<ObjectInfo> objects;
  Status s = store.List("models/", &objects);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(objects.size(), 5u);
  EXPECT_EQ(objects[0].key, "models/v0.ftz");
  EXPECT_EQ(objects[4].key, "models/v4.ftz");
}

TEST_F(S3Test, ServerDownIsUnavailable) {
  S3ObjectStore store(Options(), http_);
  s3_.Stop();
  EXPECT_TRUE(store.Put("k", "v", "").IsUnavailable());
  s3_.Start();
  EXPECT_TRUE(store.Put("k", "v", "").ok());
}

}  // namespace
}  // namespace spamphibian::storage
