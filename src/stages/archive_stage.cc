#include "stages/archive_stage.h"

#include <nlohmann/json.hpp>

namespace spamphibian {
std::string ArchiveSafeId(std::string s) {
  for (char& c : s) {
    if (c == '/' || c == '\\') c = '_';
  }
  return s;
}

std::string EvaluatedKey(const nlohmann::json& d) {
  const std::string type = d.value("item_type", ""), id = d.value("item_id", ""), decision = d.value("decision_id", "");
  const std::string time = d.value("time", "");
  if (type.empty() || id.empty() || decision.empty() || time.size() < 10) return "";
  return "evaluated/" + ArchiveSafeId(type) + "/" + time.substr(0, 10) + "/" + ArchiveSafeId(id) + "-" + ArchiveSafeId(decision) +
         ".json";
}

Outcome ArchiveStage::Process(const Entry& entry) {
  std::string key;
  std::string_view text = entry.Get("decision");
  if (text.empty() && !entry.Get("object").empty()) {
    // A reviewer's label (review/review_store.cc), its key chosen there.
    key = std::string(entry.Get("key"));
    text = entry.Get("object");
    if (!key.starts_with("labels/") || key.find("..") != std::string::npos) {
      return Outcome::DeadLetter("an object to archive outside labels/: '" + key + "'");
    }
  } else {
    const nlohmann::json d = nlohmann::json::parse(text, nullptr, false);
    key = d.is_object() ? EvaluatedKey(d) : "";
    if (key.empty()) return Outcome::DeadLetter("not a decision with item_type, item_id, decision_id and time");
  }
  Status s = store_->Put(key, std::string(text), "application/json");
  if (s.ok()) return Outcome::Done();
  // Down, or refusing our credentials: both need S3 or an operator, and
  // evaluated items are not to be dropped meanwhile.
  if (s.IsUnavailable() || s.code() == Status::Code::kPermissionDenied) return Outcome::Hold("S3: " + s.message());
  return Outcome::Retry("S3: " + s.message());
}

void ArchiveStage::ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) {
  outcomes->clear();
  outcomes->reserve(entries.size());
  for (const Entry& e : entries) {
    const bool s3_down = !outcomes->empty() && outcomes->back().kind == Outcome::Kind::kHold;
    outcomes->push_back(s3_down ? Outcome::Hold(outcomes->back().error) : Process(e));
  }
}

}  // namespace spamphibian
