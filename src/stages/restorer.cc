#include "stages/restorer.h"

#include "decisions/decision.h"
#include "gitlab/item.h"
#include "stages/action_archive.h"

namespace spamphibian {

Status RestoreAction(const std::string& id, ActionLedger& ledger, storage::ObjectStore& archive,
                     const RestoreSend& send, RestoreResult* r) {
  *r = RestoreResult();
  r->action_id = id;
  nlohmann::json record;
  bool found = false;
  if (Status s = ledger.Recall(id, &record, &found); !s.ok()) return s;
  if (found && record.contains("restored")) {
    r->status = "already_restored";
    r->reason = record["restored"].is_string() ? record["restored"].get<std::string>() : "";
    return Status::Ok();
  }
  // The batch object the ledger noted, or the one object per action of
  // an archive from before batching.
  std::string key;
  if (Status s = ledger.ArchiveOf(id, &key); !s.ok()) return s;
  if (key.empty()) key = LegacyActionArchiveKey(id);
  std::string text;
  Status read = archive.Get(key, &text);
  if (read.IsUnavailable()) return read;
  if (!read.ok()) {
    // Only actions carried out are archived: dry-run and refused ones
    // changed nothing.
    r->status = "not_archived";
    r->reason = read.message();
    return Status::Ok();
  }
  if (Status s = FindArchivedAction(text, id, &r->archived); !s.ok()) {
    r->status = "failed";
    r->reason = key + ": " + s.message();
    return Status::Ok();
  }
  gitlab::Item item;
  if (!r->archived.is_object() || !r->archived.contains("decision") || !r->archived["decision"].is_object() ||
      !gitlab::FromJson(r->archived["decision"].value("item", nlohmann::json()), &item).ok()) {
    r->status = "failed";
    r->reason = "the archive is not an action record";
    return Status::Ok();
  }
  r->action = r->archived.value("action", "");
  r->item_type = item.type;
  r->item_id = item.id;
  gitlab::RestorePlan plan;
  if (Status s = gitlab::PlanRestore(item, r->action, id, &plan); !s.ok()) {
    r->status = "failed";
    r->reason = s.message();
    return Status::Ok();
  }
  r->lost = plan.lost;
  bool ok = true;
  for (const auto& call : plan.calls) {
    nlohmann::json response;
    Status s = send(call, &response);
    r->calls.push_back({{"call", call.Describe()}, {"result", s.ok() ? "ok" : s.ToString()}});
    ok = ok && s.ok();
  }
  if (!plan.kept.empty() && plan.calls.empty()) {
    r->status = "kept";
    r->reason = plan.kept;
  } else {
    r->status = ok ? "restored" : "failed";
  }
  if (ok) {
    if (!found) record = {{"action_id", id}};
    record["restored"] = NowRfc3339();
    (void)ledger.Remember(id, item.type + ":" + item.id, record);
  }
  return Status::Ok();
}

}  // namespace spamphibian
