#include "review/review_stage.h"

#include <nlohmann/json.hpp>

#include "stages/records.h"

namespace spamphibian::review {

ReviewStage::ReviewStage(ReviewStore& store, std::function<std::int64_t()> now_ms)
    : store_(store), now_ms_(std::move(now_ms)) {}

Outcome ReviewStage::Process(const Entry& entry) {
  records::Decision record;
  nlohmann::json d;
  if (Status s = records::Decode(entry, &record, &d); !s.ok()) return Outcome::DeadLetter(s.message());
  // Only what may become a review is parsed (gone and trusted are not).
  const std::string_view verdict = record.verdict;
  if (verdict != "spam" && verdict != "suspicious" && verdict != "ham") return Outcome::Done();
  if (d.is_null()) d = nlohmann::json::parse(record.decision, nullptr, false);
  if (!d.is_object()) return Outcome::DeadLetter("not a decision");
  if (d.contains("review")) return Outcome::Done();  // a reviewer's answer on its way to the act stage
  if (!d.contains("item") || !d["item"].is_object()) return Outcome::Done();
  // The domains it links to, as the classify stage found them: a campaign
  // across accounts is one domain in the review queue.
  std::vector<std::string> domains;
  if (d.contains("campaign") && d["campaign"].is_object() && d["campaign"].contains("domains")) {
    for (const auto& domain : d["campaign"]["domains"]) {
      if (domain.is_string()) domains.push_back(domain.get<std::string>());
    }
  }
  if (Status s = store_.Add(d, record.decision, domains, now_ms_()); !s.ok()) {
    if (s.IsInvalidArgument()) return Outcome::DeadLetter(s.message());
    return Outcome::Retry("redis: " + s.message());
  }
  return Outcome::Done();
}

}  // namespace spamphibian::review
