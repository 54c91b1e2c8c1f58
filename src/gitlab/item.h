// Item: one piece of GitLab content, normalised the same way whatever its
// kind (user, project, group, issue, note, merge_request, wiki_page,
// snippet), as the fetch stage hands it to trust, classify and act.
//
// Items travel between stages as JSON (ToJson/FromJson), in the stream
// field "item".
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace spamphibian::gitlab {

// The account behind an item (for a user item: the user itself).
struct Author {
  std::int64_t id = 0;
  std::string username;
  std::string name;
  std::string email;  // as the API shows it to an admin; "" when unknown
  std::string email_source;  // "api", "hook" (the API gave none), or ""
  std::string state;  // active, blocked, ...
  bool is_admin = false;
  bool bot = false;
  std::string user_type;  // GitLab's user_type (human, project_bot, alert_bot ...); "" when not shown
  std::string created_at;
  std::string confirmed_at;
  std::string note;  // the admin note
};

struct Item {
  std::string type;        // user, project, group, issue, note, merge_request, wiki_page, snippet
  std::string id;          // unique per type, e.g. "41", "5/issues/7", "5/notes/1243"
  std::string event_type;  // the event that brought it
  std::string web_url;
  std::string visibility;  // public, internal, private; "" when not applicable
  std::string created_at;
  std::string updated_at;
  Author author;
  // The text a person wrote, in a fixed order per type: title, description,
  // body, bio, website_url, location, organization, job_title, file_names,
  // content ...
  std::vector<std::pair<std::string, std::string>> text;
  // What the act stage needs to address the item in the API
  // (project_id, iid, noteable_type, ...).
  nlohmann::json refs = nlohmann::json::object();
  // The API object as fetched, kept for the archive and for restore.
  nlohmann::json raw = nlohmann::json::object();

  std::string_view Text(std::string_view field) const;
};

nlohmann::json ToJson(const Item& item);
Status FromJson(const nlohmann::json& j, Item* item);

// What ParseItem reads. Trust and classify read an item's text and author;
// `raw` (the API object, most of an entry's bytes) and `refs` are for the
// act stage, the archive and restore, so those stages skip them.
enum class ItemParts { kAll, kWithoutRefsAndRaw };

// The item in `json` (ToJson's text, a stream entry's "item" field), read
// with simdjson: the same fields and errors as FromJson on the parsed tree,
// without building the tree. With kWithoutRefsAndRaw, `refs` and `raw`
// stay empty objects and cost only simdjson's pass over their bytes.
// Each thread reuses one simdjson parser (its buffers are the costly part).
Status ParseItem(std::string_view json, ItemParts parts, Item* item);

// The lower-cased domain of an e-mail address, "" if it has none.
std::string EmailDomain(std::string_view email);

}  // namespace spamphibian::gitlab
