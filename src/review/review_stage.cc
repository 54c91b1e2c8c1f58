#include "review/review_stage.h"

#include <nlohmann/json.hpp>

#include "classify/text_rendering.h"
#include "gitlab/item.h"

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
  // The domains it links to, as the classify stage saw them: a campaign
  // across accounts is one domain in the review queue.
  gitlab::Item item;
  std::vector<std::string> domains;
  if (gitlab::FromJson(d["item"], &item).ok()) {
    domains = classify::Render(item, d.value("signals", nlohmann::json::object())).link_domains;
  }
  if (Status s = store_.Add(d, domains, now_ms_()); !s.ok()) {
    if (s.IsInvalidArgument()) return Outcome::DeadLetter(s.message());
    return Outcome::Retry("redis: " + s.message());
  }
  return Outcome::Done();
}

}  // namespace spamphibian::review
