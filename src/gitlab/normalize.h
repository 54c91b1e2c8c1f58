// Normalisation: a GitLab API object of one item type becomes an Item.
//
// One function per type, shared by the fetch stage (which reads the objects
// from GitLab), `spamphibian classify --type` and `spamphibian evaluate`
// (which read them from files), so that the model sees the same text from
// either. The objects are as GitLab's REST API v4 returns them to an admin
// token, plus what the fetch stage reads besides:
//
//   user           GET /users/:id
//   project        GET /projects/:id               + "readme": README text
//   group          GET /groups/:id (with "projects")
//   issue          GET /projects/:id/issues/:iid
//   merge_request  GET /projects/:id/merge_requests/:iid[/changes]  ("changes": diffs, optional)
//   note           GET /projects/:id/.../notes/:id
//   wiki_page      GET /projects/:id/wikis/:slug
//   snippet        GET /snippets/:id               + "content": raw text of every file
//
// The author is what the object embeds (the fetch stage replaces it with the
// full user the API returns). Ids and refs are filled from the object as far
// as it tells them; the fetch stage, which knows the path it read, sets
// them itself. Never throws: fields of an unexpected shape read as empty.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

#include "base/status.h"
#include "gitlab/item.h"

namespace spamphibian::gitlab {

// The eight item types, in a fixed order.
inline constexpr std::string_view kItemTypes[] = {"user",    "project",       "group",     "issue",
                                                  "note",    "merge_request", "wiki_page", "snippet"};

// The author fields of a user object (GET /users/:id, or an embedded author).
Author AuthorFromUser(const nlohmann::json& user);

// InvalidArgument when `item_type` is not one of kItemTypes or `api` is not
// an object.
Status Normalize(std::string_view item_type, const nlohmann::json& api, Item* item);

// The per-type functions behind Normalize().
Item NormalizeUser(const nlohmann::json& user);
Item NormalizeProject(const nlohmann::json& project);
Item NormalizeGroup(const nlohmann::json& group);
Item NormalizeIssue(const nlohmann::json& issue);
Item NormalizeMergeRequest(const nlohmann::json& merge_request);
Item NormalizeNote(const nlohmann::json& note);
Item NormalizeWikiPage(const nlohmann::json& page);
Item NormalizeSnippet(const nlohmann::json& snippet);

// Limits on text read besides the object (README, snippet files, diffs):
// enough to judge, bounded against a huge file.
inline constexpr std::size_t kMaxExtraTextBytes = 64 << 10;

}  // namespace spamphibian::gitlab
