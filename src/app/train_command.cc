#include "app/train_command.h"
#include "security/crypto.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/components.h"
#include "classify/s3_model_source.h"
#include "storage/s3_object_store.h"
#include "trust/account_signals.h"

namespace spamphibian {
namespace {

constexpr int kConfigError = 2;

// Every labelled example under `prefix`: .jsonl objects line by line, and
// .json objects holding one {"label", "item"} (as restore writes labels/).
Status DownloadExamples(storage::ObjectStore& store, const std::string& prefix, const std::string& path, long* objects) {
  std::vector<storage::ObjectInfo> listed;
  if (Status s = store.List(prefix, &listed); !s.ok()) return s;
  std::ofstream out(path);
  *objects = 0;
  for (const auto& info : listed) {
    const bool jsonl = info.key.ends_with(".jsonl");
    if (!jsonl && !info.key.ends_with(".json")) continue;
    std::string data;
    if (Status s = store.Get(info.key, &data); !s.ok()) return s;
    if (jsonl) {
      out << data;
      if (!data.empty() && data.back() != '\n') out << '\n';
    } else {
      const nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
      if (!j.is_object() || !j.contains("label") || !j.contains("item")) continue;  // e.g. an evaluated/ record
      out << j.dump() << '\n';
    }
    ++*objects;
  }
  if (*objects == 0) return Status::InvalidArgument("--data: no labelled .jsonl/.json objects under s3://" + prefix);
  return out ? Status::Ok() : Status::Internal("cannot write " + path);
}

Status Upload(storage::ObjectStore& store, const std::string& model_path, const std::string& manifest_key,
              nlohmann::json* uploaded) {
  std::ifstream in(model_path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string sha = security::Sha256Hex(bytes);
  // The model file's own extension: .spam (a bundle), .bin or .ftz.
  const std::string ext = model_path.ends_with(".bin") ? ".bin" : model_path.ends_with(".ftz") ? ".ftz" : ".spam";
  const std::string key = "models/spam-" + sha.substr(0, 12) + ext;
  // The model first, then the manifest that points at it: a service never
  // sees a manifest whose model is not there yet.
  if (Status s = store.Put(key, bytes, "application/octet-stream"); !s.ok()) return s;
  const std::string manifest = classify::ModelManifest(key, bytes);
  if (Status s = store.Put(manifest_key, manifest, "application/json"); !s.ok()) return s;
  *uploaded = {{"model_key", key}, {"manifest_key", manifest_key}, {"version", sha.substr(0, 12)}, {"sha256", sha}};
  return Status::Ok();
}

}  // namespace

int RunTrain(const Config& config, classify::TrainOptions options, bool upload) {
  const bool from_s3 = options.data.starts_with("s3://");
  if ((from_s3 || upload) && !config.s3.configured()) {
    std::cerr << "spamphibian train: " << (upload ? "--upload" : "--data s3://")
              << " needs S3_ENDPOINT and S3_BUCKET (and the S3 credentials)\n";
    return kConfigError;
  }
  std::unique_ptr<storage::ObjectStore> store;
  if (config.s3.configured()) store = storage::NewS3ObjectStore(S3StoreOptions(config));
  std::string downloaded;
  if (from_s3) {
    downloaded = options.out + ".data.jsonl";
    long objects = 0;
    if (Status s = DownloadExamples(*store, options.data.substr(5), downloaded, &objects); !s.ok()) {
      std::cerr << "spamphibian train: " << s.message() << "\n";
      return s.IsInvalidArgument() ? kConfigError : 1;
    }
    std::cerr << "spamphibian train: " << objects << " objects from " << options.data << "\n";
    options.data = downloaded;
  }
  std::shared_ptr<const TrustPolicy> policy;
  if (Status p = LoadTrustPolicy(config, &policy); !p.ok()) {
    std::cerr << "spamphibian train: " << p.message() << "\n";
    return kConfigError;
  }
  // API lines (e.g. --thresholds-from a hand-labelled set): the author's
  // signals as the trust stage computes them, when the item was made.
  options.account_signals = [policy](const gitlab::Item& item) {
    return AccountSignals(item.author, ItemTime(item, std::chrono::system_clock::now()), *policy);
  };
  classify::TrainReport report;
  Status s = classify::Train(options, &report);
  if (!downloaded.empty()) std::filesystem::remove(downloaded);
  if (!s.ok()) {
    std::cerr << "spamphibian train: " << s.message() << "\n";
    return s.IsInvalidArgument() ? kConfigError : 1;
  }
  nlohmann::json out = report.ToJson();
  if (upload) {
    const std::string manifest_key =
        config.classify.model_s3_key.empty() ? kDefaultModelManifest : config.classify.model_s3_key;
    nlohmann::json uploaded;
    if (Status u = Upload(*store, options.out, manifest_key, &uploaded); !u.ok()) {
      std::cerr << "spamphibian train: upload failed: " << u.message() << "\n";
      return 1;
    }
    out["uploaded"] = uploaded;
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace spamphibian
