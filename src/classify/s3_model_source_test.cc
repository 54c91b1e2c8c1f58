#include "classify/s3_model_source.h"
#include "security/crypto.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_process.h"
#include "memory_object_store.h"
#include "storage/s3_object_store.h"
#include "tiny_model.h"

namespace spamphibian::classify {
namespace {

class S3ModelSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TrainTinyModel(dir_.path() + "/m.bin");
    model_ = testing::ReadBytes(dir_.path() + "/m.bin");
    ASSERT_GT(model_.size(), 1000u);
  }
  testing::TempDir dir_;
  std::string model_;
  testing::MemoryObjectStore store_;
  S3ModelSource source_{store_, "models/current.json", dir_.path() + "/cache"};
};

TEST_F(S3ModelSourceTest, ManifestModelIsDownloadedVerifiedAndCached) {
  store_.objects["models/spam-1.ftz"] = model_;
  store_.objects["models/current.json"] = ModelManifest("models/spam-1.ftz", model_);
  ModelFile f;
  bool changed = false;
  ASSERT_TRUE(source_.Fetch("", &f, &changed).ok());
  EXPECT_TRUE(changed);
  EXPECT_EQ(f.sha256, security::Sha256Hex(model_));
  EXPECT_EQ(f.version, f.sha256.substr(0, 12));
  EXPECT_EQ(testing::ReadBytes(f.path), model_);
  EXPECT_EQ(f.path.rfind(dir_.path() + "/cache/", 0), 0u);

  // Asked again with that version: nothing is downloaded.
  const int gets = store_.gets;
  ASSERT_TRUE(source_.Fetch(f.version, &f, &changed).ok());
  EXPECT_FALSE(changed);
  EXPECT_EQ(store_.gets, gets) << "an unchanged key costs a HEAD only";
}

TEST_F(S3ModelSourceTest, ANewManifestIsANewVersion) {
  store_.objects["models/spam-1.ftz"] = model_;
  store_.objects["models/current.json"] = ModelManifest("models/spam-1.ftz", model_);
  ModelFile first, second;
  bool changed = false;
  ASSERT_TRUE(source_.Fetch("", &first, &changed).ok());
  testing::TrainTinyModel(dir_.path() + "/m2.bin", /*inverted=*/true);
  const std::string v2 = testing::ReadBytes(dir_.path() + "/m2.bin");
  store_.objects["models/spam-2.ftz"] = v2;
  store_.objects["models/current.json"] = ModelManifest("models/spam-2.ftz", v2);
  ASSERT_TRUE(source_.Fetch(first.version, &second, &changed).ok());
  EXPECT_TRUE(changed);
  EXPECT_NE(second.version, first.version);
  EXPECT_EQ(testing::ReadBytes(second.path), v2);
}

TEST_F(S3ModelSourceTest, SizeOrChecksumMismatchIsRefused) {
  store_.objects["models/spam-1.ftz"] = model_;
  nlohmann::json m = nlohmann::json::parse(ModelManifest("models/spam-1.ftz", model_));
  m["size"] = model_.size() - 1;
  store_.objects["models/current.json"] = m.dump();
  ModelFile f;
  bool changed = false;
  Status s = source_.Fetch("", &f, &changed);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("expected"), std::string::npos);

  m = nlohmann::json::parse(ModelManifest("models/spam-1.ftz", model_));
  std::string tampered = model_;
  tampered[tampered.size() / 2] ^= 1;
  store_.objects["models/spam-1.ftz"] = tampered;
  store_.objects["models/current.json"] = m.dump();
  s = source_.Fetch("", &f, &changed);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("does not match"), std::string::npos) << s.ToString();
}

TEST_F(S3ModelSourceTest, TheKeyMayBeTheModelItself) {
  S3ModelSource direct(store_, "models/hand-made.ftz", dir_.path() + "/cache");
  store_.objects["models/hand-made.ftz"] = model_;
  ModelFile f;
  bool changed = false;
  ASSERT_TRUE(direct.Fetch("", &f, &changed).ok());
  EXPECT_TRUE(changed);
  EXPECT_EQ(testing::ReadBytes(f.path), model_);
  const int gets = store_.gets;
  ASSERT_TRUE(direct.Fetch(f.version, &f, &changed).ok());
  EXPECT_FALSE(changed);
  EXPECT_EQ(store_.gets, gets);
}

TEST_F(S3ModelSourceTest, BadManifestMissingKeyAndOutage) {
  store_.objects["models/current.json"] = R"({"key": "models/x.ftz"})";
  ModelFile f;
  bool changed = false;
  EXPECT_EQ(source_.Fetch("", &f, &changed).code(), Status::Code::kInvalidArgument);
  store_.objects.clear();
  EXPECT_TRUE(source_.Fetch("", &f, &changed).IsNotFound());
  store_.down = true;
  EXPECT_TRUE(source_.Fetch("", &f, &changed).IsUnavailable());
  EXPECT_FALSE(changed);
}

}  // namespace
}  // namespace spamphibian::classify
