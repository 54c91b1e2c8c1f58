#include "review/review_stage.h"

#include <nlohmann/json.hpp>


namespace spamphibian::review {

ReviewStage::ReviewStage(ReviewStore& store, std::function<std::int64_t()> now_ms)
    : store_(store), now_ms_(std::move(now_ms)) {}

Outcome ReviewStage::Process(const Entry& entry) {
  const nlohmann::json d = nlohmann::json::parse(entry.Get("decision"), nullptr, false);
  if (!d.is_object()) return Outcome::DeadLetter("not a decision");
  const std::string verdict = d.value("verdict", "");
  if (verdict != "spam" && verdict != "suspicious" && verdict != "ham") return Outcome::Done();
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
  if (Status s = store_.Add(d, entry.Get("decision"), domains, now_ms_()); !s.ok()) {
    if (s.IsInvalidArgument()) return Outcome::DeadLetter(s.message());
    return Outcome::Retry("redis: " + s.message());
  }
  return Outcome::Done();
}

}  // namespace spamphibian::review
