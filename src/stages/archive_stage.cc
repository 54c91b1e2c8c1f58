#include "stages/archive_stage.h"

#include <map>

#include "text/gzip.h"
#include "text/json_lines.h"

namespace spamphibian {
namespace {

constexpr long long kIndexSeconds = 90LL * 24 * 3600;
// A batch object inflated by a reader: 500 decisions of the largest kind
// are well under this.
constexpr std::size_t kMaxBatchBytes = 256 << 20;

Outcome Failed(const Status& s) {
  // Down, or refusing our credentials: both need S3 or an operator, and
  // evaluated items are not to be dropped meanwhile.
  if (s.IsUnavailable() || s.code() == Status::Code::kPermissionDenied) return Outcome::Hold("S3: " + s.message());
  return Outcome::Retry("S3: " + s.message());
}

}  // namespace

std::string ArchiveSafeId(std::string s) {
  for (char& c : s) {
    if (c == '/' || c == '\\') c = '_';
  }
  return s;
}

std::string EvaluatedFolder(const records::Decision& d) {
  if (d.item_type.empty() || d.item_id.empty() || d.decision_id.empty() || d.time.size() < 10) return "";
  return "evaluated/" + ArchiveSafeId(std::string(d.item_type)) + "/" + std::string(d.time.substr(0, 10)) + "/";
}

Status ReadEvaluatedBatch(const std::string& object, std::vector<nlohmann::json>* decisions) {
  return text::ReadGzipJsonLines(object, kMaxBatchBytes, decisions);
}

RedisArchiveIndex::RedisArchiveIndex(const redis::Connector& connector, std::string prefix)
    : client_(connector), prefix_(std::move(prefix)) {}

Status RedisArchiveIndex::Record(const std::vector<Entry>& entries) {
  std::map<std::string, redis::Args> by_day;
  for (const Entry& e : entries) {
    redis::Args& hset = by_day[e.date];
    if (hset.empty()) hset = {"HSET", prefix_ + "evaluated_index:" + e.date};
    hset.insert(hset.end(), {e.decision_id, e.key, e.item, e.key});
  }
  std::vector<redis::Args> commands;
  for (auto& [day, hset] : by_day) {
    commands.push_back(std::move(hset));
    commands.push_back({"EXPIRE", prefix_ + "evaluated_index:" + day, std::to_string(kIndexSeconds)});
  }
  if (commands.empty()) return Status::Ok();
  return client_.RunPipelineChecked(commands);
}

Outcome ArchiveStage::Process(const Entry& entry) { return ProcessAsBatch(entry); }

void ArchiveStage::ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) {
  outcomes->assign(entries.size(), Outcome::Done());
  // The decisions of one type and day, in the batch's order.
  struct Group {
    std::vector<std::size_t> members;
    std::vector<std::string_view> texts;  // the decisions, views into the entries
    std::vector<std::string> dates, decision_ids, items;
  };
  std::map<std::string, Group> groups;  // by folder
  std::optional<Outcome> down;          // S3 failed: the rest waits without a request each
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (records::Label label; records::Decode(e, &label).ok()) {
      // A reviewer's label (review/review_store.cc), its key chosen there.
      const std::string key(label.key);
      if (!key.starts_with("labels/") || key.find("..") != std::string::npos) {
        (*outcomes)[i] = Outcome::DeadLetter("an object to archive outside labels/: '" + key + "'");
        continue;
      }
      if (down) {
        (*outcomes)[i] = Outcome::Hold(down->error);
        continue;
      }
      if (Status s = store_->Put(key, std::string(label.object), "application/json"); !s.ok()) {
        (*outcomes)[i] = Failed(s);
        if ((*outcomes)[i].kind == Outcome::Kind::kHold) down = (*outcomes)[i];
      }
      continue;
    }
    // Grouped by the header alone: the decision itself goes into the
    // object as the entry's text, never parsed here.
    records::Decision d;
    nlohmann::json parsed;  // for an entry from before versions only
    const Status decoded = records::Decode(e, &d, &parsed);
    const std::string folder = decoded.ok() ? EvaluatedFolder(d) : "";
    if (folder.empty()) {
      (*outcomes)[i] = Outcome::DeadLetter(decoded.ok() ? "not a decision with item_type, item_id, decision_id and time"
                                                        : decoded.message());
      continue;
    }
    Group& g = groups[folder];
    g.members.push_back(i);
    g.texts.push_back(d.decision);
    g.dates.emplace_back(d.time.substr(0, 10));
    g.decision_ids.emplace_back(d.decision_id);
    g.items.push_back(std::string(d.item_type) + ":" + std::string(d.item_id));
  }

  std::vector<ArchiveIndex::Entry> stored;
  std::vector<std::size_t> stored_members;
  for (auto& [folder, g] : groups) {
    for (std::size_t from = 0; from < g.members.size(); from += options_.batch_max) {
      const std::size_t to = std::min(g.members.size(), from + options_.batch_max);
      if (down) {
        for (std::size_t k = from; k < to; ++k) (*outcomes)[g.members[k]] = Outcome::Hold(down->error);
        continue;
      }
      // Named by its first entry: the same batch tried again is the same object.
      const std::string key = folder + ArchiveSafeId(entries[g.members[from]].id) + "-" + std::to_string(to - from) +
                              ".jsonl.gz";
      std::string lines;
      for (std::size_t k = from; k < to; ++k) {
        lines.append(g.texts[k]);
        lines.push_back('\n');
      }
      if (Status s = store_->Put(key, text::Gzip(lines), "application/gzip"); !s.ok()) {
        const Outcome failed = Failed(s);
        if (failed.kind == Outcome::Kind::kHold) down = failed;
        for (std::size_t k = from; k < to; ++k) (*outcomes)[g.members[k]] = failed;
        continue;
      }
      for (std::size_t k = from; k < to; ++k) {
        stored.push_back({g.dates[k], g.decision_ids[k], g.items[k], key});
        stored_members.push_back(g.members[k]);
      }
    }
  }
  if (index_ != nullptr && !stored.empty()) {
    // Stored but not findable: tried again (the same object is written again).
    if (Status s = index_->Record(stored); !s.ok()) {
      for (std::size_t m : stored_members) (*outcomes)[m] = Outcome::Retry("archive index: " + s.message());
    }
  }
}

}  // namespace spamphibian
