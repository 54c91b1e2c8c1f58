#include "app/restore_command.h"

#include <nlohmann/json.hpp>

#include <iostream>

#include "app/components.h"
#include "decisions/decision.h"
#include "gitlab/api.h"
#include "gitlab/moderation.h"
#include "http/curl_client.h"
#include "log/json_log.h"
#include "redis/client.h"
#include "redis/connector.h"
#include "stages/action_ledger.h"
#include "stages/archive_stage.h"
#include "stages/pipeline.h"
#include "stages/records.h"
#include "review/review_store.h"
#include "stages/restorer.h"
#include "storage/s3_object_store.h"

namespace spamphibian {
namespace {

constexpr int kConfigError = 2;

struct Tools {
  ActionLedger& ledger;
  storage::ObjectStore& store;
  gitlab::GitLabApi& api;
  redis::Client& redis;
  const std::string& audit_stream;
  const std::string& prefix;
  std::chrono::hours memory;  // review.memory_days
  spdlog::logger& log;
};

// Restores one action; prints what it did. False when a call failed.
bool RestoreOne(Tools& t, const std::string& id) {
  RestoreResult r;
  const RestoreSend send = [&t](const gitlab::ApiCall& call, nlohmann::json* response) {
    return t.api.Send(call.method, call.path, call.body, response);
  };
  if (Status s = RestoreAction(id, t.ledger, t.store, send, &r); !s.ok()) {
    std::cerr << "restore " << id << ": " << s.message() << "\n";
    return false;
  }
  if (r.status == "already_restored") {
    std::cout << nlohmann::json{{"action_id", id}, {"status", "already restored"}, {"at", r.reason}}.dump() << "\n";
    return true;
  }
  if (r.status == "not_archived") {
    std::cerr << "restore " << id << ": no archive (only actions carried out are archived; dry-run and refused ones "
              << "changed nothing): " << r.reason << "\n";
    return false;
  }
  if (r.status == "kept") {
    std::cout << nlohmann::json{{"action_id", id}, {"status", "kept"}, {"reason", r.reason}}.dump() << "\n";
  }
  if (r.item_type.empty()) {
    std::cerr << "restore " << id << ": " << r.reason << "\n";
    return false;
  }
  const bool ok = r.status == "restored" || r.status == "kept";
  nlohmann::json result = {{"action_id", id}, {"action", r.action}, {"item_type", r.item_type}, {"item_id", r.item_id},
                           {"calls", r.calls}, {"status", ok ? "restored" : "failed"}};
  if (!r.lost.empty()) {
    result["not_restored"] = r.lost;
    gitlab::Item item;
    (void)gitlab::FromJson(r.archived["decision"]["item"], &item);
    nlohmann::json content = nlohmann::json::object();
    for (const auto& [field, value] : item.text) content[field] = value;
    result["archived_content"] = content;
  }
  std::cout << result.dump(2) << "\n";

  // Audit and label, even for a partial failure (what was done is done).
  nlohmann::json audit = {{"action_id", "restore-" + id}, {"of", id}, {"action", "restore"},
                          {"item_type", r.item_type},      {"item_id", r.item_id},
                          {"status", ok ? "restored" : "failed"}, {"api_calls", r.calls},
                          {"decided_by", "operator (spamphibian restore)"}, {"time", NowRfc3339()}};
  LogJson(t.log, spdlog::level::info, "audit", audit);
  if (Status s = t.redis.Run(records::Xadd(t.audit_stream, records::Encode(records::Audit{audit.dump(), "restore-" + id})));
      !s.ok()) {
    std::cerr << "restore " << id << ": the audit entry was not written: " << s.message() << "\n";
  }
  if (ok) {
    const nlohmann::json& decision = r.archived["decision"];
    const nlohmann::json label = {{"label", "ham"}, {"item", decision["item"]},
                                  {"signals", decision.value("signals", nlohmann::json::object())},
                                  {"source", "restore"}, {"action_id", id}, {"time", NowRfc3339()}};
    const std::string key = "labels/" + r.item_type + "/" + ArchiveSafeId(r.item_id) + "-" + id + ".json";
    if (Status s = t.store.Put(key, label.dump(), "application/json"); !s.ok()) {
      std::cerr << "restore " << id << ": the ham label was not written: " << s.message() << "\n";
    }
    // A restore says "not spam" too: remembered for the author, the linked
    // domains and the text, as a reviewer's answer is.
    const nlohmann::json campaign = decision.value("campaign", nlohmann::json::object());
    const std::int64_t author = decision["item"].value("author", nlohmann::json::object()).value("id", std::int64_t{0});
    if (Status s = review::Remember(t.redis, t.prefix, author, campaign, "ham", t.memory); !s.ok()) {
      std::cerr << "restore " << id << ": not remembered as ham: " << s.message() << "\n";
    }
  }
  return ok;
}

}  // namespace

int RunRestore(const Config& config, const std::string& action_id, const std::string& item_ref, spdlog::logger& log) {
  if (action_id.empty() == item_ref.empty()) {
    std::cerr << "spamphibian restore: give an ACTION_ID or --item TYPE:ID\n";
    return kConfigError;
  }
  if (!config.s3.configured() || config.gitlab_url.empty()) {
    std::cerr << "spamphibian restore: needs S3_ENDPOINT, S3_BUCKET (the archive) and GITLAB_URL\n";
    return kConfigError;
  }
  redis::Connector connector(config.redis);
  const std::string& prefix = config.pipeline.key_prefix;
  RedisActionLedger ledger(connector, prefix);
  redis::Client redis(connector);
  auto store = storage::NewS3ObjectStore(S3StoreOptions(config));
  http::CurlHttpClient http(http::CurlOptions{config.gitlab.ca_bundle});
  auto limiter = MakeGitLabRateLimiter(config);
  gitlab::GitLabApi api(GitLabApiOptions(config), http, *limiter);
  const std::string audit_stream = prefix + std::string(kAuditStream);
  Tools tools{ledger, *store, api, redis, audit_stream, prefix, config.review.memory, log};

  std::vector<std::string> ids;
  if (!action_id.empty()) {
    ids.push_back(action_id);
  } else {
    if (item_ref.find(':') == std::string::npos) {
      std::cerr << "spamphibian restore: --item takes TYPE:ID, e.g. user:41 or snippet:704\n";
      return kConfigError;
    }
    if (Status s = ledger.ActionsOf(item_ref, &ids); !s.ok()) {
      std::cerr << "spamphibian restore: Redis: " << s.message() << "\n";
      return 1;
    }
    if (ids.empty()) {
      std::cerr << "spamphibian restore: no action recorded for " << item_ref << "\n";
      return kConfigError;
    }
    std::sort(ids.begin(), ids.end());
  }
  bool ok = true;
  for (const auto& id : ids) ok = RestoreOne(tools, id) && ok;
  return ok ? 0 : 1;
}

}  // namespace spamphibian
