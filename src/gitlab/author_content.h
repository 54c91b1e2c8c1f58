// An account's content as GitLab's API lists it to an admin token: the
// listings (one per kind of content) and what each element of them is as an
// Item. Shared by the purge (purge/content_finder.h: everything of a
// spammer) and the bootstrap (bootstrap/: an ordinary account's public
// text), so that both read an author's content the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "gitlab/item.h"

namespace spamphibian::gitlab {

struct AuthorListing {
  const char* name;
  const char* type;  // the item type of each element; "" for contribution events (by their target)
  const char* path;  // %ID%: the author's id; %SINCE%: "?created_after=<sign-up>" ("" when unknown)
};

//   projects        the projects they own
//   issues          their issues across the instance (scope=all)
//   merge_requests  their merge requests across the instance, any state
//   snippets        every snippet since their sign-up (no author filter
//                   exists: the caller keeps the author's own)
//   comments        their contribution events that are comments
//   events          all their contribution events (comments, wiki pages)
inline constexpr AuthorListing kAuthorListings[] = {
    {"projects", "project", "/users/%ID%/projects?order_by=id&sort=asc"},
    {"issues", "issue", "/issues?author_id=%ID%&scope=all&order_by=created_at&sort=asc"},
    {"merge_requests", "merge_request", "/merge_requests?author_id=%ID%&scope=all&state=all&order_by=created_at&sort=asc"},
    {"snippets", "snippet", "/snippets/all%SINCE%"},
    {"comments", "", "/users/%ID%/events?action=commented&sort=asc"},
    {"events", "", "/users/%ID%/events?sort=asc"},
};

// The listing named `name`; nullptr for none.
const AuthorListing* FindAuthorListing(std::string_view name);

// The listing's path for `author` (id, created_at).
std::string AuthorListingPath(const AuthorListing& listing, const Author& author);

// One element of a listing as an Item; false when it is not one (a shape
// GitLab never sends, a system note, an event about something else: a
// push, an issue opened, which come from their own listings). An event's
// comment is addressed under the event's project, and so is a wiki page.
bool ItemFromListing(const AuthorListing& listing, const nlohmann::json& element, Item* item);

}  // namespace spamphibian::gitlab
