// The model registry over an in-memory object store: candidates are stored
// once, promotion writes the manifest the refresher follows (and keeps the
// history, the bundled model first), rollback walks it back, shadowing is
// one manifest, and the current model cannot be retired.
#include "registry/model_registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "classify/s3_model_source.h"
#include "memory_object_store.h"
#include "security/crypto.h"

namespace spamphibian::registry {
namespace {

class ModelRegistryTest : public ::testing::Test {
 protected:
  std::string File(const std::string& name, const std::string& bytes) {
    const std::string path = (std::filesystem::temp_directory_path() / ("registry-test-" + name)).string();
    std::ofstream(path, std::ios::binary) << bytes;
    files_.push_back(path);
    return path;
  }
  ~ModelRegistryTest() override {
    for (const auto& f : files_) std::filesystem::remove(f);
  }
  std::string Add(const std::string& bytes) {
    ModelRecord r;
    EXPECT_TRUE(registry_.Add(File(bytes, bytes), {{"data", {{"labels", 3}}}}, "ann", &r).ok());
    return r.version;
  }
  std::string State(const std::string& version) {
    ModelRecord r;
    EXPECT_TRUE(registry_.Find(version, &r).ok());
    return r.state;
  }
  testing::MemoryObjectStore store_;
  ModelRegistry registry_{store_};
  std::vector<std::string> files_;
};

TEST_F(ModelRegistryTest, ACandidateIsStoredOnceWithItsCard) {
  const std::string v = Add("model-one");
  EXPECT_EQ(v, security::Sha256Hex("model-one").substr(0, 12));
  ModelRecord r;
  ASSERT_TRUE(registry_.Find(v, &r).ok());
  EXPECT_EQ(r.state, "candidate");
  EXPECT_EQ(r.key, "models/candidates/" + v + "/model.spam");
  EXPECT_EQ(store_.objects[r.key], "model-one");
  EXPECT_EQ(r.card["data"]["labels"], 3);
  EXPECT_EQ(r.sha256, security::Sha256Hex("model-one"));
  ASSERT_TRUE(registry_.Retire(v, "worse", "job").ok());
  EXPECT_EQ(Add("model-one"), v) << "the same bytes are the same version";
  EXPECT_EQ(State(v), "retired") << "registering it again leaves its state alone";
  EXPECT_TRUE(registry_.Find("0123456789ab", &r).IsNotFound());
  EXPECT_TRUE(registry_.Find("../etc", &r).IsInvalidArgument());
}

TEST_F(ModelRegistryTest, PromoteWritesTheManifestTheRefresherFollowsAndRollbackWalksBack) {
  const std::string bundled = File("bundled", "bundled-model");
  const std::string a = Add("model-a"), b = Add("model-b");
  ASSERT_TRUE(registry_.Shadow(a, "ann").ok());
  EXPECT_EQ(State(a), "shadow");
  ASSERT_TRUE(registry_.Promote(a, "ann", bundled).ok());
  EXPECT_EQ(State(a), "current");
  std::string shadowed = "x";
  ASSERT_TRUE(registry_.ShadowVersion(&shadowed).ok());
  EXPECT_EQ(shadowed, "") << "promoting the shadowed model ends the shadow";

  // The refresher reads the manifest and gets exactly the promoted bytes.
  classify::S3ModelSource source(store_, "models/current.json",
                                 (std::filesystem::temp_directory_path() / "registry-test-cache").string());
  classify::ModelFile file;
  bool changed = false;
  ASSERT_TRUE(source.Fetch("", &file, &changed).ok());
  EXPECT_TRUE(changed);
  EXPECT_EQ(file.version, a);

  ASSERT_TRUE(registry_.Promote(b, "bob", bundled).ok());
  EXPECT_EQ(State(a), "retired");
  std::string to;
  ASSERT_TRUE(registry_.Rollback("carl", &to).ok());
  EXPECT_EQ(to, a);
  EXPECT_EQ(State(b), "retired");
  ASSERT_TRUE(registry_.Rollback("carl", &to).ok());
  EXPECT_EQ(to, security::Sha256Hex("bundled-model").substr(0, 12)) << "before the first promotion: the bundled model";
  EXPECT_TRUE(registry_.Rollback("carl", &to).IsInvalidArgument()) << "nothing before the bundled model";
  std::vector<ModelRecord> all;
  ASSERT_TRUE(registry_.List(&all).ok());
  EXPECT_EQ(all.size(), 3u);
}

TEST_F(ModelRegistryTest, ShadowAndRetireRefuseWhatMakesNoSense) {
  const std::string bundled = File("bundled2", "bundled-model-2");
  const std::string a = Add("model-c"), b = Add("model-d");
  ASSERT_TRUE(registry_.Promote(a, "ann", bundled).ok());
  EXPECT_TRUE(registry_.Shadow(a, "ann").IsInvalidArgument()) << "the current model beside itself";
  EXPECT_TRUE(registry_.Retire(a, "no", "ann").IsInvalidArgument()) << "the current model cannot be retired";
  ASSERT_TRUE(registry_.Shadow(b, "ann").ok());
  ASSERT_TRUE(registry_.Retire(b, "worse on the evaluation set", "job").ok());
  std::string shadowed = "x";
  ASSERT_TRUE(registry_.ShadowVersion(&shadowed).ok());
  EXPECT_EQ(shadowed, "") << "retiring the shadowed model ends the shadow";
  ModelRecord r;
  ASSERT_TRUE(registry_.Find(b, &r).ok());
  EXPECT_EQ(r.reason, "worse on the evaluation set");
  EXPECT_TRUE(registry_.Shadow(b, "ann").IsInvalidArgument()) << "a retired model is not shadowed";
  store_.down = true;
  EXPECT_TRUE(registry_.Promote(b, "ann", bundled).IsUnavailable());
}

}  // namespace
}  // namespace spamphibian::registry
