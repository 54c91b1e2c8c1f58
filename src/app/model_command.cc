#include "app/model_command.h"

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/components.h"
#include "bootstrap/bootstrap.h"
#include "gitlab/api.h"
#include "http/curl_client.h"
#include "log/json_log.h"
#include "classify/child_check.h"
#include "classify/spam_model.h"
#include "redis/connector.h"
#include "registry/model_operations.h"
#include "registry/model_registry.h"
#include "registry/retrain.h"
#include "security/crypto.h"
#include "storage/s3_object_store.h"
#include "trust/account_signals.h"

namespace spamphibian {

int RunModelCheck(const std::string& path, bool quiet) {
  std::shared_ptr<const classify::SpamModel> model;
  if (Status s = classify::LoadUnderLimits(path, &model); !s.ok()) {
    // --quiet is the service asking: the message alone, it names the file.
    std::cerr << (quiet ? "" : "spamphibian model check: ") << s.message() << "\n";
    return 1;
  }
  if (quiet) return 0;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  nlohmann::json thresholds = nlohmann::json::object();
  for (const char* type : {"default", "user", "project", "group", "issue", "note", "merge_request", "wiki_page",
                           "snippet"}) {
    if (auto t = model->ThresholdsFor(type)) thresholds[type] = {{"spam", t->spam}, {"suspicious", t->suspicious}};
  }
  const nlohmann::json out = {{"path", path},
                              {"version", security::Sha256Hex(bytes.str()).substr(0, 12)},
                              {"format", model->has_combiner() ? "bundle" : "fasttext"},
                              {"thresholds", thresholds},
                              {"card", model->card()}};
  std::cout << out.dump(2) << "\n";
  return 0;
}


namespace {

constexpr int kFailed = 1;
constexpr int kConfigError = 2;

std::string Who(const ModelCommand& c) {
  if (!c.by.empty()) return c.by;
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? user : "operator";
}

std::string Summary(const nlohmann::json& card) {
  std::ostringstream s;
  if (card.contains("data")) {
    const auto& d = card["data"];
    s << d.value("labels", 0L) << " labels (" << d.value("labels_spam", 0L) << " spam)";
  } else if (card.value("source", "") == "bundled") {
    s << "the bundled model";
  }
  if (card.contains("eval_set") && card["eval_set"].contains("candidate")) {
    const auto& e = card["eval_set"]["candidate"];
    s.precision(3);
    s << std::fixed << "; eval AUC " << e.value("roc_auc", 0.0) << " precision " << e.value("precision", 0.0)
      << " recall " << e.value("recall", 0.0);
  }
  return s.str();
}

int List(registry::ModelOperations& ops, bool json) {
  nlohmann::json out;
  if (Status s = ops.List(&out); !s.ok()) {
    std::cerr << "spamphibian model list: " << s.message() << "\n";
    return kFailed;
  }
  if (json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-12s  %-9s  %-20s  %-9s  %s\n", "VERSION", "STATE", "CREATED", "LIVE PREC", "DATA / REASON");
  for (const auto& m : out) {
    std::string live_precision = "-";
    if (m.contains("live") && m["live"].contains("precision")) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3f (%lld)", m["live"]["precision"].get<double>(),
                    m["live"]["spam_confirmed"].get<long long>() + m["live"]["spam_rejected"].get<long long>());
      live_precision = buf;
    }
    const std::string reason = m.value("reason", "");
    std::printf("%-12s  %-9s  %-20s  %-9s  %s%s\n", m.value("version", "").c_str(), m.value("state", "").c_str(),
                m.value("created", "").substr(0, 19).c_str(), live_precision.c_str(),
                Summary(m.value("card", nlohmann::json::object())).c_str(),
                reason.empty() ? "" : (" — " + reason).c_str());
  }
  return 0;
}

// The model replicas score with now: the current manifest's, else the
// bundled one.
Status CurrentModel(registry::ModelRegistry& models, storage::ObjectStore& store, const Config& config,
                    const std::string& work_dir, std::shared_ptr<const classify::SpamModel>* model,
                    std::string* version) {
  if (Status s = models.CurrentVersion(version); !s.ok()) return s;
  if (version->empty()) {
    classify::ModelHolder holder;
    std::string path, source;
    if (Status s = LoadConfiguredModel(config, &holder, &path, version, &source); !s.ok()) return s;
    *model = holder.Get();
    return Status::Ok();
  }
  registry::ModelRecord record;
  if (Status s = models.Find(*version, &record); !s.ok()) return s;
  std::string bytes;
  if (Status s = store.Get(record.key, &bytes); !s.ok()) return s;
  const std::string path = work_dir + "/current.spam";
  std::ofstream(path, std::ios::binary) << bytes;
  return classify::SpamModel::Load(path, model);
}

int Retrain(registry::ModelOperations& ops, storage::ObjectStore& store, const Config& config, const ModelCommand& c) {
  registry::ModelRegistry& models = ops.registry();
  std::string dir = (std::filesystem::temp_directory_path() / "spamphibian-retrain-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    std::cerr << "spamphibian model retrain: cannot create a temporary directory\n";
    return kFailed;
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};

  std::shared_ptr<const TrustPolicy> policy;
  if (Status p = LoadTrustPolicy(config, &policy); !p.ok()) {
    std::cerr << "spamphibian model retrain: " << p.message() << "\n";
    return kConfigError;
  }
  registry::RetrainOptions o;
  o.base_data = c.base_data.empty() ? config.classify.training_data : c.base_data;
  o.eval_data = c.eval_data.empty() ? config.classify.eval_data : c.eval_data == "none" ? "" : c.eval_data;
  o.real_text_data = registry::RealTextBeside(o.base_data);
  o.since = c.since;
  o.work_dir = dir;
  o.train.seed = c.seed;
  o.train.epoch = c.epoch;
  o.train.buckets = c.buckets;
  o.train.cutoff = c.cutoff;
  o.train.target_precision = classify::kShippedTargetPrecision;
  o.account_signals = [policy](const gitlab::Item& item) {
    return AccountSignals(item.author, ItemTime(item, std::chrono::system_clock::now()), *policy);
  };
  if (Status s = CurrentModel(models, store, config, dir, &o.current, &o.current_version); !s.ok()) {
    std::cerr << "spamphibian model retrain: the current model: " << s.message() << "\n";
    return kFailed;
  }
  registry::RetrainResult result;
  if (Status s = registry::Retrain(store, o, &result); !s.ok()) {
    std::cerr << "spamphibian model retrain: " << s.message() << "\n";
    return s.IsInvalidArgument() ? kConfigError : kFailed;
  }
  nlohmann::json card = result.card;
  if (Status s = ops.AddRetrained(result.model_path, c.shadow, Who(c), &card); !s.ok()) {
    std::cerr << "spamphibian model retrain: registering the candidate: " << s.message() << "\n";
    return kFailed;
  }
  std::cout << card.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}

// Set by SIGINT/SIGTERM during a bootstrap; a lock-free atomic is what a
// signal handler may touch, which is why this one flag is a global.
std::atomic<bool> g_bootstrap_stop{false};

int Bootstrap(storage::ObjectStore& store, const redis::Connector& connector, const Config& config,
              const ModelCommand& c) {
  if (config.gitlab_url.empty()) {
    std::cerr << "spamphibian model bootstrap: needs GITLAB_URL and GITLAB_TOKEN (an admin's)\n";
    return kConfigError;
  }
  std::shared_ptr<const TrustPolicy> policy;
  if (Status p = LoadTrustPolicy(config, &policy); !p.ok()) {
    std::cerr << "spamphibian model bootstrap: " << p.message() << "\n";
    return kConfigError;
  }
  const std::string& prefix = config.pipeline.key_prefix;
  bootstrap::Options o{c.min_age_days, c.per_user, c.max_labels, c.include_private, prefix + "bootstrap:done",
                       prefix + "verified_users", config.review.groups};
  if (c.restart) {
    redis::Client client(connector);
    if (Status s = client.Run({"DEL", o.done_key}); !s.ok()) {
      std::cerr << "spamphibian model bootstrap: " << s.message() << "\n";
      return kFailed;
    }
  }
  std::signal(SIGINT, [](int) { g_bootstrap_stop = true; });
  std::signal(SIGTERM, [](int) { g_bootstrap_stop = true; });
  http::CurlHttpClient http(http::CurlOptions{config.gitlab.ca_bundle});
  const auto limiter = MakeGitLabRateLimiter(config);
  gitlab::GitLabApi api(GitLabApiOptions(config), http, *limiter);
  // Progress to stderr; the counts, last, to stdout.
  auto log = MakeJsonLogger(config.log_level, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  bootstrap::Bootstrap run(o, api, store, connector, *policy, *log);
  bootstrap::Counts counts;
  const Status s = run.Run(g_bootstrap_stop, &counts);
  nlohmann::json out = counts.ToJson();
  out["interrupted"] = g_bootstrap_stop.load();
  out["gitlab_requests"] = api.requests();
  if (!s.ok()) out["error"] = s.message();
  std::cout << out.dump() << "\n";
  if (!s.ok()) std::cerr << "spamphibian model bootstrap: stopped (run it again to resume): " << s.message() << "\n";
  return s.ok() ? 0 : kFailed;
}

}  // namespace

int RunModel(const Config& config, const ModelCommand& c) {
  if (!config.s3.configured()) {
    std::cerr << "spamphibian model " << c.action << ": needs S3_ENDPOINT and S3_BUCKET (the model registry)\n";
    return kConfigError;
  }
  auto store = storage::NewS3ObjectStore(S3StoreOptions(config));
  redis::Connector connector(config.redis);
  registry::ModelOperations ops(
      *store, connector,
      {config.pipeline.key_prefix, config.classify.model_path.empty() ? DefaultModelPath() : config.classify.model_path,
       "spamphibian model"});
  if (c.action == "list") return List(ops, c.json);
  if (c.action == "retrain") return Retrain(ops, *store, config, c);
  if (c.action == "bootstrap") return Bootstrap(*store, connector, config, c);
  const std::string action = c.action == "shadow" && c.stop ? "shadow_stop" : c.action;
  nlohmann::json result;
  if (Status s = ops.Change(action, c.version, Who(c), c.reason, c.if_shadowed, &result); !s.ok()) {
    std::cerr << "spamphibian model " << c.action << ": " << s.message() << "\n";
    return s.IsInvalidArgument() || s.IsNotFound() ? kConfigError : kFailed;
  }
  std::cout << result.dump() << "\n";
  return 0;
}

}  // namespace spamphibian
