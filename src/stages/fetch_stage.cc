#include "stages/fetch_stage.h"

#include "decisions/decision.h"
#include "log/json_log.h"
#include "stages/records.h"

namespace spamphibian {

FetchStage::FetchStage(FetchStageOptions options, std::shared_ptr<gitlab::GitLabApi> api, SnippetLedger& ledger,
                       spdlog::logger& log)
    : options_(std::move(options)), api_(std::move(api)), fetcher_(*api_), ledger_(ledger), log_(log) {}

Outcome FetchStage::Process(const Entry& entry) {
  records::Event event;
  if (Status s = records::Decode(entry, &event); !s.ok()) return Outcome::DeadLetter(s.message());
  const std::string event_type(event.event_type);
  const nlohmann::json payload = nlohmann::json::parse(event.payload, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) return Outcome::DeadLetter("payload is not JSON");
  if (gitlab::ItemTypeOf(event_type).empty()) return Outcome::DeadLetter("unknown event type '" + event_type + "'");

  std::vector<std::pair<std::int64_t, std::string>> seen;
  const auto is_new = [&](std::int64_t id, const std::string& updated_at) {
    if (!ledger_.IsNewOrChanged(id, updated_at)) return false;
    seen.emplace_back(id, updated_at);
    return true;
  };
  if (event_type == "snippet_check" && !payload.contains("snippet_id") && !options_.events_stream.empty()) {
    // The listing: one event per snippet, each fetched in its own entry.
    std::vector<gitlab::Fetcher::SnippetRef> todo;
    Status s = fetcher_.ListNewSnippets(is_new, &todo);
    if (s.IsPermissionDenied()) return Outcome::Hold(s.message());
    if (!s.ok()) return Outcome::Retry(s.message());
    Outcome out = Outcome::Done();
    for (const auto& snippet : todo) {
      EventRecord record;
      record.event_type = "snippet_check";
      record.received_at_ms = event.received_at_ms;
      nlohmann::json payload_one = {{"event_name", "snippet_check"}, {"snippet_id", snippet.id},
                                    {"updated_at", snippet.updated_at}};
      if (snippet.project_id > 0) payload_one["project_id"] = snippet.project_id;
      record.payload = payload_one.dump();
      out.emits.push_back(Emit{options_.events_stream, records::Encode(std::move(record))});
    }
    // The ledger moves on only once the per-snippet events are handed over.
    if (!seen.empty()) out.after_commit = [this, seen] { ledger_.Remember(seen); };
    return out;
  }

  std::vector<gitlab::Item> items;
  Status s = fetcher_.Fetch(event_type, payload, &items, is_new);
  if (s.IsNotFound()) {
    Decision d;
    d.decision_id = "fetch-" + entry.id;
    d.event_type = event_type;
    d.item_type = std::string(gitlab::ItemTypeOf(event_type));
    d.verdict = "gone";
    d.reasons = {"GitLab no longer has it: " + s.message()};
    d.time = NowRfc3339();
    d.extra["event_id"] = entry.id;
    Outcome done = Outcome::Done();
    RecordDecision(log_, options_.decisions, d, &done.emits);
    return done;
  }
  if (s.IsPermissionDenied()) return Outcome::Hold(s.message());
  if (s.IsInvalidArgument()) return Outcome::DeadLetter(s.message());
  if (!s.ok()) return Outcome::Retry(s.message());

  Outcome out = Outcome::Done();
  for (const gitlab::Item& item : items) {
    const std::string text = gitlab::ToJson(item).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out.emits.push_back(
        Emit{options_.items_stream, records::Encode(records::Item{text, "", event_type, entry.id, event.received_at_ms})});
  }
  // At debug only: at info the log has a line per decision at most.
  if (log_.should_log(spdlog::level::debug)) {
    for (const gitlab::Item& item : items) {
      LogJson(log_, spdlog::level::debug, "fetched", {{"event_type", event_type}, {"item_type", item.type}, {"item_id", item.id}});
    }
  }
  // The snippet ledger moves on only once the items are safely handed over.
  if (!seen.empty()) out.after_commit = [this, seen] { ledger_.Remember(seen); };
  return out;
}

}  // namespace spamphibian
