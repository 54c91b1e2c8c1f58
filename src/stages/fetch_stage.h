// FetchStage: events -> items. Loads each event's full item(s) through the
// GitLab API (gitlab::Fetcher) and hands them to the trust stage.
//
//   item(s) fetched          -> one entry per item in <prefix>items
//   GitLab says 404/410      -> a `gone` decision in <prefix>decisions
//   GitLab says 401/403      -> Hold: stays pending until the token is fixed
//   GitLab down, 5xx, 429    -> Retry (after the API client's own retries)
//   malformed event          -> dead-lettered
//
// One FetchStage per runner worker: it owns its GitLab connection. Fetches
// of different workers run concurrently, so one slow GitLab call never
// holds up the others.
#pragma once

#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <string>

#include "gitlab/fetcher.h"
#include "decisions/decision.h"
#include "stages/stage.h"

namespace spamphibian {

// Which snippets a snippet check has already seen (id -> updated_at), so
// unchanged snippets are never checked twice.
class SnippetLedger {
 public:
  virtual ~SnippetLedger() = default;
  virtual bool IsNewOrChanged(std::int64_t id, const std::string& updated_at) = 0;
  virtual void Remember(const std::vector<std::pair<std::int64_t, std::string>>& seen) = 0;
};

struct FetchStageOptions {
  std::string items_stream;      // full key
  DecisionLog decisions;
  // Where a snippet check puts one snippet_check event per new or changed
  // snippet (its own input), so that each snippet is fetched, retried or
  // dead-lettered alone. "": fetched in the listing's entry (tests).
  std::string events_stream;
};

class FetchStage : public Stage {
 public:
  // `api_owner` is kept alive with the stage; `ledger` and `log` must outlive it.
  FetchStage(FetchStageOptions options, std::shared_ptr<gitlab::GitLabApi> api, SnippetLedger& ledger,
             spdlog::logger& log);

  std::string_view name() const override { return "fetch"; }
  Outcome Process(const Entry& entry) override;

 private:
  FetchStageOptions options_;
  std::shared_ptr<gitlab::GitLabApi> api_;
  gitlab::Fetcher fetcher_;
  SnippetLedger& ledger_;
  spdlog::logger& log_;
};

}  // namespace spamphibian
