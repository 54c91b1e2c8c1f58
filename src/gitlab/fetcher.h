// Fetcher: turns a hook event into the full, current Item(s) it is about,
// through the GitLab API. Hooks carry partial and possibly stale data (and
// e-mails may be redacted); the API has the truth, and an admin token sees
// the author's e-mail.
//
// One table (fetcher.cc) maps event types to item kinds and their API
// reads. NotFound from the API means the item is gone (deleted meanwhile);
// other errors are as GitLabApi returns them.
//
// Not thread-safe (uses one GitLabApi): one per worker thread.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

#include "gitlab/api.h"
#include "gitlab/item.h"
#include "gitlab/normalize.h"

namespace spamphibian::gitlab {

// The item type an event type leads to ("user", "issue", ...), "" if none.
std::string_view ItemTypeOf(std::string_view event_type);

class Fetcher {
 public:
  explicit Fetcher(GitLabApi& api) : api_(api) {}

  // Appends the event's item(s) to *out. A snippet check without a
  // snippet_id lists public snippets and yields one item per snippet for
  // which `is_new(id, updated_at)` is true.
  using SnippetFilter = std::function<bool(std::int64_t id, const std::string& updated_at)>;
  Status Fetch(std::string_view event_type, const nlohmann::json& payload, std::vector<Item>* out,
               const SnippetFilter& is_new = nullptr);

  // The public snippets that `is_new` says are new or changed, newest first.
  struct SnippetRef {
    std::int64_t project_id = 0;  // 0: a personal snippet
    std::int64_t id = 0;
    std::string updated_at;
  };
  Status ListNewSnippets(const SnippetFilter& is_new, std::vector<SnippetRef>* out);

  // Single reads, also used by the jobs.
  Status FetchUser(std::int64_t id, Item* item);
  Status FetchSnippet(std::int64_t project_id, std::int64_t id, Item* item);
  Status FillAuthor(std::int64_t user_id, Author* author);

  GitLabApi& api() { return api_; }

 private:
  GitLabApi& api_;
};

}  // namespace spamphibian::gitlab
