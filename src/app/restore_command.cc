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
  spdlog::logger& log;
};

// Restores one action; prints what it did. False when a call failed.
bool RestoreOne(Tools& t, const std::string& id) {
  nlohmann::json record;
  bool found = false;
  if (Status s = t.ledger.Recall(id, &record, &found); !s.ok()) {
    std::cerr << "restore " << id << ": Redis: " << s.message() << "\n";
    return false;
  }
  if (found && record.contains("restored")) {
    std::cout << nlohmann::json{{"action_id", id}, {"status", "already restored"}, {"at", record["restored"]}}.dump() << "\n";
    return true;
  }
  std::string text;
  if (Status s = t.store.Get("actions/" + id + ".json", &text); !s.ok()) {
    std::cerr << "restore " << id << ": no archive (only actions carried out are archived; dry-run and refused ones "
              << "changed nothing): " << s.message() << "\n";
    return false;
  }
  const nlohmann::json archived = nlohmann::json::parse(text, nullptr, false);
  gitlab::Item item;
  if (!archived.is_object() || !gitlab::FromJson(archived["decision"].value("item", nlohmann::json()), &item).ok()) {
    std::cerr << "restore " << id << ": the archive is not an action record\n";
    return false;
  }
  const std::string action = archived.value("action", "");
  gitlab::RestorePlan plan;
  if (Status s = gitlab::PlanRestore(item, action, id, &plan); !s.ok()) {
    std::cerr << "restore " << id << ": " << s.message() << "\n";
    return false;
  }
  if (!plan.kept.empty()) {
    std::cout << nlohmann::json{{"action_id", id}, {"status", "kept"}, {"reason", plan.kept}}.dump() << "\n";
  }
  nlohmann::json calls = nlohmann::json::array();
  bool ok = true;
  for (const auto& call : plan.calls) {
    nlohmann::json response;
    Status s = t.api.Send(call.method, call.path, call.body, &response);
    calls.push_back({{"call", call.Describe()}, {"result", s.ok() ? "ok" : s.ToString()}});
    ok = ok && s.ok();
  }
  nlohmann::json result = {{"action_id", id}, {"action", action}, {"item_type", item.type}, {"item_id", item.id},
                           {"calls", calls}, {"status", ok ? "restored" : "failed"}};
  if (!plan.lost.empty()) {
    result["not_restored"] = plan.lost;
    nlohmann::json content = nlohmann::json::object();
    for (const auto& [field, value] : item.text) content[field] = value;
    result["archived_content"] = content;
  }
  std::cout << result.dump(2) << "\n";

  // Audit, label, and remember, even for a partial failure (what was done is done).
  nlohmann::json audit = {{"action_id", "restore-" + id}, {"of", id}, {"action", "restore"},
                          {"item_type", item.type},        {"item_id", item.id},
                          {"status", ok ? "restored" : "failed"}, {"api_calls", calls},
                          {"decided_by", "operator (spamphibian restore)"}, {"time", NowRfc3339()}};
  LogJson(t.log, spdlog::level::info, "audit", audit);
  if (Status s = t.redis.Run({"XADD", t.audit_stream, "*", "audit", audit.dump(), "action_id", "restore-" + id}); !s.ok()) {
    std::cerr << "restore " << id << ": the audit entry was not written: " << s.message() << "\n";
  }
  if (ok) {
    const nlohmann::json label = {{"label", "ham"}, {"item", archived["decision"]["item"]},
                                  {"signals", archived["decision"].value("signals", nlohmann::json::object())},
                                  {"source", "restore"}, {"action_id", id}, {"time", NowRfc3339()}};
    const std::string key = "labels/" + item.type + "/" + ArchiveSafeId(item.id) + "-" + id + ".json";
    if (Status s = t.store.Put(key, label.dump(), "application/json"); !s.ok()) {
      std::cerr << "restore " << id << ": the ham label was not written: " << s.message() << "\n";
    }
    if (!found) record = {{"action_id", id}};
    record["restored"] = NowRfc3339();
    (void)t.ledger.Remember(id, item.type + ":" + item.id, record);
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
  Tools tools{ledger, *store, api, redis, audit_stream, log};

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
