#include "stages/action_archive.h"

#include <vector>

#include "stages/archive_stage.h"
#include "text/json_lines.h"

namespace spamphibian {
namespace {

// A batch of the act stage's largest size, each decision a large item, is
// well under this; a hostile object is not inflated past it.
constexpr std::size_t kMaxObjectBytes = 256 << 20;

}  // namespace

std::string ActionArchiveKey(std::string_view date, const std::string& first_action_id, std::int64_t ms) {
  return "actions/" + std::string(date) + "/" + ArchiveSafeId(first_action_id) + "-" + std::to_string(ms) + ".jsonl.gz";
}

std::string LegacyActionArchiveKey(const std::string& action_id) { return "actions/" + action_id + ".json"; }

Status FindArchivedAction(std::string_view object, const std::string& action_id, nlohmann::json* record) {
  std::vector<nlohmann::json> records;
  const bool gzip = object.size() >= 2 && static_cast<unsigned char>(object[0]) == 0x1f &&
                    static_cast<unsigned char>(object[1]) == 0x8b;
  if (gzip) {
    if (Status s = text::ReadGzipJsonLines(object, kMaxObjectBytes, &records); !s.ok()) return s;
  } else {
    nlohmann::json one = nlohmann::json::parse(object, nullptr, false);
    if (!one.is_object()) return Status::InvalidArgument("not an action archive");
    records.push_back(std::move(one));
  }
  for (nlohmann::json& r : records) {
    if (r.value("action_id", "") == action_id) {
      *record = std::move(r);
      return Status::Ok();
    }
  }
  return Status::NotFound("action " + action_id + " is not in this archive object");
}

}  // namespace spamphibian
